#include "geo/gazetteer.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace gv {
namespace {

TEST(Gazetteer, NearestPlaceWithDistanceAndBearing) {
  test::TempDir dir;
  test::WriteText(dir / "places.tsv",
                  "# name\tlat\tlon\tcountry\tadmin1\n"
                  "Myawaddy\t16.68911\t98.50893\tMM\tKayin\n"
                  "Mae Sot\t16.71667\t98.56667\tTH\tTak\n"
                  "broken line\n"
                  "Nowhere\t95\t10\tXX\t\n"
                  "Suva\t-18.14161\t178.44149\tFJ\tCentral\n");
  auto g = Gazetteer::Load(dir / "places.tsv");
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->size(), 3u);
  EXPECT_EQ(g->skipped(), 2u);
  // KK Park lies 4.8 km south-south-east of Myawaddy.
  const auto kk = g->Nearest({16.6476, 98.5207});
  ASSERT_TRUE(kk);
  EXPECT_EQ(kk->place.name, "Myawaddy");
  EXPECT_NEAR(kk->distance_m, 4780, 30);
  EXPECT_NEAR(kk->bearing_deg, 164, 2);
  EXPECT_EQ(kk->Describe(), "4.8 km SSE of Myawaddy, Kayin, MM");
  EXPECT_EQ(g->Nearest({16.7170, 98.5668})->Describe(), "at Mae Sot, Tak, TH");
  EXPECT_FALSE(g->Nearest({0, 0}));  // nothing within 50 km
  // Across the antimeridian.
  const auto fiji = g->Nearest({-18.2, -179.95}, 200'000);
  ASSERT_TRUE(fiji);
  EXPECT_EQ(fiji->place.name, "Suva");
}

TEST(Gazetteer, CompassPointsAndDistances) {
  EXPECT_STREQ(CompassPoint(0), "N");
  EXPECT_STREQ(CompassPoint(11.2), "N");
  EXPECT_STREQ(CompassPoint(11.3), "NNE");
  EXPECT_STREQ(CompassPoint(225), "SW");
  EXPECT_STREQ(CompassPoint(359), "N");
  EXPECT_NEAR(DistanceM({0, 0}, {0, 1}), 111195, 1);
  EXPECT_NEAR(BearingDeg({0, 0}, {0, 1}), 90, 1e-9);
  EXPECT_NEAR(BearingDeg({0, 0}, {-1, 0}), 180, 1e-9);
}

// The installed gazetteer (scripts/test runs scripts/fetch-data, which builds it).
TEST(Gazetteer, InstalledGeoNamesPlaces) {
  auto g = Gazetteer::Default();
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_GT((*g)->size(), 100'000u);
  const auto kk = (*g)->Nearest({16.6476, 98.5207});
  ASSERT_TRUE(kk);
  EXPECT_EQ(kk->place.name, "Myawaddy");
  EXPECT_EQ(kk->place.country, "MM");
  EXPECT_FALSE(kk->place.admin1.empty());
}

}  // namespace
}  // namespace gv
