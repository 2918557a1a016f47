// Small vector layers (points or polygons in EPSG:4326 with text fields) written through
// GDAL/OGR in any format chosen by the output's extension, atomically.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "geo/vector_feature.h"
#include "util/result.h"

namespace gv {

// Every feature's field names become the layer's fields (union, in first-seen order).
Status WriteVectorLayer(const std::filesystem::path& out, const std::string& layer,
                        const std::vector<VectorFeature>& features);

}  // namespace gv
