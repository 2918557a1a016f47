#include "case/fusion/likelihood.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <set>

#include "geo/gazetteer.h"
#include "geo/tzif.h"
#include "geo/zone_grid.h"
#include "util/time.h"

namespace gv {
namespace {

constexpr double kMetresPerDegree = 111'195.0;
// Polygons with more vertices than this are rasterised (RasterPolygonLikelihood).
constexpr std::size_t kRasterisedVertices = 32;

double Gaussian(double d, double sigma) { return std::exp(-0.5 * (d / sigma) * (d / sigma)); }

// The point of a cell nearest to `p` (longitudes compared the short way round).
LatLon Clamp(const LatLon& p, double south, double west, double north, double east) {
  LatLon q{std::clamp(p.lat_deg, south, north), p.lon_deg};
  if (p.lon_deg < west || p.lon_deg > east) {
    const auto gap = [](double a, double b) {
      const double d = std::fmod(std::abs(a - b), 360.0);
      return std::min(d, 360 - d);
    };
    q.lon_deg = gap(p.lon_deg, west) < gap(p.lon_deg, east) ? west : east;
  }
  return q;
}

double HalfDiagonalM(double south, double west, double north, double east) {
  return DistanceM({south, west}, {north, east}) / 2;
}

// A point with a ~95 % radius: a Gaussian of sigma = radius / 2.
class PointLikelihood : public ClueLikelihood {
 public:
  PointLikelihood(LatLon at, double radius_m, double eps)
      : ClueLikelihood(eps), at_(at), sigma_(std::max(radius_m, 1.0) / 2) {}
  double At(const LatLon& p) const override { return Gaussian(DistanceM(at_, p), sigma_); }
  double UpperOver(double s, double w, double n, double e) const override {
    return At(Clamp(at_, s, w, n, e));
  }
  double AreaM2(double) const override { return 2 * M_PI * sigma_ * sigma_; }
  double ScaleM() const override { return sigma_; }

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
  // Beyond the disk's reach (its radius and 8 edges) in latitude alone: no trigonometry.
  bool FarInLatitude(double s, double n) const {
    const double reach_deg = (r_ + 8 * edge_) / kMetresPerDegree;
    return s > at_.lat_deg + reach_deg || n < at_.lat_deg - reach_deg;
  }
  double At(const LatLon& p) const override {
    const double inside = FarInLatitude(p.lat_deg, p.lat_deg)
                              ? 0.0
                              : Gaussian(std::max(0.0, DistanceM(at_, p) - r_), edge_);
    return excludes_ ? 1 - inside : inside;
  }
  double UpperOver(double s, double w, double n, double e) const override {
    if (!excludes_) return FarInLatitude(s, n) ? 0.0 : At(Clamp(at_, s, w, n, e));
    // Not near: the cell's farthest point from the centre is at most this far.
    const double far = DistanceM(at_, {(s + n) / 2, (w + e) / 2}) + HalfDiagonalM(s, w, n, e);
    return 1 - Gaussian(std::max(0.0, far - r_), edge_);
  }
  double AreaM2(double search_area_m2) const override {
    // Disk plus its Gaussian edge: 2 pi (r e sqrt(pi / 2) + e^2).
    const double disk =
        M_PI * r_ * r_ + 2 * M_PI * (r_ * edge_ * std::sqrt(M_PI / 2) + edge_ * edge_);
    return excludes_ ? std::max(search_area_m2 - disk, disk) : disk;
  }
  double ScaleM() const override { return edge_; }

 private:
  LatLon at_;
  double r_, edge_;
  bool excludes_;
};

// The most likely of several likelihoods (the known sites: a disk around each).
class MaxLikelihood : public ClueLikelihood {
 public:
  MaxLikelihood(std::vector<std::unique_ptr<ClueLikelihood>> parts, double eps)
      : ClueLikelihood(eps), parts_(std::move(parts)) {}
  double At(const LatLon& p) const override {
    double best = 0;
    for (const auto& part : parts_) best = std::max(best, part->At(p));
    return best;
  }
  double UpperOver(double s, double w, double n, double e) const override {
    double best = 0;
    for (const auto& part : parts_) best = std::max(best, part->UpperOver(s, w, n, e));
    return best;
  }
  double AreaM2(double search_area_m2) const override {
    double area = 0;  // the parts do not overlap much: their sum
    for (const auto& part : parts_) area += part->AreaM2(search_area_m2);
    return std::max(area, 1.0);
  }
  double ScaleM() const override {
    double scale = 1e12;
    for (const auto& part : parts_) scale = std::min(scale, part->ScaleM());
    return scale;
  }

