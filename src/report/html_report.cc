#include "report/html_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>

#include "geo/known_sites.h"
#include "metadata/metadata_json.h"
#include "report/case_outputs.h"
#include "report/escape.h"
#include "report/report_assets.h"
#include "util/data_dir.h"
#include "util/file.h"
#include "util/text.h"
#include "util/time.h"

namespace gv {
namespace {

using Json = nlohmann::json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A picture encoded as the report embeds it (JPEG quality 80 for photos, PNG for maps and
// the rest), at most `side` pixels a side; empty when there is no picture.
std::vector<std::uint8_t> Encode(const cv::Mat& image, int side, bool jpeg) {
  std::vector<std::uint8_t> bytes;
  if (image.empty()) return bytes;
  cv::Mat small = image;
  const double scale = std::min(1.0, static_cast<double>(side) / std::max(image.cols, image.rows));
  if (scale < 1) cv::resize(image, small, cv::Size(), scale, scale, cv::INTER_AREA);
  if (!cv::imencode(jpeg ? ".jpg" : ".png", small, bytes,
                    jpeg ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, 80} : std::vector<int>{}))
    bytes.clear();
  return bytes;
}

// Encoded bytes as a data: URI; "" for none.
std::string Uri(const std::vector<std::uint8_t>& bytes, bool jpeg) {
  if (bytes.empty()) return "";
  return std::string(jpeg ? "data:image/jpeg;base64," : "data:image/png;base64,") + Base64(bytes);
}

// A picture as a data: URI, at most `side` pixels a side.
std::string DataUri(const cv::Mat& image, int side, bool jpeg) {
  return Uri(Encode(image, side, jpeg), jpeg);
}

bool ShownAsJpeg(const std::string& name) { return name == "preview"; }
int ShownSide(const std::string& name) {
  return name.rfind("text_", 0) == 0 ? 320 : kReportPictureSide;
}

// A photo's picture as a data: URI, at most `side` pixels a side: from its pixels before the
// photo's files were written, from the bytes kept for the report after (the pictures the
// report does not show are released then: WritePhotoFiles); "" when there is none. A picture
// kept in a scratch file that cannot be read back, or whose bytes do not decode where the
// report shows it smaller, leaves the URI empty and says why in `unavailable`, for the report
// to show in its place rather than leave it out unsaid.
std::string PictureUri(const PhotoRecord& p, const std::string& name, int side,
                       std::string* unavailable) {
  const bool jpeg = ShownAsJpeg(name);
  for (const auto& picture : p.pictures) {
    if (picture.name != name) continue;
    if (!picture.image.empty()) return DataUri(picture.image, side, jpeg);
    // Read back one picture at a time when kept on disk.
    const auto shown = picture.ShownBytes();
    if (!shown.ok()) {
      *unavailable = shown.error().message;
      continue;
    }
    if (shown->empty()) continue;
    if (side >= ShownSide(name)) return Uri(*shown, jpeg);
    const cv::Mat decoded = cv::imdecode(*shown, cv::IMREAD_UNCHANGED);
    if (decoded.empty()) {
      *unavailable = "its " + std::to_string(shown->size()) + " kept bytes do not decode";
      continue;
    }
    return DataUri(decoded, side, jpeg);
  }
  return "";
}

// An <img> of a photo's picture, or a line saying why it is missing when it was made but
// cannot be read back; "" when there is no such picture.
std::string PictureImg(const PhotoRecord& p, const std::string& name, int side,
                       const std::string& attributes) {
  std::string unavailable;
  if (const auto uri = PictureUri(p, name, side, &unavailable); !uri.empty())
    return "<img " + attributes + " src='" + uri + "'>";
  if (unavailable.empty()) return "";
  return "<span class=unavailable>picture unavailable (" + HtmlEscape(name) +
         "): " + HtmlEscape(unavailable) + "</span>";
}

bool Has(const PhotoRecord& p, std::initializer_list<const char*> codes, std::string* which) {
  std::set<std::string> found;
  for (const auto& f : p.findings)
    for (const char* code : codes)
      if (f.code == code) found.insert(code);
  for (const auto& f : found) *which += (which->empty() ? "" : ", ") + f;
  return !found.empty();
}

// Map data: photos with GPS, every clue with a geometry, hypotheses and credible regions.
Json MapData(const Case& c) {
  Json photos = Json::array(), clues = Json::array();
  for (std::size_t i = 0; i < c.photos.size(); ++i) {
    const auto& p = c.photos[i];
    const auto& gps = p.metadata.gps;
    if (gps && gps->position_valid) {
      Json codes = Json::array();
      for (const auto& f : p.findings) codes.push_back(f.code);
      photos.push_back({{"file", p.path},
                        {"panel", "photo-" + std::to_string(i + 1)},
                        {"sha256", p.sha256},
                        {"lat", gps->lat_deg},
                        {"lon", gps->lon_deg},
                        {"taken_at_utc", p.taken_at_utc ? FormatIsoUtc(*p.taken_at_utc) : ""},
                        {"findings", codes}});
    }
    for (const auto& clue : p.clues) {
      Json j = ClueJson(clue);
      if (j["geometry"].is_null()) continue;
      j.erase("params");
      j["photo"] = p.path;
      j["panel"] = "photo-" + std::to_string(i + 1);
      clues.push_back(j);
    }
  }
  Json hypotheses = Json::array(), regions = Json::array();
  for (const auto& f : c.fusion) {
    for (const auto& h : f.result.hypotheses) {
      Json gains = Json::array();
      for (const auto& cg : h.clues)
        gains.push_back({{"kind", cg.kind}, {"photo", cg.photo}, {"gain", cg.log_likelihood_gain}});
      const std::string place = h.place ? h.place->Describe() : "";
      hypotheses.push_back(
          {{"group", f.group},
           {"rank", h.rank},
           {"lat", h.at.lat_deg},
           {"lon", h.at.lon_deg},
           {"probability", h.probability},
           {"radius_m", h.radius_m},
           {"place", place},
           {"known_site", h.known_site ? Json(h.known_site->first) : Json(nullptr)},
           {"clues", gains}});
    }
    for (const auto& r : f.result.regions)
      regions.push_back({{"group", f.group},
                         {"level", r.level},
                         {"area_km2", r.area_km2},
                         {"geometry", MultiPolygonJson(r.polygons)}});
  }
  return {{"photos", photos}, {"clues", clues}, {"hypotheses", hypotheses}, {"regions", regions}};
}

// The text step's lines: each crop beside its reading, script, Latin transliteration and
// the items found in it, so that an analyst who does not read the script can check it.
void WriteTextLines(std::ostream& out, const PhotoRecord& p) {
  if (!p.text.is_object() || !p.text.contains("lines") || p.text["lines"].empty()) return;
  const auto& lines = p.text["lines"];
  out << "<h4>Text read in the photo (" << lines.size()
      << ")</h4><table class=text><tr><th>Crop</th><th>Reading</th><th>Script</th>"
         "<th>Latin</th><th>Confidence</th><th>Items</th></tr>";
  for (const auto& line : lines) {
    out << "<tr><td>";
    if (line.contains("crop") && line["crop"].is_string())
      out << PictureImg(p, line["crop"].get<std::string>(), 320, "class=crop alt='text crop'");
    char confidence[16];
    std::snprintf(confidence, sizeof confidence, "%.0f", line.value("confidence", 0.0));
    out << "</td><td class=reading>" << HtmlEscape(line.value("text", std::string()))
        << (line.value("zawgyi", false) ? " <small>(converted from Zawgyi)</small>" : "")
        << "</td><td>" << HtmlEscape(line.value("script", std::string())) << " <small>"
        << HtmlEscape(line.value("language", std::string())) << "</small></td><td>"
        << (line["latin"].is_string() ? HtmlEscape(line["latin"].get<std::string>()) : "")
        << "</td><td>" << confidence << "</td><td>";
    if (line.contains("box") && line["box"].is_array())
      for (const auto& item : p.text["items"])
        if (item["box"] == line["box"]) {
          std::string what =
              item.value("kind", std::string()) + " " + item.value("value", std::string());
          if (item["country"].is_string()) what += " (" + item["country"].get<std::string>() + ")";
          if (item.contains("area")) what += " " + item.value("area", std::string());
          if (item.contains("places") && !item["places"].empty())
            what += ": " + item["places"][0].value("name", std::string()) +
                    (item["places"].size() > 1
                         ? " or " + std::to_string(item["places"].size() - 1) + " other(s)"
                         : "");
          out << "<div>" << HtmlEscape(what) << "</div>";
        }
    out << "</td></tr>";
  }
  out << "</table>";
}

void WritePhotoPanel(std::ostream& out, const PhotoRecord& p, std::size_t index) {
  out << "<section class=photo id=photo-" << index << " data-sha256='" << HtmlEscape(p.sha256)
      << "'><h3>" << HtmlEscape(p.path) << "</h3><div class=hash>SHA-256 " << HtmlEscape(p.sha256)
      << "</div><div class=cols><div>";
  out << PictureImg(p, "preview", kReportPictureSide, "class=preview alt='photo'");
  out << "</div><div class=facts><table class=verdicts>";
  const auto verdict = [&](const char* question, std::initializer_list<const char*> codes) {
    std::string which;
    const bool yes = Has(p, codes, &which);
    out << "<tr><th>" << question << "</th><td class='" << (yes ? "alert" : "ok") << "'>"
        << (yes ? "yes: " + HtmlEscape(which) : std::string("no sign found")) << "</td></tr>";
  };
  verdict("Edited?", {"EDITED_WITH_SOFTWARE", "JPEG_EDITOR_SEGMENTS", "MODIFIED_AFTER_CAPTURE",
                      "THUMBNAIL_CONTENT_DIFFERS", "THUMBNAIL_MISMATCH"});
  verdict("Re-encoded?", {"DOUBLE_COMPRESSION", "NO_METADATA", "REENCODED_BY_PLATFORM"});
  verdict("Copy-move?", {"COPY_MOVE"});
  verdict("Clock?", {"GPS_TIME_MISMATCH", "CAMERA_CLOCK_ZONE_DIFFERS", "CASE_TIME_DIFFERS"});
  out << "<tr><th>Taken (UTC)</th><td>"
      << (p.taken_at_utc ? HtmlEscape(FormatIsoUtc(*p.taken_at_utc)) + " <small>(" +
                               HtmlEscape(p.taken_at_utc_source) + ")</small>"
                         : std::string("unknown"))
      << "</td></tr><tr><th>Camera</th><td>" << HtmlEscape(p.metadata.make + " " + p.metadata.model)
      << "</td></tr>";
  if (p.frame) {
    char at[32];
    std::snprintf(at, sizeof at, "%.2f s", p.frame->offset_s);
    out << "<tr><th>Video frame</th><td>of " << HtmlEscape(p.frame->video) << " at " << at
        << " <small>(time = the video's + " << at << ")</small></td></tr>";
  }
  if (p.place_group > 0)
    out << "<tr><th>Place group</th><td><a href='#group-" << p.place_group << "'>" << p.place_group
        << "</a></td></tr>";
  out << "</table></div><div>";
  if (const auto img =
          PictureImg(p, "ela", kReportPictureSide, "class=ela alt='error level analysis'");
      !img.empty())
    out << "<figure>" << img
        << "<figcaption>Error level analysis (bright: recompressed "
           "differently)</figcaption></figure>";
  out << "</div></div>";
  out << "<h4>Clues (" << p.clues.size() << ")</h4><ul class=clues>";
  for (const auto& clue : p.clues) {
    out << "<li data-kind='" << HtmlEscape(clue.kind) << "'><b>" << HtmlEscape(clue.kind) << "</b> "
        << HtmlEscape(clue.description);
    if (clue.confidence < 1) {
      char c[32];
      std::snprintf(c, sizeof c, "%.2f", clue.confidence);
      out << " <small>(confidence " << c << ": " << HtmlEscape(clue.confidence_note) << ")</small>";
    }
    out << "</li>";
  }
  out << "</ul>";
  WriteTextLines(out, p);
  out << "<h4>Findings (" << p.findings.size() << ")</h4><ul class=findings>";
  for (const auto& f : p.findings)
    out << "<li class='" << SeverityName(f.severity) << "'><b>" << HtmlEscape(f.code) << "</b> "
        << HtmlEscape(f.message) << " <small>[" << HtmlEscape(f.step) << "]</small></li>";
  out << "</ul>";
  if (p.metadata.error || !p.errors.empty()) {
    out << "<h4>Errors</h4><ul class=errors>";
    for (const auto& e : p.errors)
      out << "<li class=err>" << HtmlEscape(e.step) << ": " << HtmlEscape(e.message) << "</li>";
    if (p.errors.empty() && p.metadata.error)
      out << "<li class=err>" << HtmlEscape(*p.metadata.error) << "</li>";
    out << "</ul>";
  }
  out << "</section>\n";
}

void WriteGroups(std::ostream& out, const Case& c) {
  out << "<h2 id=place-groups>Place groups (" << c.place_groups.size() << ")</h2>\n"
      << "<p class=note>Photos of one place: linked by a verified same-scene match or by "
         "<code>same_place_as</code> in case.yaml. A photo alone is a group of one.</p>"
      << "<table><tr><th>Group</th><th>Photos</th><th>Links</th><th>Hypotheses (fused clues; "
         "each clue's log-likelihood gain)</th></tr>\n";
  for (const auto& g : c.place_groups) {
    out << "<tr class=group id=group-" << g.id << "><td>" << g.id << "</td><td>";
    for (const auto& p : g.photos) out << "<div>" << HtmlEscape(p) << "</div>";
    out << "</td><td>";
    for (const auto& l : g.links)
      out << "<div>" << HtmlEscape(l.a) << " = " << HtmlEscape(l.b) << " <small>("
          << HtmlEscape(l.reason) << ")</small></div>";
    out << "</td><td>";
    for (const auto& f : c.fusion) {
      if (f.group != g.id) continue;
      if (f.result.hypotheses.empty()) out << "<i>no location clue: no place proposed</i>";
      for (const auto& h : f.result.hypotheses) {
        char line[160];
        std::snprintf(line, sizeof line, "%d. %.5f, %.5f: p %.3f, within %.0f m", h.rank,
                      h.at.lat_deg, h.at.lon_deg, h.probability, h.radius_m);
        const std::string id =
            "hypothesis-" + std::to_string(f.group) + "-" + std::to_string(h.rank);
        out << "<div class=hypothesis><a href='#" << id << "'>" << line << "</a>";
        if (h.known_site)
          out << " <small>near known site " << HtmlEscape(h.known_site->first) << "</small>";
        // Each clue's contribution as a bar: right (green) favours the place, left (red)
        // speaks against it; 10 nats fill the bar.
        out << "<table class=gains>";
        for (const auto& cg : h.clues) {
          const double g = cg.log_likelihood_gain;
          const int width = static_cast<int>(std::min(std::abs(g), 10.0) * 6);
          std::snprintf(line, sizeof line, "%+.1f", g);
          out << "<tr><td>" << HtmlEscape(cg.kind) << " <small>" << HtmlEscape(cg.photo)
              << "</small></td><td class=bars><span class='bar " << (g < 0 ? "against" : "for")
              << "' style='width:" << width << "px'></span></td><td>" << line << "</td></tr>";
        }
        out << "</table></div>";
      }
      for (const auto& k : f.result.conflicts)
        out << "<div class=alert>CLUES_CONFLICT " << HtmlEscape(k.message) << "</div>";
      char areas[120];
      std::snprintf(areas, sizeof areas, "credible areas: 50 %% %.3g km2, 90 %% %.3g km2",
                    f.result.area_50_km2, f.result.area_90_km2);
      if (!f.result.hypotheses.empty()) out << "<div class=note>" << areas << "</div>";
    }
    out << "</td></tr>\n";
  }
  out << "</table>\n";
}

// Each video: its container facts and findings, and its keyframes as a strip, each linked
// to its panel among the photos.
void WriteVideos(std::ostream& out, const Case& c) {
  if (c.videos.empty()) return;
  out << "<h2 id=videos>Videos (" << c.videos.size() << ")</h2>\n";
  for (const auto& v : c.videos) {
    const PhotoMetadata& m = v.metadata;
    out << "<section class=video data-sha256='" << HtmlEscape(v.sha256) << "'><h3>"
        << HtmlEscape(v.path) << "</h3><div class=hash>SHA-256 " << HtmlEscape(v.sha256)
        << "</div>";
    if (m.video) {
      char facts[160];
      if (m.video->has_video)
        std::snprintf(facts, sizeof facts, "%.1f s, %dx%d, rotation %d, %s", m.video->duration_s,
                      m.video->width, m.video->height, m.video->rotation_deg,
                      m.video->has_audio ? "with sound" : "no sound");
      else
        std::snprintf(facts, sizeof facts, "%.1f s of sound, no pictures", m.video->duration_s);
      out << "<p>" << HtmlEscape(m.video->container + " " + m.video->codec) << ", " << facts
          << "; taken (UTC) "
          << (m.taken_at_utc ? HtmlEscape(FormatIsoUtc(*m.taken_at_utc)) + " <small>(" +
                                   HtmlEscape(m.taken_at_utc_source) + ")</small>"
                             : std::string("unknown"))
          << "; camera " << HtmlEscape(m.make + " " + m.model) << "</p>";
    }
    out << "<div class=strip>";
    for (const auto& frame_path : v.frames) {
      for (std::size_t i = 0; i < c.photos.size(); ++i) {
        const PhotoRecord& p = c.photos[i];
        if (p.path != frame_path || !p.frame) continue;
        char at[32];
        std::snprintf(at, sizeof at, "%.2f s", p.frame->offset_s);
        out << "<a href='#photo-" << i + 1 << "'><figure>";
        out << PictureImg(p, "preview", 200, std::string("alt='keyframe at ") + at + "'");
        out << "<figcaption>" << at << "</figcaption></figure></a>";
      }
    }
    out << "</div><ul class=findings>";
    for (const auto& f : m.findings)
      out << "<li class='" << SeverityName(f.severity) << "'><b>" << HtmlEscape(f.code) << "</b> "
          << HtmlEscape(f.message) << "</li>";
    out << "</ul>";
    if (!v.error.empty()) out << "<p class=err>" << HtmlEscape(v.error) << "</p>";
    out << "</section>\n";
  }
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

// Known sites for the map: the shipped layer, another vector file named in case.yaml, or
// none; as GeoJSON points with their sources.
std::string KnownSitesJson(const Case& c, std::string* note) {
  if (c.config.known_sites == "none") {
    *note = "Known sites: off (case.yaml says known_sites: none).";
    return "null";
  }
  const std::filesystem::path path = c.config.known_sites == "default"
                                         ? DefaultKnownSitesPath()
                                         : std::filesystem::path(c.config.known_sites);
  const auto sites = LoadKnownSites(path);
  if (!sites.ok()) {
    *note = "Known sites: " + path.filename().string() + " could not be read.";
    return "null";
  }
  Json features = Json::array();
  for (const auto& s : *sites)
    features.push_back(
        {{"type", "Feature"},
         {"properties",
          {{"name", s.name},
           {"country", s.country},
           {"precision", s.precision},
           {"radius_m", s.radius_m},
           {"source", s.source},
           {"source_url", s.source_url},
           {"as_of", s.as_of},
           {"notes", s.notes},
           {"caveat", s.caveat}}},
         {"geometry", {{"type", "Point"}, {"coordinates", {s.at.lon_deg, s.at.lat_deg}}}}});
  *note = "Known sites: " + path.filename().string() +
          " (public reports, each site with its source; for orientation only, verify "
          "independently).";
  return Dump(Json{{"type", "FeatureCollection"}, {"features", features}});
}

}  // namespace

Result<MapAssets> LoadMapAssets(const HtmlReportOptions& options) {
  MapAssets a;
  auto js = ReadTextFile(options.leaflet_dir / "leaflet.js", 4u << 20);
  if (!js.ok())
    return MakeError("Leaflet is missing (install libjs-leaflet): " + js.error().message);
  auto css = ReadTextFile(options.leaflet_dir / "leaflet.css", 1u << 20);
  if (!css.ok())
    return MakeError("Leaflet is missing (install libjs-leaflet): " + css.error().message);
  a.leaflet_js = std::move(*js);
  a.leaflet_css = std::move(*css);
  const auto borders_path = options.borders.empty()
                                ? DataDir() / "generated" / "countries-110m.geojson"
                                : options.borders;
  auto borders = ReadTextFile(borders_path, 16u << 20);
  a.borders_json = "null";
  a.borders_note = "Borders: Natural Earth (public domain).";
  if (borders.ok() && Json::accept(*borders)) {
    a.borders_json = std::move(*borders);
  } else {
    a.borders_note = "Country borders are missing (" + borders_path.string() +
                     " could not be read; run scripts/fetch-data): the map has no border layer.";
  }
  return a;
}

bool ReportShowsPicture(const std::string& name) {
  return name == "preview" || name == "ela" || name.rfind("text_", 0) == 0;
}

std::vector<std::uint8_t> EncodeReportPicture(const std::string& name, const cv::Mat& image) {
  return Encode(image, ShownSide(name), ShownAsJpeg(name));
}

Status WriteHtmlReport(const Case& c, std::ostream& out, const HtmlReportOptions& options) {
  auto assets = LoadMapAssets(options);
  if (!assets.ok()) return assets.error();
  const std::string& borders_json = assets->borders_json;
  const std::string& borders_note = assets->borders_note;
  std::string sites_note;
  const std::string sites_json = KnownSitesJson(c, &sites_note);

  std::size_t with_gps = 0, clue_count = 0;
  for (const auto& p : c.photos) {
    with_gps += (p.metadata.gps && p.metadata.gps->position_valid) ? 1 : 0;
    clue_count += p.clues.size();
  }
  const std::string title = c.config.title.empty() ? c.dir.filename().string() : c.config.title;
  out << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
         "'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
      << "<title>geoverify report: " << HtmlEscape(title) << "</title>\n"
      << "<style>" << assets->leaflet_css << "</style>\n<style>" << kReportStyle
      << "</style></head><body>\n"
      << "<h1>geoverify case report: " << HtmlEscape(title) << "</h1>\n<p>Case folder: <b>"
      << HtmlEscape(c.dir.string()) << "</b><br>Intake: " << HtmlEscape(c.intake_utc) << "<br>"
      << c.evidence.size() << " files, " << c.photos.size() << " photos, " << with_gps
      << " with GPS, " << clue_count << " clues, " << c.place_groups.size() << " place groups, "
      << c.failed << " with errors<br>Steps run: ";
  for (const auto& s : c.steps_run) out << HtmlEscape(s) << ' ';
  if (!c.steps_skipped.empty()) {
    out << "<br>Steps skipped: ";
    for (const auto& s : c.steps_skipped) out << HtmlEscape(s) << ' ';
  }
  out << "</p>\n<div id=map></div><p class=note id=map-notes>Photo positions as recorded in "
         "their metadata (EXIF GPS), not verified; clues as the steps found them; hypotheses fused "
         "from each place group's clues (see Place groups). "
      << HtmlEscape(borders_note) << ' ' << HtmlEscape(sites_note)
      << " Places named near clues: GeoNames (CC BY 4.0, geonames.org)."
      << " The map works offline.</p>\n";
  out << RenderCrossCaseSection({}, false, "");
  WriteVideos(out, c);
  out << "<h2>Photos (" << c.photos.size() << ")</h2>\n";
  for (std::size_t i = 0; i < c.photos.size(); ++i) WritePhotoPanel(out, c.photos[i], i + 1);
  WriteGroups(out, c);
  WriteEvidenceTable(out, c);
  out << "<p class=note>Generated by geoverify at " << HtmlEscape(NowIsoUtc())
      << ". Evidence files were opened read-only; each is identified by its SHA-256.</p>\n"
      << "<script type=\"application/json\" id=gv-data>" << JsonForScript(Dump(MapData(c)))
      << "</script>\n"
      << "<script type=\"application/json\" id=gv-borders>" << JsonForScript(borders_json)
      << "</script>\n"
      << "<script type=\"application/json\" id=gv-sites>" << JsonForScript(sites_json)
      << "</script>\n"
      << "<script>" << assets->leaflet_js << "</script>\n<script>" << kReportMapScript
      << "</script>\n</body></html>\n";
  return OkStatus();
}

Result<std::string> RenderHtmlReport(const Case& c, const HtmlReportOptions& options) {
  std::ostringstream out;
  if (auto st = WriteHtmlReport(c, out, options); !st.ok()) return st.error();
  return std::move(out).str();
}

Status WriteHtmlReportFile(const Case& c, const std::filesystem::path& path,
                           const HtmlReportOptions& options) {
  return WriteStreamAtomic(path,
                           [&](std::ostream& out) { return WriteHtmlReport(c, out, options); });
}

namespace {
constexpr std::string_view kCrossCaseBegin = "<!--gv:cross-case-->";
constexpr std::string_view kCrossCaseEnd = "<!--/gv:cross-case-->";
}  // namespace

std::string RenderCrossCaseSection(const std::vector<CrossCaseRow>& rows, bool checked,
                                   const std::string& store) {
  std::ostringstream out;
  out << kCrossCaseBegin << "\n<h2 id=cross-case>Other cases (" << rows.size() << ")</h2>\n";
  if (!checked) {
    out << "<p class=note>Not checked against a shared case store (geoverify store push).</p>\n";
  } else if (rows.empty()) {
    out << "<p class=note>Checked against the cases this unit may read in " << HtmlEscape(store)
        << " at " << HtmlEscape(NowIsoUtc()) << ": no photo of another case shows the same "
        << "picture or, among those placed near, the same place.</p>\n";
  } else {
    out << "<p class=note>CROSS_CASE_MATCH: photos of other cases (that this unit may read in "
        << HtmlEscape(store) << ", checked at " << HtmlEscape(NowIsoUtc())
        << ") showing the same picture (the same file, or by crop-tolerant perceptual hash: "
           "bits, of 64, that differ) or the same place (visual: local features matched and "
           "verified geometrically, as same-scene links are).</p>\n"
        << "<table><tr><th>Photo</th><th>Case</th><th>Unit</th><th>Their photo</th>"
           "<th>Match</th><th>Their SHA-256</th></tr>\n";
    for (const auto& r : rows)
      out << "<tr><td>" << HtmlEscape(r.photo) << "</td><td>" << HtmlEscape(r.other_case)
          << "</td><td>" << HtmlEscape(r.other_unit) << "</td><td>" << HtmlEscape(r.other_photo)
          << "</td><td>"
          << (r.match == "visual"          ? "same place, " + std::to_string(r.inliers) + " inliers"
              : r.sha256 == r.other_sha256 ? std::string("same file")
                                           : "same picture, " + std::to_string(r.bits) + " bits")
          << "</td><td class=hash>" << HtmlEscape(r.other_sha256) << "</td></tr>\n";
    out << "</table>\n";
  }
  out << kCrossCaseEnd << "\n";
  return out.str();
}

Status UpdateReportCrossCase(const std::filesystem::path& report, const std::string& section) {
  auto html = ReadTextFile(report, 1ull << 31);
  if (!html.ok()) return html.error();
  const auto begin = html->find(kCrossCaseBegin);
  const auto end = html->find(kCrossCaseEnd);
  if (begin == std::string::npos || end == std::string::npos || end < begin)
    return MakeError(report.string() +
                     ": no \"Other cases\" section (made by an older geoverify?)");
  std::size_t stop = end + kCrossCaseEnd.size();
  if (stop < html->size() && (*html)[stop] == '\n') ++stop;
  html->replace(begin, stop - begin, section);
  return WriteFileAtomic(report, *html);
}

}  // namespace gv
