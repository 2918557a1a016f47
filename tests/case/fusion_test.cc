// Fusion of clues into hypotheses: sharp clues land within metres, credible areas follow the
// clues, a forged GPS tag is a conflict and the truth survives, nothing without a clue.
#include "case/fusion/fusion.h"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/gazetteer.h"

namespace gv {
namespace {

constexpr LatLon kKkPark{16.6476, 98.5207};
const RegionBox kSoutheastAsia{92.0, 5.0, 127.0, 30.0};

Clue Point(const char* kind, LatLon at, double radius_m, const char* photo = "a.jpg") {
  Clue c;
  c.kind = kind;
  c.photo = photo;
  c.point = at;
  c.uncertainty_m = radius_m;
  c.excludes = std::string(kind) == "not_near";
  return c;
}

TEST(Fusion, NoLocationClueNoHypothesis) {
  auto r = FuseClues({}, kSoutheastAsia);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->hypotheses.empty());
  EXPECT_TRUE(r->clues_used.empty());
  Clue unknown;
  unknown.kind = "rumour";
  auto r2 = FuseClues({&unknown}, kSoutheastAsia);
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->hypotheses.empty());
}

TEST(Fusion, AGpsClueLandsWithinMetres) {
  const Clue gps = Point("gps", kKkPark, 30);
  auto r = FuseClues({&gps}, kSoutheastAsia);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->hypotheses.empty());
  const Hypothesis& h = r->hypotheses.front();
  EXPECT_LT(DistanceM(h.at, kKkPark), 10);
  // The floor holds eps = 5 % of the mass elsewhere; the rest is the GPS basin.
  EXPECT_GT(h.probability, 0.85);
  EXPECT_LT(h.probability, 0.97);
  EXPECT_GT(h.radius_m, 15);
  EXPECT_LT(h.radius_m, 80);
  EXPECT_GT(h.clues.at(0).log_likelihood_gain, 10);
  EXPECT_TRUE(r->conflicts.empty());
  EXPECT_EQ(r->clues_used, std::vector<std::string>{"gps"});
  // A million cells of the region were never needed.
  EXPECT_LT(r->cells_evaluated, 2'000'000);
}

TEST(Fusion, CredibleAreaOfADiskAndItsIntersection) {
  const Clue near = Point("near", kKkPark, 2000);
  auto alone = FuseClues({&near}, kSoutheastAsia);
  ASSERT_TRUE(alone.ok());
  const double disk_km2 = M_PI * 4;  // pi (2 km)^2
  EXPECT_GT(alone->area_90_km2, 0.5 * disk_km2);
  EXPECT_LT(alone->area_90_km2, 2.5 * disk_km2);
  EXPECT_LT(alone->area_50_km2, alone->area_90_km2);
  // With a reference match 1 km east inside the disk, the place is the match.
  const LatLon east{kKkPark.lat_deg, kKkPark.lon_deg + 0.0094};
  const Clue match = Point("reference_match", east, 150);
  auto both = FuseClues({&near, &match}, kSoutheastAsia);
  ASSERT_TRUE(both.ok());
  ASSERT_FALSE(both->hypotheses.empty());
  EXPECT_LT(DistanceM(both->hypotheses.front().at, east), 100);
  EXPECT_LT(both->area_90_km2, alone->area_90_km2 / 5);
  EXPECT_TRUE(both->conflicts.empty());
}

TEST(Fusion, ForgedGpsIsAConflictAndTheTruthSurvives) {
  const LatLon forged{21.03, 105.85};  // ~1,000 km away
  const Clue gps = Point("gps", forged, 20, "sent.jpg");
  const Clue near = Point("near", kKkPark, 2000, "sent.jpg");
  const Clue match = Point("reference_match", kKkPark, 150, "sent.jpg");
  auto r = FuseClues({&gps, &near, &match}, kSoutheastAsia);
  ASSERT_TRUE(r.ok());
  ASSERT_GE(r->hypotheses.size(), 2u);
  EXPECT_LT(DistanceM(r->hypotheses.front().at, kKkPark), 200);
  bool forged_kept = false;
  for (const auto& h : r->hypotheses) forged_kept = forged_kept || DistanceM(h.at, forged) < 100;
  EXPECT_TRUE(forged_kept);  // the other side keeps its hypothesis
  ASSERT_EQ(r->conflicts.size(), 1u);
  EXPECT_EQ(r->conflicts[0].clues.front(), "gps (sent.jpg)");
  EXPECT_NE(r->conflicts[0].message.find("km from the place"), std::string::npos)
      << r->conflicts[0].message;
}

TEST(Fusion, NotNearRemovesItsDisk) {
  const Clue near = Point("near", kKkPark, 3000);
  const LatLon inside{kKkPark.lat_deg, kKkPark.lon_deg + 0.01};
  const Clue not_near = Point("not_near", inside, 1500);
  auto r = FuseClues({&near, &not_near}, kSoutheastAsia);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->hypotheses.empty());
  for (const auto& h : r->hypotheses) {
    if (h.probability > 0.05) {
      EXPECT_GT(DistanceM(h.at, inside), 1200) << h.rank;
    }
  }
}

}  // namespace
}  // namespace gv
