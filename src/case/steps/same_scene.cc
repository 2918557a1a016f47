// same_scene: photos of the case that show the same place. Each photo's features are
// detected on the way; after every photo, each photo's most similar others are retrieved
// through a vocabulary built over the case itself (match/retrieval.h) and verified
// geometrically (MAGSAC++). Verified pairs get a SAME_SCENE finding on both photos and a
// link (Case::scene_links) that puts them in one place group. With the matching cascade on
// (run --cascade auto|always), each photo's affine views are detected too (as `match` does
// for a pair) and a retrieved pair that the plain features do not verify is tried again on
// them (a homography only): two photos of one wall from far apart.
#include <cstdio>

#include "case/steps/steps.h"
#include "match/affine_views.h"
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
    // Kept on disk until every photo has been through the steps: memory does not grow with
    // the case.
    if (!ctx.c.feature_spill) {
      auto spill = FeatureSpill::Create(ctx.options.scratch_dir);
      if (!spill.ok()) return spill.error();
      ctx.c.feature_spill = std::move(*spill);
    }
    auto spilled = ctx.c.feature_spill->Put(*features);
    if (!spilled.ok()) return spilled.error();
    ctx.photo.features = std::move(*spilled);
    if (ctx.options.locate.cascade != CascadeMode::kOff) {
      auto views = DetectAffineViews(*pixels, AffineViewOptions{});
      if (views.ok()) {
        auto spilled_views = ctx.c.feature_spill->Put(*views);
        if (!spilled_views.ok()) return spilled_views.error();
        ctx.photo.view_features = std::move(*spilled_views);
      }
    }
    return OkStatus();
  }
  Status Finish(Case& c, const PipelineOptions& options) override {
    const std::size_t n = c.photos.size();
    // Verified same-scene pairs. The features are read back from disk one or two photos at a
    // time.
    std::vector<int> rows(n, 0);
    for (std::size_t i = 0; i < n; ++i)
      if (const auto& f = c.photos[i].features; f && !f->binary) rows[i] = f->count;
    const auto load = [&](int i) -> Result<Features> {
      return c.photos[static_cast<std::size_t>(i)].features->Load();
    };
    RetrievalOptions retrieval;
    retrieval.candidates = options.same_scene_candidates;
    auto similar = RetrieveSimilar(
        rows,
        [&](int i) -> Result<cv::Mat> {
          auto f = load(i);
          if (!f.ok()) return f.error();
          return f->descriptors;
        },
        retrieval);
    if (!similar.ok()) return similar.error();
    std::set<std::pair<int, int>> tried;
    for (std::size_t i = 0; i < n; ++i) {
      std::optional<Result<Features>> mine;  // photo i's, read once
      for (const auto& [j, score] : (*similar)[i]) {
        const std::pair<int, int> key{std::min<int>(static_cast<int>(i), j),
                                      std::max<int>(static_cast<int>(i), j)};
        if (!tried.insert(key).second) continue;
        if (!mine) mine = load(static_cast<int>(i));
        auto theirs = load(j);
        if (!mine->ok()) return mine->error();
        if (!theirs.ok()) return theirs.error();
        const Features& self_f = **mine;
        const bool i_first = key.first == static_cast<int>(i);
        PairMatch m = MatchFeatures(i_first ? self_f : *theirs, i_first ? *theirs : self_f,
                                    options.locate.match);
        const auto& va = c.photos[static_cast<std::size_t>(key.first)].view_features;
        const auto& vb = c.photos[static_cast<std::size_t>(key.second)].view_features;
        bool through_views = false;
        if (m.verdict != "same_scene" && va && vb) {
          auto a = va->Load();
          if (!a.ok()) return a.error();
          auto b = vb->Load();
          if (!b.ok()) return b.error();
          // Through the views only a homography gives same_scene (MatchViewFeatures).
          PairMatch views = MatchViewFeatures(*a, *b, options.locate.match);
          if (views.verdict == "same_scene") m = std::move(views), through_views = true;
        }
        if (m.verdict != "same_scene") continue;
        const char* how = through_views ? " (through affine views)" : "";
        c.scene_links.push_back({c.photos[key.first].path, c.photos[key.second].path,
                                 "same scene, " + std::to_string(m.inliers) + " inliers" + how});
        for (auto [self, other] :
             {std::pair{key.first, key.second}, std::pair{key.second, key.first}}) {
          char text[400];
          std::snprintf(text, sizeof text,
                        "Shows the same scene as %s (%d of %d matches verified, %s model%s)",
                        c.photos[other].path.c_str(), m.inliers, m.tentative, m.model.c_str(),
                        through_views ? ", through affine views of both photos" : "");
          c.photos[self].findings.push_back({"SAME_SCENE", Severity::kInfo, text, "same_scene"});
        }
      }
    }
    for (auto& p : c.photos) p.features.reset(), p.view_features.reset();
    c.feature_spill.reset();
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<Step> MakeSameSceneStep() { return std::make_unique<SameSceneStep>(); }

}  // namespace gv
