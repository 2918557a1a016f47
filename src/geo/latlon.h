// Geographic position in WGS84 (EPSG:4326), signed decimal degrees.
#pragma once

#include <cmath>

namespace gv {

struct LatLon {
  double lat_deg = 0.0;  // -90..90, north positive
  double lon_deg = 0.0;  // -180..180, east positive
  bool InRange() const {
    return std::isfinite(lat_deg) && std::isfinite(lon_deg) && lat_deg >= -90.0 &&
           lat_deg <= 90.0 && lon_deg >= -180.0 && lon_deg <= 180.0;
  }
};

}  // namespace gv