 private:
  std::vector<std::unique_ptr<ClueLikelihood>> parts_;
};

// Polygons: 1 inside, a Gaussian of `sigma_m` with the distance outside.
class PolygonLikelihood : public ClueLikelihood {
 public:
  PolygonLikelihood(std::vector<std::vector<LatLon>> rings, double sigma_m, double eps)
      : ClueLikelihood(eps), rings_(std::move(rings)), sigma_(std::max(sigma_m, 1.0)) {
    for (const auto& ring : rings_)
      for (const auto& p : ring) {
        south_ = std::min(south_, p.lat_deg), north_ = std::max(north_, p.lat_deg);
        west_ = std::min(west_, p.lon_deg), east_ = std::max(east_, p.lon_deg);
      }
  }
  // Far outside the polygons' box (beyond 8 sigma): 0 without looking at the vertices.
  bool FarOutside(double s, double w, double n, double e) const {
    const double margin_deg = 8 * sigma_ / 111'195.0;
    const double cos_lat =
        std::max(0.05, std::cos(std::max(std::abs(s), std::abs(n)) * M_PI / 180));
    return n < south_ - margin_deg || s > north_ + margin_deg || e < west_ - margin_deg / cos_lat ||
           w > east_ + margin_deg / cos_lat;
  }
  double At(const LatLon& p) const override {
    if (FarOutside(p.lat_deg, p.lon_deg, p.lat_deg, p.lon_deg)) return 0;
    bool inside = false;
    const double d = DistanceToPolygonsM(rings_, p, &inside);
    return inside ? 1.0 : Gaussian(d, sigma_);
  }
  double UpperOver(double s, double w, double n, double e) const override {
    if (FarOutside(s, w, n, e)) return 0;
    bool inside = false;
    const double d = DistanceToPolygonsM(rings_, {(s + n) / 2, (w + e) / 2}, &inside);
    return inside ? 1.0 : Gaussian(std::max(0.0, d - HalfDiagonalM(s, w, n, e)), sigma_);
  }
  double AreaM2(double) const override { return std::max(PolygonsAreaM2(rings_), 1.0); }
  double ScaleM() const override { return sigma_; }

