// Case layers written through GDAL/OGR, so any OGR vector driver works.
//   photos    point layer (EPSG:4326), one feature per photo with a valid GPS position
//   evidence  table: every file of the case with its SHA-256 (drivers with tables only)
//   findings  table: every finding, with the SHA-256 of the evidence it is about
// The output is written to a temporary file and renamed into place when complete.
#pragma once

#include <filesystem>
#include <string>

#include "case/case.h"
#include "util/result.h"

namespace gv {

// `driver` is an OGR short name ("GPKG", "KML", "GeoJSON"...), or empty to choose it from
// the extension of `out`.
Status WriteCaseLayers(const Case& c, const std::filesystem::path& out, std::string driver = "");

// OGR driver for an output extension (".gpkg" -> "GPKG"), or "" if unknown.
std::string DriverForExtension(const std::filesystem::path& path);

}  // namespace gv
