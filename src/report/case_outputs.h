// All outputs of `geoverify run` for one case, each written atomically into `out_dir`
// (created if missing; re-running replaces the previous outputs):
//   case.gpkg      photos / evidence / findings layers (GeoPackage)
//   case.kml       photo points for Google Earth
//   report.html    offline HTML report with map
//   manifest.csv   path, SHA-256, bytes, modification and intake time of every file
//   photos.json    the `inspect --json` record of every photo
#pragma once

#include <filesystem>
#include <vector>

#include "case/case.h"
#include "util/result.h"

namespace gv {

// Returns the paths written; error on the first output that cannot be written.
Result<std::vector<std::filesystem::path>> WriteCaseOutputs(const Case& c,
                                                            const std::filesystem::path& out_dir);

}  // namespace gv
