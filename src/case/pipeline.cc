#include "case/pipeline.h"

#include <chrono>
#include <exception>
#include <map>
#include <opencv2/imgproc.hpp>

#include "case/videos.h"
#include "geo/gazetteer.h"
#include "metadata/preflight.h"
#include "util/text.h"

namespace gv {

Status PipelineOptions::Check() const {
  if (auto st = inspect.Check(); !st.ok()) return st;
  if (auto st = decode.Check(); !st.ok()) return st;
  if (auto st = georef.Check(); !st.ok()) return st;
  if (!(shadow_resolution_deg >= 0.001 && shadow_resolution_deg <= 1))
    return MakeError("shadow resolution must be within 0.001..1 degrees");
  if (!(gps_default_uncertainty_m > 0)) return MakeError("GPS uncertainty must be positive");
  if (same_scene_candidates < 1) return MakeError("same-scene candidates must be at least 1");
  const auto steps = MakeSteps();
  for (const auto& name : skip) {
    bool known = false;
    for (const auto& s : steps) known = known || name == s->name();
    if (!known) return MakeError("unknown step '" + name + "' (geoverify run --steps lists them)");
  }
  return OkStatus();
}

void PhotoContext::AddFinding(std::string code, Severity severity, std::string message) {
  photo.findings.push_back({std::move(code), severity, std::move(message), step});
}

namespace {

// Where a clue's geometry is, when it is small enough to name a place: its point, or the
// centre of polygons under 50 km across.
std::optional<LatLon> Anchor(const Clue& clue) {
  if (clue.point) return clue.point;
  if (clue.polygons.empty()) return std::nullopt;
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  for (const auto& ring : clue.polygons)
    for (const auto& p : ring) {
      min_lat = std::min(min_lat, p.lat_deg), max_lat = std::max(max_lat, p.lat_deg);
      min_lon = std::min(min_lon, p.lon_deg), max_lon = std::max(max_lon, p.lon_deg);
    }
  const LatLon centre{(min_lat + max_lat) / 2, (min_lon + max_lon) / 2};
  if (DistanceM({min_lat, min_lon}, {max_lat, max_lon}) > 50'000) return std::nullopt;
  return centre;
}

}  // namespace

void PhotoContext::AddClue(Clue clue) {
  clue.photo = photo.path;
  clue.sha256 = photo.sha256;
  // The nearest populated place (GeoNames), for a clue small enough to have one.
  if (const auto at = Anchor(clue); at && !clue.excludes) {
    if (auto gazetteer = Gazetteer::Default(); gazetteer.ok()) {
      if (const auto near = (*gazetteer)->Nearest(*at)) {
        clue.description += " (" + near->Describe() + ")";
        clue.params["place"] = {{"name", near->place.name},
                                {"country", near->place.country},
                                {"admin1", near->place.admin1},
                                {"distance_m", near->distance_m},
                                {"bearing_deg", near->bearing_deg}};
      }
    }
  }
  photo.clues.push_back(std::move(clue));
}

namespace {

// Runs one step on one photo; an exception (a broken invariant in a library) becomes the
// step's error entry like an expected failure.
void RunStep(Step& step, PhotoContext& context) {
  context.step = step.name();
  const auto start = std::chrono::steady_clock::now();
  Status status = OkStatus();
  try {
    if (!step.Applies(context)) return;
    status = step.Run(context);
  } catch (const std::exception& e) {
    status = MakeError(std::string("unexpected failure: ") + SanitizeUtf8(e.what()));
  }
  context.photo.step_seconds[step.name()] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!status.ok()) context.photo.errors.push_back({step.name(), status.error().message});
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) {
    for (std::size_t i = 0; i < n; ++i) parent[i] = i;
  }
  std::size_t Find(std::size_t i) { return parent[i] == i ? i : parent[i] = Find(parent[i]); }
  void Join(std::size_t a, std::size_t b) { parent[Find(a)] = Find(b); }
};

}  // namespace

void GroupPlaces(Case& c) {
  std::vector<PlaceLink> links = c.scene_links;
  for (const auto& config : c.config.photos)
    for (const auto& other : config.same_place_as)
      links.push_back({config.path, other, "same_place_as in case.yaml"});
  // A video is filmed in one place: its keyframes are one group (its position counted once).
  for (const auto& video : c.videos)
    for (std::size_t k = 1; k < video.frames.size(); ++k)
      links.push_back({video.frames.front(), video.frames[k], "keyframes of one video"});
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < c.photos.size(); ++i) index[c.photos[i].path] = i;
  UnionFind groups(c.photos.size());
  for (const auto& link : links) {
    auto a = index.find(link.a), b = index.find(link.b);
    if (a != index.end() && b != index.end()) groups.Join(a->second, b->second);
  }
  // Every readable photo belongs to one group, numbered from 1 in the order of their first
  // photo.
  c.place_groups.clear();
  std::map<std::size_t, int> id_of_root;
  for (std::size_t i = 0; i < c.photos.size(); ++i) {
    if (c.photos[i].unreadable) continue;
    auto [it, added] =
        id_of_root.emplace(groups.Find(i), static_cast<int>(c.place_groups.size()) + 1);
    if (added) c.place_groups.push_back({it->second, {}, {}});
    c.photos[i].place_group = it->second;
    c.place_groups[static_cast<std::size_t>(it->second) - 1].photos.push_back(c.photos[i].path);
  }
  for (const auto& link : links) {
    auto a = index.find(link.a);
    if (a == index.end() || c.photos[a->second].place_group < 1) continue;
    c.place_groups[static_cast<std::size_t>(c.photos[a->second].place_group) - 1].links.push_back(
        link);
  }
}

