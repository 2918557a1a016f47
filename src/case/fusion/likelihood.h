// The likelihood of a place under one clue, for the fusion of a place group's clues
// (fusion.h). Each clue kind answers "how likely is this place?" in [0, 1]; the fusion does
// not know the kinds. Every clue may be wrong: it
// has an outlier probability epsilon (a default per kind, raised when the clue's confidence
// is below 1), and places combine as the sum over clues of log(eps + (1 - eps) L), so that
// one wrong clue cannot erase the truth.
//
// These L are shapes in [0, 1], 1 at the clue's best places. Used as they are, a floor of
// eps over a large search area would outweigh a sharp clue (a GPS Gaussian covers ~1,400
// m^2; eps over the world 5e14 m^2). The fusion therefore uses each clue as a density ratio
// against the uniform one over the search area, L' = A * L / AreaM2() (fusion.h).
//
// Defaults (eps): gps 0.05 (GPS tags can be forged or wrong indoors), reference_match 0.10
// (a repeated building elsewhere), footprint 0.05, shadow 0.10 (a measurement can be wrong),
// time_zone 0.20 (camera clocks are set by hand), country / near / not_near / within 0.05
// (the investigator's own), known_site 1 - kKnownSitePrior (a weak prior: the photo is at one
// of the known sites with that probability, anywhere in the search area otherwise).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "case/case_config.h"
#include "geo/clue.h"
#include "util/result.h"

namespace gv {

class ClueLikelihood {
 public:
  virtual ~ClueLikelihood() = default;
  // In [0, 1]: 1 where the clue says the photo was taken, towards 0 where it says not.
  virtual double At(const LatLon& place) const = 0;
  // An upper bound of At over the cell [south, north] x [west, east] (degrees), so that a
  // coarse cell never hides a sharp clue. Default: At at the centre (for broad clues).
  virtual double UpperOver(double south, double west, double north, double east) const;
  // The integral of At over the Earth, m^2 (At / Area is the clue's density); 0 when it has
  // to be measured numerically (time zones). `search_area_m2` is the search area's.
  virtual double AreaM2(double search_area_m2) const = 0;
  // The length (m) below which the clue cannot tell places apart: finer cells add nothing.
  virtual double ScaleM() const = 0;
  double epsilon() const { return epsilon_; }

 protected:
  explicit ClueLikelihood(double epsilon) : epsilon_(epsilon) {}

 private:
  double epsilon_;
};

// The prior probability that a photo was taken at one of the known sites (a disk of each
// site's radius), against anywhere in the search area.
constexpr double kKnownSitePrior = 0.001;

// The default outlier probability of a clue kind (above), or 0.2 for an unknown kind.
double DefaultEpsilon(const std::string& kind);

// eps for one clue: 1 - (1 - DefaultEpsilon(kind)) * confidence.
double ClueEpsilon(const Clue& clue);

// log(eps + (1 - eps) * likelihood): never below log(eps). The likelihood may be a ratio
// above 1 (the fusion's density ratio).
double LogWithOutlierFloor(double likelihood, double epsilon);

// The likelihood of a clue, by kind. Error for a kind without a likelihood or a clue without
// the geometry its kind needs. time_zone clues use the zone boundaries rasterised at 0.05
// deg (once per process; error when data/generated/timezones.gpkg is missing).
// Polygons of more than 32 vertices (countries) are rasterised at about a quarter of their
// blur, over `region` (plus a degree) when given.
Result<std::unique_ptr<ClueLikelihood>> MakeLikelihood(const Clue& clue,
                                                       const std::optional<RegionBox>& region = {});

// Area (m^2) of polygons on the sphere (outer rings, lat/lon).
double PolygonsAreaM2(const std::vector<std::vector<LatLon>>& rings);

// Distance in metres from a place to the nearest edge of the polygons (0 inside), on a local
// equirectangular approximation (good to a fraction of a percent within a few hundred km).
double DistanceToPolygonsM(const std::vector<std::vector<LatLon>>& rings, const LatLon& place,
                           bool* inside);

}  // namespace gv
