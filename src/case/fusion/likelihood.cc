#include "case/fusion/likelihood.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "geo/gazetteer.h"
#include "geo/timezone.h"

namespace gv {
namespace {

constexpr double kMetresPerDegree = 111'195.0;

double Gaussian(double d, double sigma) { return std::exp(-0.5 * (d / sigma) * (d / sigma)); }

// A point with a ~95 % radius: a Gaussian of sigma = radius / 2.
class PointLikelihood : public ClueLikelihood {
 public:
  PointLikelihood(LatLon at, double radius_m, double eps)
      : ClueLikelihood(eps), at_(at), sigma_(std::max(radius_m, 1.0) / 2) {}
  double At(const LatLon& p) const override { return Gaussian(DistanceM(at_, p), sigma_); }

 private:
  LatLon at_;
  double sigma_;
};

// A disk of radius r (1 inside, a Gaussian edge of r / 4 outside), or its complement.
class DiskLikelihood : public ClueLikelihood {
 public:
  DiskLikelihood(LatLon at, double radius_m, bool excludes, double eps)
      : ClueLikelihood(eps),
        at_(at),
        r_(radius_m),
        edge_(std::max(radius_m / 4, 1.0)),
        excludes_(excludes) {}
  double At(const LatLon& p) const override {
    const double inside = Gaussian(std::max(0.0, DistanceM(at_, p) - r_), edge_);
    return excludes_ ? 1 - inside : inside;
  }

 private:
  LatLon at_;
  double r_, edge_;
  bool excludes_;
};

// Polygons: 1 inside, a Gaussian of `sigma_m` with the distance outside.
class PolygonLikelihood : public ClueLikelihood {
 public:
  PolygonLikelihood(std::vector<std::vector<LatLon>> rings, double sigma_m, double eps)
      : ClueLikelihood(eps), rings_(std::move(rings)), sigma_(std::max(sigma_m, 1.0)) {}
  double At(const LatLon& p) const override {
    bool inside = false;
    const double d = DistanceToPolygonsM(rings_, p, &inside);
    return inside ? 1.0 : Gaussian(d, sigma_);
  }

 private:
  std::vector<std::vector<LatLon>> rings_;
  double sigma_;
};

// A likelihood grid, nearest cell; 0 outside the grid.
class GridLikelihood : public ClueLikelihood {
 public:
  GridLikelihood(LikelihoodGrid grid, double eps) : ClueLikelihood(eps), g_(std::move(grid)) {}
  double At(const LatLon& p) const override {
    const double col = (p.lon_deg - g_.min_lon) / g_.resolution_deg;
    const double row = (g_.max_lat - p.lat_deg) / g_.resolution_deg;
    if (col < 0 || row < 0 || col >= g_.width || row >= g_.height) return 0;
    return g_.values[static_cast<std::size_t>(row) * g_.width + static_cast<std::size_t>(col)];
  }

 private:
  LikelihoodGrid g_;
};

// Places whose IANA zone is one of the clue's.
class ZoneLikelihood : public ClueLikelihood {
 public:
  ZoneLikelihood(std::set<std::string> zones, const TimeZoneIndex& index, double eps)
      : ClueLikelihood(eps), zones_(std::move(zones)), index_(index) {}
  double At(const LatLon& p) const override {
    const auto zone = index_.ZoneAt(p);
    return zone.ok() && zones_.count(zone->zone) ? 1.0 : 0.0;
  }

 private:
  std::set<std::string> zones_;
  const TimeZoneIndex& index_;
};

}  // namespace

double DefaultEpsilon(const std::string& kind) {
  if (kind == "gps" || kind == "footprint") return 0.05;
  if (kind == "reference_match" || kind == "shadow") return 0.10;
  if (kind == "time_zone") return 0.20;
  if (kind == "country" || kind == "near" || kind == "not_near" || kind == "within") return 0.05;
  return 0.20;
}

double ClueEpsilon(const Clue& clue) {
  const double confidence = std::clamp(clue.confidence, 0.0, 1.0);
  return 1 - (1 - DefaultEpsilon(clue.kind)) * confidence;
}

double LogWithOutlierFloor(double likelihood, double epsilon) {
  return std::log(epsilon + (1 - epsilon) * std::clamp(likelihood, 0.0, 1.0));
}

double DistanceToPolygonsM(const std::vector<std::vector<LatLon>>& rings, const LatLon& place,
                           bool* inside) {
  // Local metres around the place: x east, y north.
  const double kx = kMetresPerDegree * std::cos(place.lat_deg * M_PI / 180);
  const auto local = [&](const LatLon& q) {
    double dlon = q.lon_deg - place.lon_deg;
    if (dlon > 180) dlon -= 360;
    if (dlon < -180) dlon += 360;
    return std::pair<double, double>{dlon * kx, (q.lat_deg - place.lat_deg) * kMetresPerDegree};
  };
  bool in = false;
  double best = 1e18;
  for (const auto& ring : rings) {
    const std::size_t n = ring.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
      const auto [xi, yi] = local(ring[i]);
      const auto [xj, yj] = local(ring[j]);
      if ((yi > 0) != (yj > 0) && 0 < (xj - xi) * (0 - yi) / (yj - yi) + xi) in = !in;
      // Distance from the origin to the segment.
      const double dx = xj - xi, dy = yj - yi, len2 = dx * dx + dy * dy;
      const double t = len2 > 0 ? std::clamp(-(xi * dx + yi * dy) / len2, 0.0, 1.0) : 0;
      best = std::min(best, std::hypot(xi + t * dx, yi + t * dy));
    }
  }
  if (inside) *inside = in;
  return in ? 0 : best;
}

Result<std::unique_ptr<ClueLikelihood>> MakeLikelihood(const Clue& clue,
                                                       const TimeZoneIndex* zones) {
  const double eps = ClueEpsilon(clue);
  const auto& k = clue.kind;
  if ((k == "gps" || k == "reference_match") && clue.point)
    return std::unique_ptr<ClueLikelihood>(new PointLikelihood(
        *clue.point, std::max(clue.uncertainty_m, k == "gps" ? 5.0 : 100.0), eps));
  if ((k == "near" || k == "not_near") && clue.point)
    return std::unique_ptr<ClueLikelihood>(
        new DiskLikelihood(*clue.point, clue.uncertainty_m, k == "not_near", eps));
  if ((k == "footprint" || k == "country" || k == "within") && !clue.polygons.empty()) {
    // The blur: the registration RMSE, the border's generalisation, or 100 m for an area
    // drawn by hand.
    const double sigma = k == "within" ? 100.0 : std::max(clue.uncertainty_m, 10.0);
    return std::unique_ptr<ClueLikelihood>(new PolygonLikelihood(clue.polygons, sigma, eps));
  }
  if (k == "shadow" && clue.likelihood)
    return std::unique_ptr<ClueLikelihood>(new GridLikelihood(*clue.likelihood, eps));
  if (k == "time_zone" && clue.params.contains("zones")) {
    if (zones == nullptr) return MakeError("a time_zone clue needs the time-zone boundaries");
    std::set<std::string> names;
    for (const auto& z : clue.params["zones"]) names.insert(z.get<std::string>());
    return std::unique_ptr<ClueLikelihood>(new ZoneLikelihood(std::move(names), *zones, eps));
  }
  return MakeError("no likelihood for a " + k + " clue with this geometry");
}

}  // namespace gv
