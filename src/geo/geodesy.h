// Distances and bearings on a spherical Earth (R = 6,371,008.8 m, the IUGG mean radius):
// good to 0.5 % against the ellipsoid, which is enough for clue radii and place names; and the
// geodesic on the WGS84 ellipsoid where metres are scored (exercise grading).
#pragma once

#include "geo/latlon.h"

namespace gv {

inline constexpr double kEarthRadiusM = 6371008.8;

// Great-circle distance (m) and initial bearing (deg, clockwise from true north) from `from`
// to `to`.
double DistanceM(const LatLon& from, const LatLon& to);
double BearingDeg(const LatLon& from, const LatLon& to);
// Geodesic distance (m) on the WGS84 ellipsoid (Karney's algorithm, through PROJ's
// geod_inverse): accurate to nanometres, antipodal points included.
double GeodesicDistanceM(const LatLon& from, const LatLon& to);
// 16-point compass name of a bearing: "N", "NNE", ..., "NNW".
const char* CompassPoint(double bearing_deg);

}  // namespace gv
