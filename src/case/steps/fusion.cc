// fusion: after the photos are grouped by place, each group's clues are fused into ranked
// hypotheses (case/fusion/fusion.h). A group without any location clue gets no hypothesis
// and a NO_LOCATION_CLUE finding; clues that claim confidence but have no common support
// give CLUES_CONFLICT.
#include "case/steps/steps.h"

namespace gv {
namespace {

class FusionStep : public Step {
 public:
  const char* name() const override { return "fusion"; }
  const char* description() const override {
    return "each place group's clues fused into ranked hypotheses, credible areas, conflicts";
  }
  bool Applies(const PhotoContext&) const override { return false; }  // case-wide only
  Status Run(PhotoContext&) override { return OkStatus(); }
  bool AfterGrouping() const override { return true; }
  Status Finish(Case& c, const PipelineOptions& options) override {
    c.fusion.clear();
    for (const auto& group : c.place_groups) {
      std::vector<const Clue*> clues;
      std::vector<PhotoRecord*> members;
      for (auto& photo : c.photos) {
        if (photo.place_group != group.id) continue;
        members.push_back(&photo);
        for (const auto& clue : photo.clues) clues.push_back(&clue);
      }
      auto fused = FuseClues(clues, c.config.region, options.fusion);
      if (!fused.ok()) return fused.error();
      for (PhotoRecord* photo : members) {
        for (const auto& clue : fused->outside_region)
          if (clue.find("(" + photo->path + ")") != std::string::npos)
            photo->findings.push_back(
                {"CLUE_OUTSIDE_REGION", Severity::kWarning,
                 clue + " has no support inside the case's search region (case.yaml region): "
                        "it was left out of the fusion",
                 "fusion"});
        if (fused->hypotheses.empty())
          photo->findings.push_back({"NO_LOCATION_CLUE", Severity::kInfo,
                                     "No clue in place group " + std::to_string(group.id) +
                                         " says where: no place is proposed",
                                     "fusion"});
        for (const auto& conflict : fused->conflicts)
          photo->findings.push_back(
              {"CLUES_CONFLICT", Severity::kWarning,
               "Place group " + std::to_string(group.id) + ": " + conflict.message, "fusion"});
      }
      c.fusion.push_back({group.id, group.photos, std::move(*fused)});
    }
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<Step> MakeFusionStep() { return std::make_unique<FusionStep>(); }

}  // namespace gv
