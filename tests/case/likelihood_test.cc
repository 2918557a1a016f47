// Each clue kind's likelihood, the outlier floor, and that one wrong clue cannot erase the
// truth when clues are combined.
#include "case/fusion/likelihood.h"

#include <gtest/gtest.h>

#include <cmath>

#include "case/steps/steps.h"
#include "geo/countries.h"
#include "geo/gazetteer.h"

namespace gv {
namespace {

constexpr LatLon kKkPark{16.6476, 98.5207};

// A point `d_m` metres east of `p`.
LatLon East(LatLon p, double d_m) {
  return {p.lat_deg, p.lon_deg + d_m / (111'195.0 * std::cos(p.lat_deg * M_PI / 180))};
}

Clue PointClue(const char* kind, LatLon at, double radius_m) {
  Clue c;
  c.kind = kind;
  c.point = at;
  c.uncertainty_m = radius_m;
  return c;
}

TEST(Likelihood, GpsIsAGaussianOfHalfItsRadius) {
  auto l = MakeLikelihood(PointClue("gps", kKkPark, 30));
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_NEAR((*l)->At(kKkPark), 1.0, 1e-12);
  EXPECT_NEAR((*l)->At(East(kKkPark, 15)), std::exp(-0.5), 1e-3);  // one sigma
  EXPECT_NEAR((*l)->At(East(kKkPark, 30)), std::exp(-2.0), 1e-3);  // the radius: two sigma
  EXPECT_LT((*l)->At(East(kKkPark, 300)), 1e-40);
  EXPECT_NEAR((*l)->epsilon(), 0.05, 1e-12);
}

TEST(Likelihood, NearAndNotNearAreDisksWithSoftEdges) {
  auto near = MakeLikelihood(PointClue("near", kKkPark, 2000));
  Clue excl = PointClue("not_near", kKkPark, 2000);
  excl.excludes = true;
  auto not_near = MakeLikelihood(excl);
  ASSERT_TRUE(near.ok() && not_near.ok());
  EXPECT_DOUBLE_EQ((*near)->At(East(kKkPark, 1900)), 1.0);
  EXPECT_NEAR((*near)->At(East(kKkPark, 2500)), std::exp(-0.5), 1e-3);  // edge sigma r/4
  EXPECT_DOUBLE_EQ((*not_near)->At(East(kKkPark, 1900)), 0.0);
  EXPECT_NEAR((*not_near)->At(East(kKkPark, 6000)), 1.0, 1e-9);
}

TEST(Likelihood, PolygonsAreOneInsideAndFadeWithDistance) {
  Clue c;
  c.kind = "footprint";
  c.uncertainty_m = 50;  // registration RMSE
  const LatLon sw{16.64, 98.51}, ne{16.65, 98.53};
  c.polygons = {{sw, {sw.lat_deg, ne.lon_deg}, ne, {ne.lat_deg, sw.lon_deg}, sw}};
  auto l = MakeLikelihood(c);
  ASSERT_TRUE(l.ok());
  EXPECT_DOUBLE_EQ((*l)->At({16.645, 98.52}), 1.0);
  EXPECT_NEAR((*l)->At(East({16.645, 98.53}, 50)), std::exp(-0.5), 1e-2);  // one RMSE outside
  bool inside = true;
  EXPECT_NEAR(DistanceToPolygonsM(c.polygons, {16.66, 98.52}, &inside), 0.01 * 111'195, 5);
  EXPECT_FALSE(inside);
}

TEST(Likelihood, CountryIsBlurredByItsBorderUncertainty) {
  // Natural Earth's 1:50m outline puts KK Park in Thailand; with the 5 km blur the
  // investigator's "MM" still leaves it likely.
  const auto mm = CountryByAlpha2("MM");
  ASSERT_TRUE(mm);
  auto outline = CountryOutline(*mm);
  ASSERT_TRUE(outline.ok()) << outline.error().message;
  Clue c;
  c.kind = "country";
  c.uncertainty_m = 5000;
  c.polygons = *outline;
  auto l = MakeLikelihood(c);
  ASSERT_TRUE(l.ok());
  EXPECT_GT((*l)->At(kKkPark), 0.5);
  EXPECT_DOUBLE_EQ((*l)->At({16.8409, 96.1735}), 1.0);  // Yangon
  EXPECT_LT((*l)->At({13.75, 100.5}), 1e-6);            // Bangkok
}

TEST(Likelihood, ShadowGridAndTimeZones) {
  Clue shadow;
  shadow.kind = "shadow";
  shadow.likelihood = LikelihoodGrid{98.0, 17.0, 0.5, 2, 2, {0.2f, 0.9f, 0.0f, 0.4f}};
  auto s = MakeLikelihood(shadow);
  ASSERT_TRUE(s.ok());
  EXPECT_FLOAT_EQ(static_cast<float>((*s)->At({16.9, 98.6})), 0.9f);
  EXPECT_FLOAT_EQ(static_cast<float>((*s)->At({16.2, 98.9})), 0.4f);
  EXPECT_EQ((*s)->At({10, 10}), 0.0);
  Clue zone;
  zone.kind = "time_zone";
  zone.params = {{"zones", {"Asia/Yangon"}}};
  auto z = MakeLikelihood(zone);  // the zone boundaries rasterised at 0.05 deg
  ASSERT_TRUE(z.ok());
  EXPECT_EQ((*z)->At({16.8409, 96.1735}), 1.0);  // Yangon
  EXPECT_EQ((*z)->At({16.7170, 98.5668}), 0.0);  // Mae Sot: Asia/Bangkok
  EXPECT_NEAR((*z)->epsilon(), 0.2, 1e-12);
}

TEST(Likelihood, TimeZonesFoldedIntoOthersStillCount) {
  // zone1970.tab folds Asia/Kuala_Lumpur into Asia/Singapore and Asia/Phnom_Penh into
  // Asia/Bangkok; the boundaries keep their own names. A clock at +08:00 (+07:00) must still
  // allow Kuala Lumpur (Phnom Penh).
  const std::int64_t when = 1735689600;  // 2025-01-01T00:00:00Z
  auto plus8 = MakeTimeZoneClue(8 * 3600, "OffsetTimeOriginal", when);
  ASSERT_TRUE(plus8.ok()) << plus8.error().message;
  auto l8 = MakeLikelihood(*plus8);
  ASSERT_TRUE(l8.ok());
  EXPECT_EQ((*l8)->At({3.139, 101.687}), 1.0);   // Kuala Lumpur
  EXPECT_EQ((*l8)->At({1.352, 103.820}), 1.0);   // Singapore
  EXPECT_EQ((*l8)->At({13.756, 100.502}), 0.0);  // Bangkok: +07:00
  auto plus7 = MakeTimeZoneClue(7 * 3600, "OffsetTimeOriginal", when);
  ASSERT_TRUE(plus7.ok());
  auto l7 = MakeLikelihood(*plus7);
  ASSERT_TRUE(l7.ok());
  EXPECT_EQ((*l7)->At({11.556, 104.928}), 1.0);  // Phnom Penh
  EXPECT_EQ((*l7)->At({3.139, 101.687}), 0.0);
}

TEST(Likelihood, OutlierFloorKeepsTheTruthAliveAgainstOneWrongClue) {
  EXPECT_DOUBLE_EQ(LogWithOutlierFloor(0.0, 0.05), std::log(0.05));
  EXPECT_DOUBLE_EQ(LogWithOutlierFloor(1.0, 0.05), 0.0);
  // A trusted-less clue has a higher epsilon.
  Clue edited = PointClue("gps", kKkPark, 30);
  edited.confidence = 0.5;
  EXPECT_NEAR(ClueEpsilon(edited), 1 - 0.95 * 0.5, 1e-12);
  // A forged GPS tag 1,000 km away against two clues at the true place: the truth wins, and
  // the place the forged tag names does not get a product of zero.
  const LatLon forged{25.0, 105.0};
  std::vector<Clue> clues = {PointClue("gps", forged, 30), PointClue("near", kKkPark, 2000),
                             PointClue("reference_match", kKkPark, 150)};
  const auto score = [&](const LatLon& p) {
    double sum = 0;
    for (const auto& c : clues) {
      auto l = MakeLikelihood(c);
      sum += LogWithOutlierFloor((*l)->At(p), (*l)->epsilon());
    }
    return sum;
  };
  EXPECT_GT(score(kKkPark), score(forged));
  EXPECT_TRUE(std::isfinite(score(kKkPark)));
  EXPECT_TRUE(std::isfinite(score(forged)));
}

TEST(Likelihood, KindsWithoutGeometryAreRefused) {
  Clue c;
  c.kind = "gps";  // no point
  EXPECT_FALSE(MakeLikelihood(c).ok());
  c.kind = "unknown";
  c.point = kKkPark;
  EXPECT_FALSE(MakeLikelihood(c).ok());
}

}  // namespace
}  // namespace gv