 private:
  std::vector<std::vector<LatLon>> rings_;
  double sigma_;
  double south_ = 90, north_ = -90, west_ = 180, east_ = -180;
};

// Polygons with many vertices (a country: thousands), rasterised once: 1 inside, a Gaussian
// of the distance outside, read from a distance transform. Pixels are about sigma / 4 (at
// most 2048 per side, so coarser for a large country), square in metres at the raster's
// middle latitude; the raster covers the polygons' box plus 8 sigma, cut to the search
// region when one is given (places outside it read 0). Per cell: O(1), not O(vertices).
class RasterPolygonLikelihood : public ClueLikelihood {
 public:
  RasterPolygonLikelihood(const std::vector<std::vector<LatLon>>& rings, double sigma_m,
                          const std::optional<RegionBox>& region, double eps)
      : ClueLikelihood(eps), sigma_(std::max(sigma_m, 1.0)), area_(PolygonsAreaM2(rings)) {
    double south = 90, north = -90, west = 180, east = -180;
    for (const auto& ring : rings)
      for (const auto& p : ring) {
        south = std::min(south, p.lat_deg), north = std::max(north, p.lat_deg);
        west = std::min(west, p.lon_deg), east = std::max(east, p.lon_deg);
      }
    const double margin_lat = 8 * sigma_ / kMetresPerDegree;
    const double mid = (south + north) / 2;
    const double cos_mid = std::max(0.2, std::cos(mid * M_PI / 180));
    south = std::max(-90.0, south - margin_lat), north = std::min(90.0, north + margin_lat);
    west = std::max(-180.0, west - margin_lat / cos_mid);
    east = std::min(180.0, east + margin_lat / cos_mid);
    if (region) {
      south = std::max(south, region->min_lat - 1), north = std::min(north, region->max_lat + 1);
      west = std::max(west, region->min_lon - 1), east = std::min(east, region->max_lon + 1);
    }
    if (!(south < north && west < east)) return;  // nothing of it in the region: 0 everywhere
    const double span_m =
        std::max((north - south) * kMetresPerDegree, (east - west) * kMetresPerDegree * cos_mid);
    pixel_m_ = std::max(sigma_ / 4, span_m / 2048);
    dlat_ = pixel_m_ / kMetresPerDegree;
    dlon_ = dlat_ / cos_mid;
    north_ = north, west_ = west;
    const int width = std::max(1, static_cast<int>(std::ceil((east - west) / dlon_)));
    const int height = std::max(1, static_cast<int>(std::ceil((north - south) / dlat_)));
    cv::Mat outside(height, width, CV_8U, cv::Scalar(255));
    constexpr int kShift = 4;  // sub-pixel vertices
    std::vector<std::vector<cv::Point>> polygons;
    for (const auto& ring : rings) {
      std::vector<cv::Point> points;
      for (const auto& p : ring)
        points.emplace_back(static_cast<int>(std::lround((p.lon_deg - west) / dlon_ * 16)),
                            static_cast<int>(std::lround((north - p.lat_deg) / dlat_ * 16)));
      polygons.push_back(std::move(points));
    }
    cv::fillPoly(outside, polygons, cv::Scalar(0), cv::LINE_8, kShift);
    cv::distanceTransform(outside, distance_px_, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  }
  double DistanceM(const LatLon& p) const {
    const double col = (p.lon_deg - west_) / dlon_, row = (north_ - p.lat_deg) / dlat_;
    if (distance_px_.empty() || col < 0 || row < 0 || col >= distance_px_.cols ||
        row >= distance_px_.rows)
      return 1e12;
    return distance_px_.at<float>(static_cast<int>(row), static_cast<int>(col)) * pixel_m_;
  }
  double At(const LatLon& p) const override { return Gaussian(DistanceM(p), sigma_); }
  double UpperOver(double s, double w, double n, double e) const override {
    const double d = DistanceM({(s + n) / 2, (w + e) / 2});
    return Gaussian(std::max(0.0, d - HalfDiagonalM(s, w, n, e) - pixel_m_), sigma_);
  }
  double AreaM2(double) const override { return std::max(area_, 1.0); }
  double ScaleM() const override { return std::max(sigma_, pixel_m_); }

 private:
  double sigma_, area_;
  double pixel_m_ = 1, dlat_ = 1, dlon_ = 1, north_ = 0, west_ = 0;
  cv::Mat distance_px_;  // CV_32F: pixels to the nearest inside pixel (0 inside)
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
  double UpperOver(double s, double w, double n, double e) const override {
    const int c0 = std::max(0, static_cast<int>(std::floor((w - g_.min_lon) / g_.resolution_deg)));
    const int c1 =
        std::min(g_.width - 1, static_cast<int>(std::floor((e - g_.min_lon) / g_.resolution_deg)));
    const int r0 = std::max(0, static_cast<int>(std::floor((g_.max_lat - n) / g_.resolution_deg)));
    const int r1 =
        std::min(g_.height - 1, static_cast<int>(std::floor((g_.max_lat - s) / g_.resolution_deg)));
    double best = 0;
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c)
        best = std::max(best,
                        static_cast<double>(g_.values[static_cast<std::size_t>(r) * g_.width + c]));
    return best;
  }
  double AreaM2(double) const override {
    double area = 0;
    const double cell_m = g_.resolution_deg * kMetresPerDegree;
    for (int r = 0; r < g_.height; ++r) {
      const double lat = g_.max_lat - (r + 0.5) * g_.resolution_deg;
      const double row_area = cell_m * cell_m * std::cos(lat * M_PI / 180);
      for (int c = 0; c < g_.width; ++c)
        area += g_.values[static_cast<std::size_t>(r) * g_.width + c] * row_area;
    }
    return std::max(area, 1.0);
  }
  double ScaleM() const override { return g_.resolution_deg * kMetresPerDegree / 2; }

