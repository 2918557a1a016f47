// The offline HTML report: one self-contained file (Leaflet from Debian's libjs-leaflet,
// Natural Earth borders, pictures as data: URIs; no network request, enforced by a
// Content-Security-Policy). A map with a layer control (photos, clues by kind, footprints,
// shadow regions, known sites, borders), a panel per photo (preview, verdicts, ELA, clues,
// findings, step errors), the place groups and the evidence with hashes. Every string from
// evidence is escaped.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

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

// The photo pictures the report embeds (the preview, the ELA picture and the text lines'
// crops, "text_N") and the largest side it shows them at. Once a photo's files are written,
// the case keeps only these pictures in memory, encoded as the report embeds them
// (WritePhotoFiles): on 50 camera photos of a phone dump, 89 KB a photo instead of 296 KB of
// pixels; over the dump's 1,600 photos and keyframes, 140 MB instead of 470 MB.
bool ReportShowsPicture(const std::string& name);
constexpr int kReportPictureSide = 360;
// A picture the report shows, encoded as it embeds it: the preview as JPEG (quality 80),
// the others as PNG, at most kReportPictureSide a side (text crops 320).
std::vector<std::uint8_t> EncodeReportPicture(const std::string& name, const cv::Mat& image);

// Writes the HTML text to `out`. Error if Leaflet cannot be read.
Status WriteHtmlReport(const Case& c, std::ostream& out, const HtmlReportOptions& options = {});
// The HTML text as one string (for tests and small cases).
Result<std::string> RenderHtmlReport(const Case& c, const HtmlReportOptions& options = {});
// Writes the report to `path` as it is made (a phone dump's is hundreds of MB: never held
// whole in memory, as a string and its copy), through a temporary file renamed on success.
Status WriteHtmlReportFile(const Case& c, const std::filesystem::path& path,
                           const HtmlReportOptions& options = {});

// A photo of this case that shows the same picture as a photo of another case in the shared
// store (`geoverify store push|link`): a CROSS_CASE_MATCH.
struct CrossCaseRow {
  std::string photo, sha256, other_case, other_unit, other_photo, other_sha256;
  std::string match;  // "hash" (the same picture) or "visual" (the same place)
  int bits = 0;       // hash: perceptual-hash distance; 0 for the same file
  int inliers = 0;    // visual: verified feature matches
};
// The report's "Other cases" section: the matches, or that the case was not checked
// (`checked` false) or matched nothing. `store` names where it was checked.
std::string RenderCrossCaseSection(const std::vector<CrossCaseRow>& rows, bool checked,
                                   const std::string& store);
// Replaces the "Other cases" section of a report written by RenderHtmlReport (atomically).
Status UpdateReportCrossCase(const std::filesystem::path& report, const std::string& section);

}  // namespace gv
