#include "report/html_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "metadata/metadata_json.h"
#include "report/escape.h"
#include "util/data_dir.h"
#include "util/file.h"
#include "util/time.h"

namespace gv {
namespace {

Result<std::string> ReadText(const std::filesystem::path& path, std::uint64_t max_bytes) {
  std::vector<std::uint8_t> buffer;
  if (auto st = ReadFileBounded(path, max_bytes, buffer); !st.ok()) return st.error();
  return std::string(buffer.begin(), buffer.end());
}

// Points for the map, as JSON (escaped for a script element by the caller).
std::string PointsJson(const Case& c) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : c.photos) {
    if (!p.gps || !p.gps->position_valid) continue;
    nlohmann::json codes = nlohmann::json::array();
    for (const auto& f : p.findings) codes.push_back(f.code);
    points.push_back({{"file", p.file},
                      {"sha256", p.sha256},
                      {"lat", p.gps->lat_deg},
                      {"lon", p.gps->lon_deg},
                      {"taken_at_utc", p.taken_at_utc ? FormatIsoUtc(*p.taken_at_utc) : ""},
                      {"findings", codes}});
  }
  return points.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void WriteEvidenceTable(std::ostream& out, const Case& c) {
  out << "<h2>Evidence (" << c.evidence.size()
      << " files)</h2>\n<table><tr><th>File</th><th>SHA-256</th>"
      << "<th>Bytes</th><th>Kind</th><th>Modified (UTC)</th><th>Status</th></tr>\n";
  for (const auto& e : c.evidence) {
    out << "<tr><td>" << HtmlEscape(e.path) << "</td><td class=hash>" << HtmlEscape(e.sha256)
        << "</td><td>" << e.bytes << "</td><td>" << HtmlEscape(e.kind) << "</td><td>"
        << HtmlEscape(e.modified_utc) << "</td><td>"
        << (e.error.empty() ? "ok" : "<span class=err>" + HtmlEscape(e.error) + "</span>")
        << "</td></tr>\n";
  }
  out << "</table>\n";
}

void WritePhotoTable(std::ostream& out, const Case& c) {
  out << "<h2>Photos and findings</h2>\n<table><tr><th>File</th><th>Camera</th><th>Taken (UTC)</th>"
      << "<th>GPS</th><th>Findings</th></tr>\n";
  for (const auto& p : c.photos) {
    out << "<tr><td>" << HtmlEscape(p.file) << "<div class=hash>" << HtmlEscape(p.sha256)
        << "</div></td><td>" << HtmlEscape(p.make + " " + p.model) << "</td><td>";
    if (p.taken_at_utc)
      out << HtmlEscape(FormatIsoUtc(*p.taken_at_utc)) << " <small>("
          << HtmlEscape(p.taken_at_utc_source) << ")</small>";
    out << "</td><td>";
    if (p.gps && p.gps->position_valid) {
      char position[64];
      std::snprintf(position, sizeof position, "%.6f, %.6f", p.gps->lat_deg, p.gps->lon_deg);
      out << position;
    }
    out << "</td><td>";
    if (p.error) out << "<div class=err>" << HtmlEscape(*p.error) << "</div>";
    for (const auto& f : p.findings) {
      out << "<div class='" << SeverityName(f.severity) << "'><b>" << HtmlEscape(f.code) << "</b> "
          << HtmlEscape(f.message) << "</div>";
    }
    out << "</td></tr>\n";
  }
  out << "</table>\n";
}

constexpr const char* kStyle = R"(body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left;font-size:13px}
.hash{font-family:monospace;font-size:11px;color:#555;word-break:break-all}.err{color:#b00}.warning{color:#a60}.alert{color:#b00}.info{color:#357}
#map{height:480px;border:1px solid #999;margin-bottom:1em}.note{color:#666;font-size:12px})";

constexpr const char* kMapScript = R"(
(function(){
  var points = JSON.parse(document.getElementById('gv-points').textContent);
  var borders = JSON.parse(document.getElementById('gv-borders').textContent);
  var map = L.map('map', {worldCopyJump: true});
  if (borders) L.geoJSON(borders, {style: {color: '#777', weight: 1, fillColor: '#eee', fillOpacity: 1}}).addTo(map);
  var group = L.featureGroup();
  points.forEach(function(p){
    var popup = document.createElement('div');
    var name = document.createElement('b'); name.textContent = p.file; popup.appendChild(name);
    var lines = ['SHA-256: ' + p.sha256, 'Taken (UTC): ' + (p.taken_at_utc || 'unknown'),
                 p.lat.toFixed(6) + ', ' + p.lon.toFixed(6), 'Findings: ' + (p.findings.join(', ') || 'none')];
    lines.forEach(function(t){ var d = document.createElement('div'); d.textContent = t; popup.appendChild(d); });
    L.circleMarker([p.lat, p.lon], {radius: 7, color: p.findings.length ? '#c60' : '#06c', fillOpacity: 0.8})
      .bindPopup(popup).addTo(group);
  });
  group.addTo(map);
  if (points.length) map.fitBounds(group.getBounds().pad(0.5), {maxZoom: 12});
  else map.setView([15, 100], 3);
})();
)";

}  // namespace