 private:
  LikelihoodGrid g_;
};

// The IANA zone of every 0.05-degree cell of the world, rasterised once per process from
// the boundary polygons (52 MB).
const Result<ZoneIndexGrid>& WorldZones() {
  static std::mutex mutex;
  static std::optional<Result<ZoneIndexGrid>> grid;
  std::lock_guard lock(mutex);
  if (!grid) grid.emplace(BuildZoneIndexGrid(GeoGrid{-180, 90, 0.05, 7200, 3600}, 0.05));
  return *grid;
}

// Places whose IANA zone is one of the clue's (cells at sea: none).
class ZoneLikelihood : public ClueLikelihood {
 public:
  ZoneLikelihood(const ZoneIndexGrid& grid, const std::set<std::string>& zones, double eps)
      : ClueLikelihood(eps), grid_(grid), allowed_(grid.zones.size() + 1, 0) {
    for (std::size_t i = 0; i < grid.zones.size(); ++i)
      if (zones.count(grid.zones[i])) allowed_[i + 1] = 1;
  }
  double At(const LatLon& p) const override {
    const std::uint16_t i = grid_.At(p.lat_deg, p.lon_deg);
    return i < allowed_.size() && allowed_[i] ? 1.0 : 0.0;
  }
  double UpperOver(double s, double w, double n, double e) const override {
    // Any of the centre and corners in an allowed zone (borders at the grid's 0.05 deg).
    for (const LatLon& q :
         {LatLon{(s + n) / 2, (w + e) / 2}, LatLon{s, w}, LatLon{s, e}, LatLon{n, w}, LatLon{n, e}})
      if (At(q) > 0) return 1.0;
    return 0.0;
  }
  double AreaM2(double) const override { return 0; }  // measured by the fusion
  double ScaleM() const override { return 5000; }     // zone borders at 0.05 deg

 private:
  const ZoneIndexGrid& grid_;
  std::vector<char> allowed_;
};

}  // namespace

double ClueLikelihood::UpperOver(double s, double w, double n, double e) const {
  return At({(s + n) / 2, (w + e) / 2});
}

double PolygonsAreaM2(const std::vector<std::vector<LatLon>>& rings) {
  // The spherical excess of each ring (Chamberlain & Duquette 2007, JPL): R^2 / 2 *
  // |sum (lon2 - lon1) (2 + sin lat1 + sin lat2)|.
  constexpr double kR = kEarthRadiusM;
  double total = 0;
  for (const auto& ring : rings) {
    double sum = 0;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      double dlon = ring[i].lon_deg - ring[j].lon_deg;
      if (dlon > 180) dlon -= 360;
      if (dlon < -180) dlon += 360;
      sum += dlon * M_PI / 180 *
             (2 + std::sin(ring[j].lat_deg * M_PI / 180) + std::sin(ring[i].lat_deg * M_PI / 180));
    }
    total += std::abs(sum) * kR * kR / 2;
  }
  return total;
}

double DefaultEpsilon(const std::string& kind) {
  if (kind == "gps" || kind == "footprint") return 0.05;
  if (kind == "reference_match" || kind == "shadow") return 0.10;
  if (kind == "time_zone") return 0.20;
  if (kind == "country" || kind == "near" || kind == "not_near" || kind == "within") return 0.05;
  if (kind == "known_site") return 1 - kKnownSitePrior;
  // Text read in the photo: a script or a number may be foreign to the place (a Chinese
  // sign in Cambodia, a Thai phone number on a Myanmar wall).
  if (kind == "script") return 0.3;
  if (kind == "phone_country" || kind == "currency_country" || kind == "plate_country") return 0.4;
  // A place named on a sign may be where the photo is, or a destination ("bus to Phnom
  // Penh"), or a company's name.
  if (kind == "place_name") return 0.4;
  if (kind == "tld_country") return 0.5;
  return 0.20;
}

