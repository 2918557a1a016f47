// clues: the investigator's own clues from case.yaml (country, near, not_near, within), as
// clues of the photo they are given for.
#include <cstdio>

#include "case/steps/steps.h"
#include "geo/countries.h"

namespace gv {
namespace {

constexpr double kCountryBorderUncertaintyM = 5000;

}  // namespace

Result<Clue> MakeInvestigatorClue(const ManualClueSpec& spec) {
  Clue clue;
  clue.kind = spec.kind;
  clue.params = {{"source", "case.yaml"}, {"line", spec.line}};
  char text[200];
  if (spec.kind == "country") {
    const auto country = CountryByAlpha2(spec.country);
    if (!country) return MakeError("unknown country " + spec.country);
    auto outline = CountryOutline(*country);
    if (!outline.ok()) return outline.error();
    clue.polygons = std::move(*outline);
    // Natural Earth 1:50m borders are generalised by a few km: KK Park, on the Moei river,
    // falls on the Thai side of them. Places that near a border may lie on either side.
    clue.uncertainty_m = kCountryBorderUncertaintyM;
    clue.description = "Investigator: taken in " + country->name + " (" + spec.country +
                       "); the outline (Natural Earth 1:50m) may be 5 km off at borders";
    clue.params["country"] = spec.country;
    clue.params["name"] = country->name;
  } else if (spec.kind == "near" || spec.kind == "not_near") {
    clue.point = spec.at;
    clue.uncertainty_m = spec.radius_m;
    clue.excludes = spec.kind == "not_near";
    std::snprintf(text, sizeof text, "Investigator: %s within %.0f m of %.6f, %.6f",
                  clue.excludes ? "not taken" : "taken", spec.radius_m, spec.at.lat_deg,
                  spec.at.lon_deg);
    clue.description = text;
    clue.params["lat"] = spec.at.lat_deg;
    clue.params["lon"] = spec.at.lon_deg;
    clue.params["radius_m"] = spec.radius_m;
  } else if (spec.kind == "within") {
    auto rings = ReadOuterRings(spec.file);
    if (!rings.ok()) return rings.error();
    clue.polygons = std::move(*rings);
    clue.description = "Investigator: taken within the areas of " + spec.file.filename().string();
    clue.params["file"] = spec.file.string();
  } else {
    return MakeError("unknown clue kind " + spec.kind);
  }
  return clue;
}

namespace {

class AnalystCluesStep : public Step {
 public:
  const char* name() const override { return "clues"; }
  const char* description() const override {
    return "the investigator's clues from case.yaml: country, near, not_near, within";
  }
  bool Applies(const PhotoContext& ctx) const override {
    const auto* config = ctx.config();
    return config && !config->clues.empty();
  }
  Status Run(PhotoContext& ctx) override {
    std::string failed;
    for (const auto& spec : ctx.config()->clues) {
      auto clue = MakeInvestigatorClue(spec);
      if (!clue.ok()) {
        failed += (failed.empty() ? "" : "; ") + std::string("case.yaml:") +
                  std::to_string(spec.line) + ": " + clue.error().message;
        continue;
      }
      ctx.AddClue(std::move(*clue));
    }
    if (!failed.empty()) return MakeError(failed);
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<Step> MakeAnalystCluesStep() { return std::make_unique<AnalystCluesStep>(); }

}  // namespace gv
