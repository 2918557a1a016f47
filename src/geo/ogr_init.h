// One-time GDAL/OGR set-up shared by every adapter that uses GDAL: registers drivers and
// installs a quiet error handler (errors are read back with LastGdalError()).
#pragma once

#include <filesystem>
#include <string>

namespace gv {

void EnsureGdalRegistered();
// Message of the last GDAL/OGR error on this thread, or "unknown GDAL error".
std::string LastGdalError();

// OGR driver for a vector output's extension (".gpkg" -> "GPKG", ".geojson" -> "GeoJSON",
// ".kml", ".shp", ".fgb", ".csv", ".sqlite", ".gml"), or "" when unknown.
std::string VectorDriverForExtension(const std::filesystem::path& path);

}  // namespace gv
