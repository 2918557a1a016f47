// The offline HTML report: one self-contained file (Leaflet from Debian's libjs-leaflet,
// Natural Earth borders, pictures as data: URIs; no network request, enforced by a
// Content-Security-Policy). A map with a layer control (photos, clues by kind, footprints,
// shadow regions, known sites, borders), a panel per photo (preview, verdicts, ELA, clues,
// findings, step errors), the place groups and the evidence with hashes. Every string from
// evidence is escaped.
#pragma once

#include <filesystem>
#include <string>

#include "case/case.h"
#include "util/result.h"

namespace gv {

struct HtmlReportOptions {
  std::filesystem::path leaflet_dir = GEOVERIFY_DEFAULT_LEAFLET_DIR;  // leaflet.js, leaflet.css
  // GeoJSON country borders; empty: DataDir()/generated/countries-110m.geojson. When missing,
  // the report says so.
  std::filesystem::path borders;
};

// What every offline map page embeds: Leaflet's script and style, and the borders GeoJSON
// ("null" when missing, and `borders_note` says so).
struct MapAssets {
  std::string leaflet_js, leaflet_css, borders_json, borders_note;
};
Result<MapAssets> LoadMapAssets(const HtmlReportOptions& options = {});

// Builds the HTML text. Error if Leaflet cannot be read.
Result<std::string> RenderHtmlReport(const Case& c, const HtmlReportOptions& options = {});

}  // namespace gv