Result<std::string> RenderHtmlReport(const Case& c, const HtmlReportOptions& options) {
  auto js = ReadText(options.leaflet_dir / "leaflet.js", 4u << 20);
  if (!js.ok())
    return MakeError("Leaflet is missing (install libjs-leaflet): " + js.error().message);
  auto css = ReadText(options.leaflet_dir / "leaflet.css", 1u << 20);
  if (!css.ok())
    return MakeError("Leaflet is missing (install libjs-leaflet): " + css.error().message);
  const auto borders_path = options.borders.empty()
                                ? DataDir() / "generated" / "countries-110m.geojson"
                                : options.borders;
  auto borders = ReadText(borders_path, 16u << 20);
  std::string borders_json = "null";
  if (borders.ok() && nlohmann::json::accept(*borders)) borders_json = *borders;

  std::size_t with_gps = 0;
  for (const auto& p : c.photos) with_gps += (p.gps && p.gps->position_valid) ? 1 : 0;
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
         "'unsafe-inline'; "
         "style-src 'unsafe-inline'; img-src data:\">\n"
      << "<title>geoverify report: " << HtmlEscape(c.dir.filename().string()) << "</title>\n"
      << "<style>" << *css << "</style>\n<style>" << kStyle << "</style></head><body>\n"
      << "<h1>geoverify case report</h1>\n<p>Case folder: <b>" << HtmlEscape(c.dir.string())
      << "</b><br>Intake: " << HtmlEscape(c.intake_utc) << "<br>" << c.evidence.size() << " files, "
      << c.photos.size() << " photos, " << with_gps << " with GPS, " << c.failed
      << " could not be read</p>\n"
      << "<div id=map></div><p class=note>Photo positions as recorded in their metadata (EXIF "
         "GPS), "
         "not verified. Borders: Natural Earth (public domain). The map works offline.</p>\n";
  WritePhotoTable(out, c);
  WriteEvidenceTable(out, c);
  out << "<p class=note>Generated by geoverify at " << HtmlEscape(NowIsoUtc())
      << ". Evidence files were opened "
      << "read-only; each is identified by its SHA-256.</p>\n"
      << "<script type=\"application/json\" id=gv-points>" << JsonForScript(PointsJson(c))
      << "</script>\n"
      << "<script type=\"application/json\" id=gv-borders>" << JsonForScript(borders_json)
      << "</script>\n"
      << "<script>" << *js << "</script>\n<script>" << kMapScript << "</script>\n</body></html>\n";
  return out.str();
}

}  // namespace gv
