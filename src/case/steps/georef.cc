// georef: the photo registered on case.yaml's basemaps (orthophotos, satellite rasters); a
// footprint clue (the ground the photo shows, with its control points) when it registers.
// The warped GeoTIFF is written by report/ from PhotoRecord::georef.
#include <cstdio>

#include "case/steps/steps.h"
#include "geo/basemap.h"
#include "georef/priors.h"

namespace gv {
namespace {

class GeorefStep : public Step {
 public:
  const char* name() const override { return "georef"; }
  const char* description() const override {
    return "footprint clue: the photo registered on case.yaml's basemaps";
  }
  bool Applies(const PhotoContext& ctx) const override {
    return !ctx.c.config.basemaps.empty() && ctx.evidence.Pixels().ok() &&
           !HasFinding(ctx.photo, kTooLittleTexture);
  }
  Status Run(PhotoContext& ctx) override {
    if (basemaps_.empty()) {
      for (const auto& path : ctx.c.config.basemaps) {
        auto opened = Basemap::Open(path);
        if (!opened.ok()) return opened.error();
        basemaps_.push_back(std::move(*opened));
      }
    }
    const auto& pixels = ctx.evidence.Pixels();
    if (!pixels.ok()) return pixels.error();
    std::vector<const Basemap*> maps;
    for (const auto& m : basemaps_) maps.push_back(m.get());
    // The heading and scale that the photo's metadata gives (DJI XMP, GPSImgDirection).
    GeorefOptions options = ctx.options.georef;
    PriorsFromMetadata(ctx.photo.metadata, pixels->size()).ApplyTo(options);
    auto result = Georeference(*pixels, maps, options);
    if (!result.ok()) return result.error();
    if (!result->ok) return OkStatus();  // not a view of these basemaps' ground
    Clue clue;
    clue.kind = "footprint";
    std::vector<LatLon> ring = result->footprint;
    if (!ring.empty() && (ring.front().lat_deg != ring.back().lat_deg ||
                          ring.front().lon_deg != ring.back().lon_deg))
      ring.push_back(ring.front());
    clue.polygons.push_back(std::move(ring));
    clue.uncertainty_m = result->rmse_m;
    nlohmann::ordered_json gcps = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < result->control_points.size() && i < 50; ++i) {
      const auto& cp = result->control_points[i];
      gcps.push_back({{"photo_px", {cp.photo_px.x, cp.photo_px.y}},
                      {"lat", cp.position.lat_deg},
                      {"lon", cp.position.lon_deg},
                      {"residual_m", cp.residual_m}});
    }
    std::string basemap_sha256;
    std::error_code ec;
    for (const auto& e : ctx.c.evidence)
      if (e.kind == "basemap" &&
          std::filesystem::equivalent(ctx.c.dir / e.path, result->basemap, ec))
        basemap_sha256 = e.sha256;
    char text[400];
    std::snprintf(text, sizeof text,
                  "Registered on %s: %d control points, RMSE %.1f m, %.2f m per photo pixel",
                  result->basemap.filename().string().c_str(), result->inliers, result->rmse_m,
                  result->gsd_m);
    clue.description = text;
    if (result->weak_place) {
      // An area-search place whose orientation fields correlate below 0.33: on the
      // validation views as many such places were wrong as right (docs/evaluation.md).
      clue.description += " (a weak place: tentative)";
      clue.confidence = 0.5;
      std::snprintf(text, sizeof text,
                    "a weak area-search place: the orientation fields correlate at %.2f "
                    "(below 0.33); as many such places were wrong as right in evaluation",
                    result->fields_correlation);
      clue.confidence_note = text;
    }
    clue.params = {{"basemap", result->basemap.string()},
                   {"basemap_sha256", basemap_sha256},
                   {"basemap_crs", result->basemap_crs},
                   {"inliers", result->inliers},
                   {"inlier_ratio", result->inlier_ratio},
                   {"rmse_m", result->rmse_m},
                   {"method", result->method},
                   {"weak_place", result->weak_place},
                   {"gsd_m", result->gsd_m},
                   {"control_points", result->control_points.size()},
                   {"gcps", gcps}};
    ctx.AddClue(std::move(clue));
    ctx.photo.georef = std::move(*result);
    return OkStatus();
  }

 private:
  std::vector<std::unique_ptr<Basemap>> basemaps_;  // opened on first use, read on this thread
};

}  // namespace

std::unique_ptr<Step> MakeGeorefStep() { return std::make_unique<GeorefStep>(); }

}  // namespace gv