namespace {

// Every readable photo read and decoded once in a supervised worker (metadata/preflight.h):
// what crashes or hangs there is left out here, before anything parses it in this process.
void Preflight(Case& c, const EvidenceLimits& limits, double deadline_s) {
  std::vector<std::size_t> todo;
  std::vector<std::filesystem::path> files;
  for (std::size_t i = 0; i < c.photos.size(); ++i)
    if (!c.photos[i].unreadable) todo.push_back(i), files.push_back(c.photos[i].absolute);
  const auto failures = PreflightFiles(files, limits, deadline_s, "intake");
  for (std::size_t k = 0; k < todo.size(); ++k) {
    if (!failures[k]) continue;
    PhotoRecord& photo = c.photos[todo[k]];
    photo.unreadable = true;
    photo.metadata.error = failures[k]->message + "; the photo was left out";
    photo.errors.push_back({"intake", *photo.metadata.error});
    photo.findings.push_back(failures[k]->finding);
  }
}

}  // namespace

namespace {

// The registry's steps not left out by options.skip, in order.
std::vector<Step*> ActiveSteps(const std::vector<std::unique_ptr<Step>>& steps,
                               const PipelineOptions& options) {
  std::vector<Step*> active;
  for (const auto& s : steps)
    if (!options.skip.count(s->name())) active.push_back(s.get());
  return active;
}

}  // namespace

Status RunPhotoSteps(Case& c, const PipelineOptions& options) {
  if (auto st = options.Check(); !st.ok()) return st;
  const auto steps = MakeSteps();
  const auto active = ActiveSteps(steps, options);
  c.steps_run.clear(), c.steps_skipped.clear();
  for (const auto& s : steps)
    (options.skip.count(s->name()) ? c.steps_skipped : c.steps_run).push_back(s->name());
  const EvidenceLimits limits{options.inspect.max_bytes, options.decode};
  ExpandVideos(c, options);
  if (options.preflight_deadline_s > 0) Preflight(c, limits, options.preflight_deadline_s);
  for (std::size_t index = 0; index < c.photos.size(); ++index) {
    PhotoRecord& photo = c.photos[index];
    if (photo.unreadable) continue;
    auto evidence = OpenEvidence(photo.absolute, limits);
    if (evidence.ok() && evidence->sha256() != photo.sha256)
      evidence = MakeError(photo.path + ": the file changed since intake (SHA-256 differs)");
    if (!evidence.ok()) {
      photo.errors.push_back({"intake", evidence.error().message});
      photo.metadata.error = evidence.error().message;
      photo.unreadable = true;
      continue;
    }
    PhotoContext context{c, photo, *evidence, options, ""};
    for (auto* step : active) {
      if (options.on_step) options.on_step(index, c.photos.size(), photo.path, step->name());
      RunStep(*step, context);
    }
    // A small preview for the report, while the pixels may still be decoded.
    if (const auto& pixels = evidence->Pixels(); pixels.ok() && !pixels->empty()) {
      const double scale = std::min(1.0, 480.0 / std::max(pixels->cols, pixels->rows));
      cv::Mat preview;
      cv::resize(*pixels, preview, cv::Size(), scale, scale, cv::INTER_AREA);
      photo.pictures.push_back({"preview", preview, "", {}, {}});
    }
    if (options.on_photo_done) options.on_photo_done(photo);
  }
  return OkStatus();
}

Status FinishCase(Case& c, const PipelineOptions& options) {
  if (auto st = options.Check(); !st.ok()) return st;
  const auto steps = MakeSteps();
  const auto active = ActiveSteps(steps, options);
  // Case-wide work: linking first, then the place groups, then what needs them (fusion).
  const auto finish = [&](Step* step) {
    if (options.on_step)
      options.on_step(c.photos.size(), c.photos.size(), "(all photos)", step->name());
    Status st = OkStatus();
    const auto start = std::chrono::steady_clock::now();
    try {
      st = step->Finish(c, options);
    } catch (const std::exception& e) {
      st = MakeError(std::string("unexpected failure: ") + SanitizeUtf8(e.what()));
    }
    c.case_step_seconds[step->name()] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!st.ok()) {
      // A case-wide failure is recorded on every photo the step would have worked on.
      for (auto& photo : c.photos)
        if (!photo.unreadable) photo.errors.push_back({step->name(), st.error().message});
    }
  };
  for (auto* step : active)
    if (!step->AfterGrouping()) finish(step);
  GroupPlaces(c);
  for (auto* step : active)
    if (step->AfterGrouping()) finish(step);
  c.failed = 0;
  for (const auto& photo : c.photos)
    c.failed += (photo.unreadable || !photo.errors.empty()) ? 1 : 0;
  for (const auto& video : c.videos) c.failed += video.error.empty() ? 0 : 1;
  return OkStatus();
}

Status RunCasePipeline(Case& c, const PipelineOptions& options) {
  if (auto st = RunPhotoSteps(c, options); !st.ok()) return st;
  return FinishCase(c, options);
}

}  // namespace gv
