// Coordinate transforms between a raster's CRS and WGS84 longitude/latitude, through PROJ.
// Axis order is normalised for GIS use: (x = easting or longitude, y = northing or
// latitude) on both sides, whatever the CRS definition says.
#pragma once

#include <memory>
#include <string>

#include "geo/latlon.h"
#include "util/result.h"

namespace gv {

struct MapPoint {
  double x = 0, y = 0;  // in the CRS's units (metres for UTM/Web Mercator, degrees if geographic)
};

// Not thread-safe: one object per thread (each owns its PROJ context).
class CrsTransform {
 public:
  // `crs`: WKT, "EPSG:n" or a PROJ string. Error names the CRS when PROJ cannot use it.
  static Result<std::unique_ptr<CrsTransform>> ToWgs84(const std::string& crs);
  ~CrsTransform();
  CrsTransform(const CrsTransform&) = delete;
  CrsTransform& operator=(const CrsTransform&) = delete;

  Result<LatLon> ToLatLon(MapPoint p) const;
  Result<MapPoint> FromLatLon(LatLon p) const;
  bool geographic() const { return geographic_; }
  const std::string& name() const { return name_; }
  // Metres per CRS unit near `at` along x and y (1 for projected CRSs in metres; for
  // geographic CRSs, metres per degree of longitude and latitude at that latitude).
  Result<MapPoint> MetresPerUnit(MapPoint at) const;

 private:
  CrsTransform() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool geographic_ = false;
  std::string name_;
};

// Geodesic distance in metres between two WGS84 positions (PROJ's geodesic on the WGS84
// ellipsoid).
double GeodesicDistanceM(LatLon a, LatLon b);

}  // namespace gv
