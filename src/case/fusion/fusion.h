// Fusion of one place group's clues into ranked location hypotheses, credible regions (the
// smallest areas holding 50 % and 90 % of the posterior mass) and the posterior itself.
//
// Model: a uniform prior over the search area A; each clue a density f = L / Area(L) with
// an outlier probability eps, used as the ratio against the uniform density, so that a
// place scores sum over clues of log(eps + (1 - eps) * A * f(place)) (likelihood.h). The
// ratio's average over the search area is 1, so a clue's term at a place is its gain there.
//
// Grid: the search area at about 0.05 deg (coarser when it would exceed max_level0_cells),
// each cell scored with the clues' upper bounds over it; the cells within keep_nats of the
// best are split 8 x 8, level after level, until a cell is at most half the sharpest clue's
// scale (at least 2 x finest_m). Time and memory depend on the number of cells kept, not on the
// area.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case/case_config.h"
#include "geo/clue.h"
#include "geo/gazetteer.h"
#include "geo/grid_raster.h"
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
  // Set by the fusion step: the nearest GeoNames place within 50 km, and the nearest known
  // site whose reach holds the hypothesis.
  std::optional<PlaceNear> place;
  std::optional<std::pair<std::string, double>> known_site;  // name, distance_m
};

// A polygon: its outline, then its holes; (lat, lon) vertices, rings not repeated closed.
using GeoPolygon = std::vector<std::vector<LatLon>>;

struct CredibleRegion {
  double level = 0;  // 0.5 or 0.9: the mass it holds
  double area_km2 = 0;
  std::vector<GeoPolygon> polygons;  // the union of its cells
};

// One cell of the posterior: a square in lat/lon with its density.
struct PosteriorCell {
  double south, west, size_deg;
  double density_per_km2;  // posterior probability per km^2
};

struct ClueConflict {
  std::vector<std::string> clues;  // "gps (a.jpg)", ...
  std::string message;
};

struct FusionResult {
  std::vector<Hypothesis> hypotheses;       // ranked by probability; empty without a location clue
  double area_50_km2 = 0, area_90_km2 = 0;  // of the credible regions
  std::vector<CredibleRegion> regions;      // 0.5, then 0.9; empty without a location clue
  // The cells that meet the 90 % region's bounding box (finest first), to render the
  // posterior raster (RenderPosterior); finest_deg the finest cell size among them.
  std::vector<PosteriorCell> posterior;
  double box_south = 0, box_west = 0, box_north = 0, box_east = 0, finest_deg = 0;
  std::vector<ClueConflict> conflicts;
  std::vector<std::string> clues_used;  // kinds
  // Clues with no support inside the search area ("footprint (a.jpg)"): left out.
  std::vector<std::string> outside_region;
  int cells_evaluated = 0;
};

// A clue as fusion results name it: "gps (a.jpg)".
std::string ClueName(const Clue& clue);

// Fuses `clues` over `region` (the world when empty). A clue without a likelihood (a kind
// fusion does not know) is left out and not counted as used. Error for bad options.
Result<FusionResult> FuseClues(const std::vector<const Clue*>& clues,
                               const std::optional<RegionBox>& region,
                               const FusionOptions& options = {});

// Whether `place` lies in the region (even-odd over every ring: holes are out).
bool InCredibleRegion(const CredibleRegion& region, const LatLon& place);

// The posterior over the 90 % region's bounding box at the finest uniform resolution of
// its cells that fits max_side x max_side, in probability per km^2 (a cell larger than a
// pixel paints its density; pixels smaller than the finest cells are never made). Empty
// (width 0) without hypotheses.
struct PosteriorRaster {
  GeoGrid grid;
  std::vector<float> values;  // grid.height rows of grid.width
};
PosteriorRaster RenderPosterior(const FusionResult& result, int max_side = 4000);

}  // namespace gv
