// fusion: after the photos are grouped by place, each group's clues are fused into ranked
// hypotheses (case/fusion/fusion.h). A group without any location clue gets no hypothesis
// and a NO_LOCATION_CLUE finding; clues that claim confidence but have no common support
// give CLUES_CONFLICT.
#include <algorithm>

#include "case/steps/steps.h"
#include "geo/known_sites.h"

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
    const auto gazetteer = Gazetteer::Default();
    // The known sites: a weak prior in every group, and the names near hypotheses.
    std::vector<KnownSite> sites;
    std::string sites_problem;
    Clue prior;
    if (c.config.known_sites != "none") {
      const auto path = c.config.known_sites == "default"
                            ? DefaultKnownSitesPath()
                            : std::filesystem::path(c.config.known_sites);
      if (auto loaded = LoadKnownSites(path); loaded.ok())
        sites = std::move(*loaded);
      else
        sites_problem = loaded.error().message;
      prior = MakeKnownSitesClue(sites, path.filename().string());
    }
    for (const auto& group : c.place_groups) {
      std::vector<const Clue*> clues;
      std::vector<PhotoRecord*> members;
      for (auto& photo : c.photos) {
        if (photo.place_group != group.id) continue;
        members.push_back(&photo);
        for (const auto& clue : photo.clues) clues.push_back(&clue);
      }
      if (!sites.empty()) clues.push_back(&prior);
      auto fused = FuseClues(clues, c.config.region, options.fusion);
      if (!fused.ok()) return fused.error();
      for (auto& h : fused->hypotheses) {
        if (gazetteer.ok()) h.place = (*gazetteer)->Nearest(h.at);
        if (const auto near = NearestKnownSite(sites, h.at, std::max(h.radius_m, 1000.0)))
          h.known_site = std::pair{near->site->name, near->distance_m};
      }
      for (PhotoRecord* photo : members) {
        if (!sites_problem.empty())
          photo->findings.push_back({"KNOWN_SITES_UNREADABLE", Severity::kWarning,
                                     "The known-sites layer could not be read (" + sites_problem +
                                         "): the fusion ran without its prior",
                                     "fusion"});
        for (const auto& own : photo->clues) {
          const std::string clue = ClueName(own);
          if (std::find(fused->outside_region.begin(), fused->outside_region.end(), clue) !=
              fused->outside_region.end())
            photo->findings.push_back(
                {"CLUE_OUTSIDE_REGION", Severity::kWarning,
                 clue + " has no support inside the case's search region (case.yaml region): "
                        "it was left out of the fusion",
                 "fusion"});
        }
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
      c.fusion.push_back({group.id, group.photos, std::move(*fused), ""});
      if (options.on_group_fused) options.on_group_fused(c, c.fusion.back());
    }
    return OkStatus();
  }
};

}  // namespace

Clue MakeKnownSitesClue(const std::vector<KnownSite>& sites, const std::string& source) {
  Clue prior;
  prior.kind = "known_site";
  prior.photo = "known sites";
  prior.description =
      "weak prior around the " + std::to_string(sites.size()) + " known sites of " + source;
  prior.params["sites"] = nlohmann::json::array();
  for (const auto& s : sites)
    prior.params["sites"].push_back(
        {{"name", s.name}, {"lat", s.at.lat_deg}, {"lon", s.at.lon_deg}, {"radius_m", s.radius_m}});
  return prior;
}

std::unique_ptr<Step> MakeFusionStep() { return std::make_unique<FusionStep>(); }

}  // namespace gv
