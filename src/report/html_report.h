// The offline HTML report: one self-contained file (Leaflet from Debian's libjs-leaflet and
// Natural Earth borders inlined, no network request) listing the evidence with hashes, the
// findings, and a map of the photo positions. Every string from evidence is escaped.
#pragma once

#include <filesystem>
#include <string>

#include "case/case.h"
#include "util/result.h"

namespace gv {

struct HtmlReportOptions {
  std::filesystem::path leaflet_dir = GEOVERIFY_DEFAULT_LEAFLET_DIR;  // leaflet.js, leaflet.css
  std::filesystem::path
      borders;  // GeoJSON country borders; empty: DataDir()/generated/countries-110m.geojson
};

// Builds the HTML text. Error if Leaflet cannot be read.
Result<std::string> RenderHtmlReport(const Case& c, const HtmlReportOptions& options = {});

}  // namespace gv
