// shadow: the shadows measured in the photo (case.yaml) as a shadow clue: the likelihood on a
// lat/lon grid over the case's region, and the region's outline as polygons. `at` defaults
// to the capture time, time_tolerance to the photo's time_tolerance_s.
#include "sun/shadow.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "case/steps/steps.h"
#include "geo/zone_grid.h"
#include "sun/shadow_input.h"
#include "util/time.h"

namespace gv {
namespace {

// Within the observations' tolerances (2 sigma in elevation and azimuth): the consistent
// region. The grid goes on to 4 sigma (ShadowObservation::cutoff_scale) for the fusion.
constexpr float kWithinTolerance = 0.1353f;  // exp(-2)

// Outer rings of the cells within the tolerances (cell centres, simplified by a cell), in
// lat/lon.
std::vector<std::vector<LatLon>> Outline(const LikelihoodGrid& g) {
  cv::Mat mask(g.height, g.width, CV_8U);
  for (int r = 0; r < g.height; ++r)
    for (int c = 0; c < g.width; ++c)
      mask.at<std::uint8_t>(r, c) =
          g.values[static_cast<std::size_t>(r) * g.width + c] >= kWithinTolerance ? 255 : 0;
  cv::Mat padded;
  cv::copyMakeBorder(mask, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(padded, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::vector<std::vector<LatLon>> rings;
  for (auto& contour : contours) {
    std::vector<cv::Point> simple;
    cv::approxPolyDP(contour, simple, 1.0, true);
    if (simple.size() < 3) {
      // A region of one or two cells: its cells' square.
      const cv::Rect box = cv::boundingRect(contour);
      simple = {box.tl(), {box.x + box.width, box.y}, box.br(), {box.x, box.y + box.height}};
    }
    std::vector<LatLon> ring;
    for (const auto& p : simple)
      ring.push_back({g.max_lat - (p.y - 1 + 0.5) * g.resolution_deg,
                      g.min_lon + (p.x - 1 + 0.5) * g.resolution_deg});
    ring.push_back(ring.front());
    rings.push_back(std::move(ring));
  }
  return rings;
}

}  // namespace

Result<std::optional<Clue>> MakeShadowClue(std::vector<ShadowObservation> observations,
                                           const nlohmann::ordered_json& specs,
                                           const GridSpec& grid) {
  for (auto& o : observations) o.cutoff_scale = 2;
  const auto terms = SpaTerms::Default();
  if (!terms.ok()) return terms.error();
  std::optional<ZoneIndexGrid> zones;
  if (std::any_of(observations.begin(), observations.end(),
                  [](const auto& o) { return o.zone_unknown; })) {
    auto built = BuildZoneIndexGrid(
        {grid.min_lon, grid.max_lat, grid.resolution_deg, grid.Width(), grid.Height()});
    if (!built.ok()) return built.error();
    zones = std::move(*built);
  }
  std::vector<float> all(static_cast<std::size_t>(grid.Width()) * grid.Height(), 0.f);
  auto stats = EvaluateShadowGrid(
      **terms, observations, grid, 0,
      [&](const GridBlock& b) -> Status {
        std::copy(b.likelihood.begin(), b.likelihood.end(),
                  all.begin() + static_cast<std::ptrdiff_t>(b.row0) * grid.Width());
        return OkStatus();
      },
      zones ? &*zones : nullptr);
  if (!stats.ok()) return stats.error();
  if (stats->consistent_cells == 0) return std::optional<Clue>();
  // Keep the cells' bounding box (plus a cell) only.
  const int w = grid.Width(), h = grid.Height();
  int c0 = w, c1 = -1, r0 = h, r1 = -1;
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c)
      if (all[static_cast<std::size_t>(r) * w + c] > 0) {
        c0 = std::min(c0, c), c1 = std::max(c1, c), r0 = std::min(r0, r), r1 = std::max(r1, r);
      }
  c0 = std::max(0, c0 - 1), r0 = std::max(0, r0 - 1);
  c1 = std::min(w - 1, c1 + 1), r1 = std::min(h - 1, r1 + 1);
  LikelihoodGrid g;
  g.resolution_deg = grid.resolution_deg;
  g.min_lon = grid.min_lon + c0 * grid.resolution_deg;
  g.max_lat = grid.max_lat - r0 * grid.resolution_deg;
  g.width = c1 - c0 + 1;
  g.height = r1 - r0 + 1;
  g.values.resize(static_cast<std::size_t>(g.width) * g.height);
  for (int r = 0; r < g.height; ++r)
    std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(r0 + r) * w + c0, g.width,
                g.values.begin() + static_cast<std::ptrdiff_t>(r) * g.width);
  // The consistent region (within the tolerances): its area and box for the description.
  double area_km2 = 0, south = 90, north = -90, west = 180, east = -180;
  std::uint64_t within = 0;
  for (int r = 0; r < g.height; ++r) {
    const double lat = g.max_lat - (r + 0.5) * g.resolution_deg;
    const double cell_km2 = std::pow(g.resolution_deg * 111.195, 2) * std::cos(lat * M_PI / 180);
    for (int c = 0; c < g.width; ++c) {
      if (g.values[static_cast<std::size_t>(r) * g.width + c] < kWithinTolerance) continue;
      const double lon = g.min_lon + (c + 0.5) * g.resolution_deg;
      ++within;
      area_km2 += cell_km2;
      south = std::min(south, lat), north = std::max(north, lat);
      west = std::min(west, lon), east = std::max(east, lon);
    }
  }
  Clue clue;
  clue.kind = "shadow";
  clue.polygons = Outline(g);
  char text[240];
  if (within > 0)
    std::snprintf(text, sizeof text,
                  "%zu shadow observation%s: the sun fits in %.0f km2 (lat %.2f..%.2f, lon "
                  "%.2f..%.2f)",
                  observations.size(), observations.size() == 1 ? "" : "s", area_km2, south, north,
                  west, east);
  else
    std::snprintf(text, sizeof text,
                  "%zu shadow observation%s: the sun fits nowhere within the tolerances, only "
                  "just beyond them",
                  observations.size(), observations.size() == 1 ? "" : "s");
  clue.description = text;
  clue.params = {{"observations", specs},
                 {"resolution_deg", grid.resolution_deg},
                 {"area_km2", area_km2},
                 {"consistent_cells", within}};
  clue.likelihood = std::move(g);
  return std::optional<Clue>(std::move(clue));
}

namespace {

class ShadowStep : public Step {
 public:
  const char* name() const override { return "shadow"; }
  const char* description() const override {
    return "shadow clue: where the sun could cast the shadows measured in the photo (case.yaml)";
  }
  bool Applies(const PhotoContext& ctx) const override {
    const auto* config = ctx.config();
    return config && !config->shadows.empty();
  }
  Status Run(PhotoContext& ctx) override {
    const PhotoConfig& config = *ctx.config();
    std::vector<ShadowObservation> observations;
    nlohmann::ordered_json specs = nlohmann::ordered_json::array();
    for (const auto& shadow : config.shadows) {
      auto keys = shadow.keys;
      if (!keys.count("at")) {
        if (!ctx.photo.taken_at_utc)
          return MakeError("case.yaml:" + std::to_string(shadow.line) +
                           ": the shadow has no `at` and the photo's capture time is unknown");
        keys["at"] = FormatIsoUtc(*ctx.photo.taken_at_utc);
      }
      if (!keys.count("time_tolerance") && config.time_tolerance_s)
        keys["time_tolerance"] = std::to_string(*config.time_tolerance_s);
      auto o = MakeObservation(keys);
      if (!o.ok())
        return MakeError("case.yaml:" + std::to_string(shadow.line) + ": " + o.error().message);
      observations.push_back(*o);
      specs.push_back(keys);
    }
    GridSpec grid;
    if (ctx.c.config.region) {
      const auto& r = *ctx.c.config.region;
      grid = {r.min_lon, r.min_lat, r.max_lon, r.max_lat, ctx.options.shadow_resolution_deg};
    } else {
      grid.resolution_deg = ctx.options.shadow_resolution_deg;
    }
    auto clue = MakeShadowClue(observations, specs, grid);
    if (!clue.ok()) return clue.error();
    if (!*clue) {
      ctx.AddFinding("SHADOW_NOWHERE", Severity::kWarning,
                     "No place in the search region fits the measured shadows at that time: "
                     "the capture time, the measurement or the photo may be wrong");
      return OkStatus();
    }
    ctx.AddClue(std::move(**clue));
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<Step> MakeShadowStep() { return std::make_unique<ShadowStep>(); }

}  // namespace gv