double ClueEpsilon(const Clue& clue) {
  const double confidence = std::clamp(clue.confidence, 0.0, 1.0);
  return 1 - (1 - DefaultEpsilon(clue.kind)) * confidence;
}

double LogWithOutlierFloor(double likelihood, double epsilon) {
  return std::log(epsilon + (1 - epsilon) * std::max(likelihood, 0.0));
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
                                                       const std::optional<RegionBox>& region) {
  const double eps = ClueEpsilon(clue);
  const auto& k = clue.kind;
  if ((k == "gps" || k == "reference_match") && clue.point)
    return std::unique_ptr<ClueLikelihood>(new PointLikelihood(
        *clue.point, std::max(clue.uncertainty_m, k == "gps" ? 5.0 : 100.0), eps));
  if ((k == "near" || k == "not_near") && clue.point)
    return std::unique_ptr<ClueLikelihood>(
        new DiskLikelihood(*clue.point, clue.uncertainty_m, k == "not_near", eps));
  const bool country_like = k == "country" || k == "script" || k == "phone_country" ||
                            k == "tld_country" || k == "currency_country" || k == "plate_country";
  if ((k == "footprint" || country_like || k == "within") && !clue.polygons.empty()) {
    // The blur: the registration RMSE, the border's generalisation, or 100 m for an area
    // drawn by hand.
    const double sigma = k == "within" ? 100.0 : std::max(clue.uncertainty_m, 10.0);
    std::size_t vertices = 0;
    for (const auto& ring : clue.polygons) vertices += ring.size();
    if (vertices > kRasterisedVertices)
      return std::unique_ptr<ClueLikelihood>(
          new RasterPolygonLikelihood(clue.polygons, sigma, region, eps));
    return std::unique_ptr<ClueLikelihood>(new PolygonLikelihood(clue.polygons, sigma, eps));
  }
  // Known sites, or the towns a place name read in the photo may be: the nearest of them.
  const char* disks_key = k == "known_site" ? "sites" : k == "place_name" ? "places" : nullptr;
  if (disks_key && clue.params.contains(disks_key) && clue.params[disks_key].is_array() &&
      !clue.params[disks_key].empty()) {
    std::vector<std::unique_ptr<ClueLikelihood>> disks;
    for (const auto& site : clue.params[disks_key])
      disks.push_back(std::make_unique<DiskLikelihood>(
          LatLon{site.value("lat", 0.0), site.value("lon", 0.0)},
          std::max(site.value("radius_m", 5000.0), 100.0), false, eps));
    return std::unique_ptr<ClueLikelihood>(new MaxLikelihood(std::move(disks), eps));
  }
  if (k == "shadow" && clue.likelihood)
    return std::unique_ptr<ClueLikelihood>(new GridLikelihood(*clue.likelihood, eps));
  if (k == "time_zone" && clue.params.contains("zones")) {
    const auto& grid = WorldZones();
    if (!grid.ok()) return MakeError("time-zone boundaries unavailable: " + grid.error().message);
    std::set<std::string> names;
    for (const auto& z : clue.params["zones"]) names.insert(z.get<std::string>());
    // The boundaries name zones that the zone table folds into others (Asia/Kuala_Lumpur
    // into Asia/Singapore, Asia/Phnom_Penh into Asia/Bangkok): each boundary zone counts
    // when its own rules give the clue's offset at the clue's instant.
    const auto offset = ParseUtcOffset(clue.params.value("utc_offset", std::string()));
    const auto when = ParseIso8601(clue.params.value("taken_at_utc", std::string()));
    if (offset && when && when->offset_s) {
      const std::int64_t utc = ToEpochSeconds(when->local) - *when->offset_s;
      for (const auto& zone : grid->zones) {
        if (names.count(zone)) continue;
        if (auto rules = ZoneRules::Load(zone); rules.ok() && rules->OffsetAtUtc(utc) == *offset)
          names.insert(zone);
      }
    }
    return std::unique_ptr<ClueLikelihood>(new ZoneLikelihood(*grid, names, eps));
  }
  return MakeError("no likelihood for a " + k + " clue with this geometry");
}

}  // namespace gv
