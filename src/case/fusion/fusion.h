// Fusion of one place group's clues into ranked location hypotheses (issue 14, first part:
// the hypotheses, their probabilities and radii, the credible-region areas and conflicts;
// no region polygons or posterior rasters yet).
//
// Model: a uniform prior over the search area A; each clue a density f = L / Area(L) with
// an outlier probability eps, used as the ratio against the uniform density, so that a
// place scores sum over clues of log(eps + (1 - eps) * A * f(place)) (likelihood.h). The
// ratio's average over the search area is 1, so a clue's term at a place is its gain there.
//
// Grid: the search area at about 0.05 deg (coarser when it would exceed max_level0_cells),
// each cell scored with the clues' upper bounds over it; the cells within keep_nats of the
// best are split 8 x 8, level after level, down to the sharpest clue's scale / 4 (at least
// finest_m). Time and memory depend on the number of cells kept, not on the area.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case/case_config.h"
#include "geo/clue.h"
#include "util/result.h"

namespace gv {

struct FusionOptions {
  double level0_resolution_deg = 0.05;
  int max_level0_cells = 400'000;
  int split = 8;                    // children per side when a cell is refined
  double keep_nats = 12;            // cells within this of the best score are refined
  int max_cells_per_level = 2'000;  // the best cells refined per level, at most (plus up to
                                    // 64 at each sharp clue's own peak)
  double finest_m = 10;
  int max_hypotheses = 10;
  Status Check() const;
};

struct ClueGain {
  std::string kind, photo;
  double log_likelihood_gain = 0;  // the clue's term at the place: > 0 favours it
};

struct Hypothesis {
  int rank = 0;
  LatLon at;
  double probability = 0;  // posterior mass of its basin
  double radius_m = 0;     // 90 % of the basin's mass lies within this of `at`
  std::vector<ClueGain> clues;
};

struct ClueConflict {
  std::vector<std::string> clues;  // "gps (a.jpg)", ...
  std::string message;
};

struct FusionResult {
  std::vector<Hypothesis> hypotheses;       // ranked by probability; empty without a location clue
  double area_50_km2 = 0, area_90_km2 = 0;  // of the credible regions
  std::vector<ClueConflict> conflicts;
  std::vector<std::string> clues_used;  // kinds
  int cells_evaluated = 0;
};

// Fuses `clues` over `region` (the world when empty). A clue without a likelihood (a kind
// fusion does not know) is left out and not counted as used. Error for bad options.
Result<FusionResult> FuseClues(const std::vector<const Clue*>& clues,
                               const std::optional<RegionBox>& region,
                               const FusionOptions& options = {});

}  // namespace gv
