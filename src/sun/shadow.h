// Shadow loci: every place on Earth where the sun could have cast the observed shadows.
// An observation constrains the sun's apparent elevation (from shadow length / object
// height, or given directly) and optionally the direction the shadow points (from true
// north). A grid cell is consistent when, at some instant within the time tolerance, the
// sun there satisfies every constraint of every observation.
//
// Speed: what depends only on time (SPA eq. 1-25) is computed once per time sample; what
// depends only on longitude (hour angle) once per column; only then the cells, with no
// trigonometric call for cells that fail. Parallax (< 0.0025°) is left out.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "geo/zone_grid.h"
#include "sun/spa.h"
#include "util/result.h"

namespace gv {

struct ShadowObservation {
  std::string label;
  double utc_seconds = 0;        // with zone_unknown: the local time read as if UTC
  bool zone_unknown = false;     // each cell converts the local time with its own zone
  double time_tolerance_s = 60;  // camera clocks: about a minute
  double elevation_min_deg = 0;  // apparent (refracted) sun elevation bounds
  double elevation_max_deg = 90;
  double elevation_center_deg = 45;
  std::optional<double> shadow_azimuth_deg;  // where the shadow points, from true north
  double azimuth_tolerance_deg = 5;
  // The hard bounds outside which a cell is 0, as a multiple of the tolerances (which are
  // 2 sigma): 1 for the consistent region; the fusion uses 2 (4 sigma), so that a
  // measurement just beyond its tolerance leaves a small likelihood instead of a zero.
  double cutoff_scale = 1;

  Status Check() const;
  // From object height and shadow length, each in the same unit; `length_tolerance` is
  // relative (0.1 = ±10 % of the shadow length).
  static Result<ShadowObservation> FromLengths(double object_height, double shadow_length,
                                               double length_tolerance);
  static Result<ShadowObservation> FromRatio(double ratio, double ratio_tolerance);
  static Result<ShadowObservation> FromElevation(double elevation_deg, double tolerance_deg);
};

struct GridSpec {
  double min_lon = -180, min_lat = -90, max_lon = 180, max_lat = 90;
  double resolution_deg = 0.05;
  int Width() const;
  int Height() const;
  Status Check() const;
};

// Rows [row0, row0 + rows) of the grid, north to south; likelihood 0 outside the region,
// else in (0, 1]: product over observations of Gaussians in elevation and azimuth error.
struct GridBlock {
  int row0 = 0, rows = 0, width = 0;
  std::vector<float> likelihood;
};

struct ShadowRegionStats {
  std::uint64_t cells = 0, consistent_cells = 0;
  double area_km2 = 0;
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;  // of consistent cells
};

// Evaluates the grid in blocks of rows on `threads` threads; `sink` receives the blocks in
// order (for streaming to a raster). Memory: a few blocks, never the whole grid.
Result<ShadowRegionStats> EvaluateShadowGrid(const SpaTerms& terms,
                                             const std::vector<ShadowObservation>& observations,
                                             const GridSpec& grid, int threads,
                                             const std::function<Status(const GridBlock&)>& sink,
                                             const ZoneIndexGrid* zones = nullptr);

// The straightforward way, for comparison and tests: full SPA (topocentric, refracted) at
// one place and time sample. True when consistent.
bool ConsistentByFullSpa(const SpaTerms& terms, const ShadowObservation& observation,
                         double lat_deg, double lon_deg);

}  // namespace gv
