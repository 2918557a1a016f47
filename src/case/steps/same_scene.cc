// same_scene: photos of the case that show the same place. Each photo's features are
// detected on the way; after every photo, each photo's most similar others are retrieved
// through a vocabulary built over the case itself (match/retrieval.h) and verified
// geometrically (MAGSAC++). Verified pairs get a SAME_SCENE finding on both photos and a
// link (Case::scene_links) that puts them in one place group.
#include <cstdio>

#include "case/steps/steps.h"
#include "match/pair_match.h"
#include "match/retrieval.h"

namespace gv {
namespace {

class SameSceneStep : public Step {
 public:
  const char* name() const override { return "same_scene"; }
  const char* description() const override {
    return "photos of the case that show one scene (retrieval over the case, then MAGSAC++)";
  }
  bool Applies(const PhotoContext& ctx) const override { return ctx.evidence.Pixels().ok(); }
  Status Run(PhotoContext& ctx) override {
    const auto& pixels = ctx.evidence.Pixels();
    if (!pixels.ok()) return pixels.error();
    auto features = DetectFeatures(*pixels, FeatureOptions{Detector::kSift, 2000, true, 1024});
    if (!features.ok()) {
      // A dark, blurred or flat picture is evidence like any other: not a failure.
      ctx.AddFinding(kTooLittleTexture, Severity::kInfo,
                     "Too little texture for local features (" + features.error().message +
                         "): the photo cannot be matched with other photos, references or "
                         "basemaps");
      return OkStatus();
    }
    ctx.photo.features = std::move(*features);
    return OkStatus();
  }
  Status Finish(Case& c, const PipelineOptions& options) override {
    const std::size_t n = c.photos.size();
    // Verified same-scene pairs.
    std::vector<const Features*> items(n, nullptr);
    for (std::size_t i = 0; i < n; ++i)
      if (c.photos[i].features) items[i] = &*c.photos[i].features;
    RetrievalOptions retrieval;
    retrieval.candidates = options.same_scene_candidates;
    auto similar = RetrieveSimilar(items, retrieval);
    if (!similar.ok()) return similar.error();
    std::set<std::pair<int, int>> tried;
    for (std::size_t i = 0; i < n; ++i) {
      for (const auto& [j, score] : (*similar)[i]) {
        const std::pair<int, int> key{std::min<int>(static_cast<int>(i), j),
                                      std::max<int>(static_cast<int>(i), j)};
        if (!tried.insert(key).second) continue;
        const PairMatch m =
            MatchFeatures(*items[key.first], *items[key.second], options.locate.match);
        if (m.verdict != "same_scene") continue;
        c.scene_links.push_back({c.photos[key.first].path, c.photos[key.second].path,
                                 "same scene, " + std::to_string(m.inliers) + " inliers"});
        for (auto [self, other] :
             {std::pair{key.first, key.second}, std::pair{key.second, key.first}}) {
          char text[400];
          std::snprintf(text, sizeof text,
                        "Shows the same scene as %s (%d of %d matches verified, %s model)",
                        c.photos[other].path.c_str(), m.inliers, m.tentative, m.model.c_str());
          c.photos[self].findings.push_back({"SAME_SCENE", Severity::kInfo, text, "same_scene"});
        }
      }
    }
    for (auto& p : c.photos) p.features.reset();
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<Step> MakeSameSceneStep() { return std::make_unique<SameSceneStep>(); }

}  // namespace gv
