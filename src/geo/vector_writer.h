// Small vector layers (points or polygons in EPSG:4326 with text fields) written through
// GDAL/OGR in any format chosen by the output's extension, atomically.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace gv {

struct VectorFeature {
  std::vector<std::pair<double, double>> coordinates;  // (lon, lat); one point, or a closed ring
  bool polygon = false;
  std::vector<std::pair<std::string, std::string>> fields;  // name, value (text)
};

// Every feature's field names become the layer's fields (union, in first-seen order).
Status WriteVectorLayer(const std::filesystem::path& out, const std::string& layer,
                        const std::vector<VectorFeature>& features);

}  // namespace gv
