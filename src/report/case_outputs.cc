#include "report/case_outputs.h"

#include <algorithm>
#include <sstream>

#include "forensics/analysis.h"
#include "geo/basemap.h"
#include "geo/grid_raster.h"
#include "image/encode.h"
#include "image/evidence.h"
#include "metadata/metadata_json.h"
#include "report/escape.h"
#include "report/georef_outputs.h"
#include "report/html_report.h"
#include "report/layers.h"
#include "util/file.h"

namespace gv {
namespace {

using Json = nlohmann::ordered_json;

std::string ManifestCsv(const Case& c) {
  std::ostringstream out;
  out << "path,sha256,bytes,modified_utc,intake_utc,kind,error\n";
  std::vector<const EvidenceRecord*> rows;
  for (const auto& e : c.evidence) rows.push_back(&e);
  for (const auto& e : c.shared) rows.push_back(&e);
  for (const EvidenceRecord* row : rows) {
    const EvidenceRecord& e = *row;
    out << CsvField(e.path) << ',' << e.sha256 << ',' << e.bytes << ',' << e.modified_utc << ','
        << e.intake_utc << ',' << e.kind << ',' << CsvField(e.error) << '\n';
  }
  return out.str();
}

Json Ring(const std::vector<LatLon>& ring) {
  Json points = Json::array();
  for (const auto& p : ring) points.push_back({p.lon_deg, p.lat_deg});
  return points;
}

// photos.json, one photo at a time (a phone dump's whole tree held ~100 MB): the same text
// as the array dumped whole, each element indented one level.
Status WritePhotosJson(const Case& c, std::ostream& out) {
  if (c.photos.empty()) {
    out << "[]\n";
    return OkStatus();
  }
  out << "[";
  for (std::size_t i = 0; i < c.photos.size(); ++i) {
    std::string text = PhotoJson(c.photos[i]).dump(2, ' ', false, Json::error_handler_t::replace);
    out << (i == 0 ? "\n  " : ",\n  ");
    for (char ch : text) {
      out.put(ch);
      if (ch == '\n') out << "  ";
    }
  }
  out << "\n]\n";
  return OkStatus();
}

// videos.json: each video as `inspect --json` reports it, with the paths of its keyframes
// in photos.json.
std::string VideosJson(const Case& c) {
  Json all = Json::array();
  for (const auto& v : c.videos) {
    Json j = ToJson(v.metadata);
    j["file"] = v.path;
    j["sha256"] = v.sha256;
    j["frames"] = v.frames;
    j["error"] = v.error.empty() ? Json(nullptr) : Json(v.error);
    all.push_back(std::move(j));
  }
  return all.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

Json MultiPolygonJson(const std::vector<GeoPolygon>& polygons) {
  Json coordinates = Json::array();
  for (const auto& polygon : polygons) {
    Json rings = Json::array();
    for (const auto& ring : polygon) {
      Json points = Ring(ring);
      if (!ring.empty()) points.push_back({ring.front().lon_deg, ring.front().lat_deg});
      rings.push_back(std::move(points));
    }
    coordinates.push_back(std::move(rings));
  }
  return {{"type", "MultiPolygon"}, {"coordinates", coordinates}};
}

namespace {

std::vector<std::string> GroupHashes(const Case& c, const GroupFusion& g) {
  std::vector<std::string> hashes;
  for (const auto& path : g.photos)
    for (const auto& p : c.photos)
      if (p.path == path) hashes.push_back(p.sha256);
  return hashes;
}

// hypotheses.json: one object per place group (keys in docs/commands/run.md).
std::string HypothesesJson(const Case& c) {
  Json all = Json::array();
  for (const auto& g : c.fusion) {
    Json hypotheses = Json::array();
    for (const auto& h : g.result.hypotheses) {
      Json place = nullptr;
      if (const auto& near = h.place)
        place = {{"name", near->place.name},
                 {"country", near->place.country},
                 {"admin1", near->place.admin1},
                 {"distance_m", near->distance_m},
                 {"bearing_deg", near->bearing_deg}};
      Json clues = Json::array();
      for (const auto& cg : h.clues)
        clues.push_back({{"kind", cg.kind},
                         {"photo", cg.photo},
                         {"log_likelihood_gain", cg.log_likelihood_gain}});
      hypotheses.push_back({{"rank", h.rank},
                            {"lat", h.at.lat_deg},
                            {"lon", h.at.lon_deg},
                            {"probability", h.probability},
                            {"radius_m", h.radius_m},
                            {"place", place},
                            {"known_site", h.known_site ? Json{{"name", h.known_site->first},
                                                               {"distance_m", h.known_site->second}}
                                                        : Json(nullptr)},
                            {"clues", clues}});
    }
    Json conflicts = Json::array();
    for (const auto& k : g.result.conflicts)
      conflicts.push_back({{"clues", k.clues}, {"message", k.message}});
    Json regions = nullptr;
    if (!g.result.regions.empty()) {
      regions = Json::object();
      for (const auto& r : g.result.regions)
        regions[r.level == 0.5 ? "0.5" : "0.9"] = MultiPolygonJson(r.polygons);
    }
    all.push_back({{"group", g.group},
                   {"photos", g.photos},
                   {"photos_sha256", GroupHashes(c, g)},
                   {"hypotheses", hypotheses},
                   {"regions", regions},
                   {"area_km2", {{"0.5", g.result.area_50_km2}, {"0.9", g.result.area_90_km2}}},
                   {"conflicts", conflicts},
                   {"clues_used", g.result.clues_used}});
  }
  return all.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

Status WriteGroupPosterior(const Case& c, GroupFusion& g, const std::filesystem::path& out_dir) {
  if (!g.posterior_file.empty()) return OkStatus();
  const PosteriorRaster raster = RenderPosterior(g.result);
  if (raster.values.empty()) {
    std::vector<PosteriorCell>().swap(g.result.posterior);
    return OkStatus();
  }
  std::string description = "geoverify posterior of place group " + std::to_string(g.group) +
                            " (probability per km2) from";
  const auto hashes = GroupHashes(c, g);
  for (std::size_t i = 0; i < g.photos.size() && i < hashes.size(); ++i)
    description += " " + g.photos[i] + " sha256:" + hashes[i] + ";";
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return MakeError(out_dir.string() + ": cannot create folder: " + ec.message());
  const std::string file = "posterior_" + std::to_string(g.group) + ".tif";
  auto writer = GridRasterWriter::Create(out_dir / file, raster.grid,
                                         GridRasterWriter::Type::kFloat32, description);
  if (!writer.ok()) return writer.error();
  if (auto st = (*writer)->WriteRows(0, raster.grid.height, raster.values.data()); !st.ok())
    return st;
  if (auto st = (*writer)->Finish(); !st.ok()) return st;
  g.posterior_file = file;
  // Only the raster shows them (on failure they stay, for a retry). Swapped: `= {}` would
  // keep the capacity.
  std::vector<PosteriorCell>().swap(g.result.posterior);
  return OkStatus();
}

void WritePhotoFiles(PhotoRecord& p, const std::filesystem::path& out_dir,
                     const std::shared_ptr<ScratchFile>& keep) {
  if (p.files_written || p.sha256.empty()) return;
  p.files_written = true;
  const std::filesystem::path rel = p.OutputFolder();
  std::error_code ec;
  const bool any = !p.pictures.empty() || p.georef ||
                   std::any_of(p.clues.begin(), p.clues.end(),
                               [](const Clue& c) { return c.likelihood.has_value(); });
  if (!any) return;
  std::filesystem::create_directories(out_dir / rel, ec);
  if (ec) {
    p.errors.push_back({"report", (out_dir / rel).string() + ": " + ec.message()});
    return;
  }
  for (auto& picture : p.pictures) {
    const auto file = rel / (picture.name + ".png");
    if (auto st = WritePngAtomic(out_dir / file, picture.image); !st.ok()) {
      p.errors.push_back({"report", st.error().message});
      continue;
    }
    picture.path = file.generic_string();
  }
  // Written: the case keeps in memory only what the HTML report embeds, encoded as it
  // embeds it, until the end of the run (as pixels at 360 px it was about 0.3 MB a photo,
  // 470 MB over a phone dump's 1,600 photos and keyframes); the files keep the rest.
  // With `keep`, they wait in that scratch file instead (about 140 MB fewer over the dump);
  // should it fail, in memory.
  for (auto& picture : p.pictures) {
    if (ReportShowsPicture(picture.name)) {
      picture.shown = EncodeReportPicture(picture.name, picture.image);
      if (keep && !picture.shown.empty())
        if (auto at = keep->Append(picture.shown); at.ok()) {
          picture.shown_kept = {keep, *at, picture.shown.size()};
          std::vector<std::uint8_t>().swap(picture.shown);
        }
    }
    picture.image.release();
  }
  for (auto& clue : p.clues) {
    if (!clue.likelihood) continue;
    const LikelihoodGrid& g = *clue.likelihood;
    const auto file = rel / (clue.kind + "_likelihood.tif");
    auto writer = GridRasterWriter::Create(
        out_dir / file, {g.min_lon, g.max_lat, g.resolution_deg, g.width, g.height},
        GridRasterWriter::Type::kFloat32,
        "geoverify " + clue.kind + " likelihood of " + p.path + " (SHA-256 " + p.sha256 + ")");
    Status st =
        writer.ok() ? (*writer)->WriteRows(0, g.height, g.values.data()) : Status(writer.error());
    if (st.ok()) st = (*writer)->Finish();
    if (!st.ok()) {
      p.errors.push_back({"report", st.error().message});
      continue;
    }
    clue.params["raster"] = file.generic_string();
  }
  if (p.georef && p.georef->ok) {
    // The warp needs the photo's pixels again: re-read, and refused if the file changed.
    auto evidence = OpenEvidence(p.absolute);
    Status st = evidence.ok() ? OkStatus() : Status(evidence.error());
    if (st.ok() && evidence->sha256() != p.sha256)
      st = MakeError(p.path + ": the file changed since intake (SHA-256 differs)");
    const Result<cv::Mat>* pixels = st.ok() ? &evidence->Pixels() : nullptr;
    if (pixels && !pixels->ok()) st = pixels->error();
    std::unique_ptr<Basemap> map;
    if (st.ok()) {
      auto opened = Basemap::Open(p.georef->basemap);
      if (opened.ok())
        map = std::move(*opened);
      else
        st = opened.error();
    }
    const auto file = rel / "warped.tif";
    if (st.ok()) st = WriteWarpedPhoto(out_dir / file, **pixels, *p.georef, *map, p.path, p.sha256);
    if (!st.ok())
      p.errors.push_back({"report", st.error().message});
    else
      p.warped_path = file.generic_string();
  }
}

Json ClueJson(const Clue& clue) {
  Json geometry = nullptr;
  if (clue.polygons.size() == 1) {
    geometry = {{"type", "Polygon"}, {"coordinates", Json::array({Ring(clue.polygons[0])})}};
  } else if (!clue.polygons.empty()) {
    Json polygons = Json::array();
    for (const auto& ring : clue.polygons) polygons.push_back(Json::array({Ring(ring)}));
    geometry = {{"type", "MultiPolygon"}, {"coordinates", polygons}};
  } else if (clue.point) {
    geometry = {{"type", "Point"}, {"coordinates", {clue.point->lon_deg, clue.point->lat_deg}}};
  }
  return {{"kind", clue.kind},
          {"description", clue.description},
          {"uncertainty_m", clue.uncertainty_m},
          {"geometry", geometry},
          {"excludes", clue.excludes},
          {"confidence", clue.confidence},
          {"confidence_note",
           clue.confidence_note.empty() ? Json(nullptr) : Json(clue.confidence_note)},
          {"params", clue.params}};
}

namespace {

// A keyframe's PNG relative to the output folder: run writes it to OUT/frames/<sha12>/, and
// the output may be moved or copied (a merge writes its own), so no absolute path.
std::string FrameFile(const PhotoRecord& p) {
  return (std::filesystem::path("frames") / p.absolute.parent_path().filename() /
          p.absolute.filename())
      .generic_string();
}

}  // namespace

Json PhotoJson(const PhotoRecord& p) {
  Json j = ToJson(p.metadata);
  j["file"] = p.path;
  if (p.taken_at_utc) {
    j["taken_at_utc"] = FormatIsoUtc(*p.taken_at_utc);
    j["taken_at_utc_source"] = p.taken_at_utc_source;
  }
  j["forensics"] = nullptr;
  if (!p.forensics.is_null()) {
    Json forensics = p.forensics;
    for (const auto& picture : p.pictures)
      if (!picture.path.empty()) SetPicturePath(forensics, picture.name, picture.path);
    j["forensics"] = forensics;
  }
  Json clues = Json::array();
  for (const auto& clue : p.clues) clues.push_back(ClueJson(clue));
  j["clues"] = clues;
  Json findings = Json::array();
  for (const auto& f : p.findings) {
    Json one = ToJson(f);
    one["step"] = f.step;
    findings.push_back(one);
  }
  j["findings"] = findings;
  j["text"] = p.text;
  // Each line's crop by its file in the output folder, as the forensics pictures.
  if (j["text"].is_object() && j["text"].contains("lines"))
    for (auto& line : j["text"]["lines"])
      if (line.contains("crop"))
        for (const auto& picture : p.pictures)
          if (picture.name == line["crop"] && !picture.path.empty()) line["crop"] = picture.path;
  j["place_group"] = p.place_group > 0 ? Json(p.place_group) : Json(nullptr);
  j["video_frame"] = p.frame ? Json{{"video", p.frame->video},
                                    {"video_sha256", p.frame->video_sha256},
                                    {"offset_s", p.frame->offset_s},
                                    {"frame_file", FrameFile(p)}}
                             : Json(nullptr);
  j["warped"] = p.warped_path.empty() ? Json(nullptr) : Json(p.warped_path);
  Json errors = Json::array();
  for (const auto& e : p.errors) errors.push_back({{"step", e.step}, {"error", e.message}});
  j["step_errors"] = errors;
  Json seconds = Json::object();
  for (const auto& [step, s] : p.step_seconds) seconds[step] = s;
  j["step_seconds"] = seconds;
  return j;
}

Result<std::vector<std::filesystem::path>> WriteCaseOutputs(Case& c,
                                                            const std::filesystem::path& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return MakeError(out_dir.string() + ": cannot create folder: " + ec.message());
  for (auto& p : c.photos) WritePhotoFiles(p, out_dir);
  std::vector<std::filesystem::path> written;
  const auto write_text = [&](const char* name, const std::string& text) -> Status {
    const auto path = out_dir / name;
    if (auto st = WriteFileAtomic(path, text); !st.ok()) return st;
    written.push_back(path);
    return OkStatus();
  };
  if (auto st = write_text("manifest.csv", ManifestCsv(c)); !st.ok()) return st.error();
  if (auto st = WriteStreamAtomic(out_dir / "photos.json",
                                  [&](std::ostream& out) { return WritePhotosJson(c, out); });
      !st.ok())
    return st.error();
  written.push_back(out_dir / "photos.json");
  if (!c.videos.empty())
    if (auto st = write_text("videos.json", VideosJson(c)); !st.ok()) return st.error();
  if (!c.fusion.empty()) {
    if (auto st = write_text("hypotheses.json", HypothesesJson(c)); !st.ok()) return st.error();
  }
  for (auto& g : c.fusion) {
    if (auto st = WriteGroupPosterior(c, g, out_dir); !st.ok()) return st.error();
    if (!g.posterior_file.empty()) written.push_back(out_dir / g.posterior_file);
  }
  for (const char* name : {"case.gpkg", "case.kml"}) {
    if (auto st = WriteCaseLayers(c, out_dir / name); !st.ok()) return st.error();
    written.push_back(out_dir / name);
  }
  if (auto st = WriteHtmlReportFile(c, out_dir / "report.html"); !st.ok()) return st.error();
  written.push_back(out_dir / "report.html");
  return written;
}

}  // namespace gv
