#include "geo/geodesy.h"

#include <geodesic.h>

#include <algorithm>
#include <cmath>

namespace gv {
namespace {
constexpr double kDeg = M_PI / 180.0;
}  // namespace

double DistanceM(const LatLon& a, const LatLon& b) {
  const double p1 = a.lat_deg * kDeg, p2 = b.lat_deg * kDeg;
  const double dp = p2 - p1, dl = (b.lon_deg - a.lon_deg) * kDeg;
  const double h = std::sin(dp / 2) * std::sin(dp / 2) +
                   std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

double GeodesicDistanceM(const LatLon& a, const LatLon& b) {
  static const geod_geodesic wgs84 = [] {
    geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257223563);
    return g;
  }();
  double s12 = 0;
  geod_inverse(&wgs84, a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg, &s12, nullptr, nullptr);
  return s12;
}

double BearingDeg(const LatLon& a, const LatLon& b) {
  const double p1 = a.lat_deg * kDeg, p2 = b.lat_deg * kDeg, dl = (b.lon_deg - a.lon_deg) * kDeg;
  const double y = std::sin(dl) * std::cos(p2);
  const double x = std::cos(p1) * std::sin(p2) - std::sin(p1) * std::cos(p2) * std::cos(dl);
  const double deg = std::atan2(y, x) / kDeg;
  return deg < 0 ? deg + 360 : deg;
}

const char* CompassPoint(double bearing_deg) {
  static constexpr const char* kPoints[] = {"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
                                            "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"};
  const double b = std::fmod(std::fmod(bearing_deg, 360.0) + 360.0, 360.0);
  return kPoints[static_cast<int>(std::floor(b / 22.5 + 0.5)) % 16];
}

}  // namespace gv
