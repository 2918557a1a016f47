// Reading every feature of a vector file (any format GDAL reads) in WGS84 lat/lon: layers in
// another CRS are transformed to EPSG:4326 (traditional lon/lat axis order).
#pragma once

#include <ogr_api.h>

#include <filesystem>
#include <functional>

#include "util/result.h"

namespace gv {

// Calls `visit` with each feature and its geometry (transformed; null when it has none) of
// every layer, in order. The handles are valid during the call only. Error when the file
// cannot be opened or a geometry cannot be transformed.
Status ForEachFeatureWgs84(const std::filesystem::path& path,
                           const std::function<void(OGRFeatureH, OGRGeometryH)>& visit);

}  // namespace gv
