// A small vector feature (a point or one polygon ring in EPSG:4326 with text fields), as the
// algorithms return them; report/vector_writer.h writes them.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gv {

struct VectorFeature {
  std::vector<std::pair<double, double>> coordinates;  // (lon, lat); one point, or a closed ring
  bool polygon = false;
  std::vector<std::pair<std::string, std::string>> fields;  // name, value (text)
};

}  // namespace gv
