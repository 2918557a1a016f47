#include "geo/crs.h"

#include <gtest/gtest.h>

#include <cmath>

namespace gv {
namespace {

constexpr double kPi = 3.14159265358979323846;

TEST(Crs, UtmZone18NCornerOfTheLandsatScene) {
  // RGB.byte.tif's upper-left corner; gdalinfo prints 78d57'31.14"W, 25d30'21.91"N.
  auto t = CrsTransform::ToWgs84("EPSG:32618");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_FALSE((*t)->geographic());
  auto p = (*t)->ToLatLon({101985.0, 2826915.0});
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->lon_deg, -(78 + 57 / 60.0 + 31.14 / 3600), 1e-5);
  EXPECT_NEAR(p->lat_deg, 25 + 30 / 60.0 + 21.91 / 3600, 1e-5);
  auto back = (*t)->FromLatLon(*p);
  ASSERT_TRUE(back.ok());
  EXPECT_NEAR(back->x, 101985.0, 1e-3);
  EXPECT_NEAR(back->y, 2826915.0, 1e-3);
}

TEST(Crs, WebMercatorMatchesTheSphericalFormula) {
  auto t = CrsTransform::ToWgs84("EPSG:3857");
  ASSERT_TRUE(t.ok()) << t.error().message;
  const double r = 6378137.0, x = 10964170.0, y = 1886000.0;  // near Mae Sot / Myawaddy
  auto p = (*t)->ToLatLon({x, y});
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->lon_deg, x / r * 180 / kPi, 1e-9);
  EXPECT_NEAR(p->lat_deg, std::atan(std::sinh(y / r)) * 180 / kPi, 1e-9);
}

TEST(Crs, GeographicAxisOrderIsLongitudeFirst) {
  // EPSG:4326 is defined latitude first; the transform normalises to x = longitude.
  auto t = CrsTransform::ToWgs84("EPSG:4326");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE((*t)->geographic());
  auto p = (*t)->ToLatLon({98.5309, 16.8205});
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->lat_deg, 16.8205);
  EXPECT_DOUBLE_EQ(p->lon_deg, 98.5309);
  auto per_unit = (*t)->MetresPerUnit({98.5309, 16.8205});
  ASSERT_TRUE(per_unit.ok());
  EXPECT_NEAR(per_unit->y, 110700, 300);                                  // a degree of latitude
  EXPECT_NEAR(per_unit->x, 111320 * std::cos(16.8205 * kPi / 180), 300);  // of longitude
}

TEST(Crs, UnknownCrsIsAnError) {
  auto t = CrsTransform::ToWgs84("EPSG:999999");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("unknown CRS"), std::string::npos);
}

TEST(Crs, GeodesicDistanceOfOneDegreeOfLatitude) {
  EXPECT_NEAR(GeodesicDistanceM({0, 0}, {1, 0}), 110574.4, 1.0);
}

}  // namespace
}  // namespace gv
