// locate: the photo against each reference collection named in case.yaml (retrieval, then
// geometric verification); a reference_match clue per collection that verified a match.
#include <cstdio>

#include "case/steps/steps.h"

namespace gv {
namespace {

class LocateStep : public Step {
 public:
  const char* name() const override { return "locate"; }
  const char* description() const override {
    return "reference_match clue: the photo against case.yaml's reference collections";
  }
  bool Applies(const PhotoContext& ctx) const override {
    return !ctx.c.config.references.empty() && ctx.evidence.Pixels().ok() &&
           !HasFinding(ctx.photo, kTooLittleTexture);
  }
  Status Run(PhotoContext& ctx) override {
    const auto& pixels = ctx.evidence.Pixels();
    if (!pixels.ok()) return pixels.error();
    std::string failed;
    for (const auto& collection : ctx.c.config.references) {
      auto result = LocatePhoto(collection, *pixels, ctx.options.locate);
      if (!result.ok()) {
        failed += (failed.empty() ? "" : "; ") + collection.filename().string() + ": " +
                  result.error().message;
        continue;
      }
      if (!result->clue) continue;
      const LocationClue& found = *result->clue;
      Clue clue;
      clue.kind = "reference_match";
      clue.point = LatLon{found.lat_deg, found.lon_deg};
      clue.uncertainty_m = found.radius_m;
      for (const auto& [lon, lat] : found.hull) {
        if (clue.polygons.empty()) clue.polygons.emplace_back();
        clue.polygons.back().push_back({lat, lon});
      }
      if (!clue.polygons.empty()) clue.polygons.back().push_back(clue.polygons.back().front());
      nlohmann::ordered_json refs = nlohmann::ordered_json::array();
      const LocateCandidate* best = nullptr;
      for (const auto& c : result->ranked) {
        if (c.match.verdict != "same_scene") continue;
        if (!best) best = &c;
        refs.push_back({{"reference", c.reference.path},
                        {"sha256", c.reference.sha256},
                        {"lat", c.reference.lat_deg},
                        {"lon", c.reference.lon_deg},
                        {"inliers", c.match.inliers},
                        {"model", c.match.model}});
      }
      char text[400];
      std::snprintf(text, sizeof text,
                    "Matches %d reference photo%s of %s (best: %s, %d inliers%s) within %.0f m "
                    "of %.6f, %.6f",
                    found.supporting, found.supporting == 1 ? "" : "s",
                    collection.filename().string().c_str(),
                    best ? best->reference.path.c_str() : "?", best ? best->match.inliers : 0,
                    result->stage == "affine_views" ? ", through affine views of the photo" : "",
                    found.radius_m, found.lat_deg, found.lon_deg);
      clue.description = text;
      clue.params = {{"collection", collection.string()},
                     {"collection_size", result->collection_size},
                     {"stage", result->stage},
                     {"references", refs}};
      ctx.AddClue(std::move(clue));
    }
    if (!failed.empty()) return MakeError(failed);
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<Step> MakeLocateStep() { return std::make_unique<LocateStep>(); }

}  // namespace gv
