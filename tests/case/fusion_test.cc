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

LatLon East(const LatLon& p, double m) {
  return {p.lat_deg, p.lon_deg + m / (111'195.0 * std::cos(p.lat_deg * M_PI / 180))};
}

TEST(Fusion, CredibleRegionsAreTheSmallestAreasHoldingTheMass) {
  const Clue near = Point("near", kKkPark, 2000);  // a 2 km disk with a 500 m soft edge
  auto r = FuseClues({&near}, kSoutheastAsia);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->regions.size(), 2u);
  EXPECT_EQ(r->regions[0].level, 0.5);
  EXPECT_EQ(r->regions[1].level, 0.9);
  EXPECT_DOUBLE_EQ(r->regions[1].area_km2, r->area_90_km2);
  for (const auto& region : r->regions) {
    ASSERT_FALSE(region.polygons.empty());
    EXPECT_TRUE(InCredibleRegion(region, kKkPark)) << region.level;
    EXPECT_FALSE(InCredibleRegion(region, East(kKkPark, 4000))) << region.level;
  }
  // The disk holds 95 % of the mass, spread evenly: the 50 % region is a part of it, the
  // 90 % region nearly all of it; outside the disk and its edge, nothing.
  EXPECT_TRUE(InCredibleRegion(r->regions[1], East(kKkPark, 1500)));
  EXPECT_LT(r->regions[0].area_km2, 0.7 * r->regions[1].area_km2);
  // The outline is the cells' union: its area (planar, in the local metres) is the cells'.
  double outline_km2 = 0;
  const double kx = 111.195 * std::cos(kKkPark.lat_deg * M_PI / 180), ky = 111.195;
  for (const auto& polygon : r->regions[1].polygons)
    for (std::size_t k = 0; k < polygon.size(); ++k) {
      double twice = 0;
      const auto& ring = polygon[k];
      for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
        twice += ring[j].lon_deg * kx * ring[i].lat_deg * ky -
                 ring[i].lon_deg * kx * ring[j].lat_deg * ky;
      outline_km2 += (k == 0 ? 1 : -1) * std::abs(twice) / 2;
    }
  EXPECT_NEAR(outline_km2, r->regions[1].area_km2, 0.02 * r->regions[1].area_km2);
}

TEST(Fusion, PosteriorRasterHoldsTheMassOfThe90Region) {
  const Clue near = Point("near", kKkPark, 2000);
  auto r = FuseClues({&near}, kSoutheastAsia);
  ASSERT_TRUE(r.ok());
  const PosteriorRaster raster = RenderPosterior(*r);
  ASSERT_GT(raster.grid.width, 10);
  ASSERT_LE(raster.grid.width, 4000);
  ASSERT_LE(raster.grid.height, 4000);
  double mass = 0;
  for (int row = 0; row < raster.grid.height; ++row) {
    const double lat = raster.grid.max_lat - (row + 0.5) * raster.grid.resolution_deg;
    const double pixel_km2 =
        std::pow(raster.grid.resolution_deg * 111.195, 2) * std::cos(lat * M_PI / 180);
    for (int col = 0; col < raster.grid.width; ++col)
      mass += raster.values[static_cast<std::size_t>(row) * raster.grid.width + col] * pixel_km2;
  }
  EXPECT_GT(mass, 0.88);  // the 90 % region and its box
  EXPECT_LT(mass, 1.01);
  // A smaller max side makes coarser pixels over the same box.
  const PosteriorRaster small = RenderPosterior(*r, 50);
  EXPECT_LE(small.grid.width, 50);
  EXPECT_GT(small.grid.resolution_deg, raster.grid.resolution_deg);
  // Without a location clue there is nothing to render.
  auto none = FuseClues({}, kSoutheastAsia);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(RenderPosterior(*none).values.empty());
  EXPECT_TRUE(none->regions.empty());
}

TEST(Fusion, AFlatFootprintIsOneHypothesisAtItsMiddle) {
  Clue footprint;
  footprint.kind = "footprint";
  footprint.photo = "drone.jpg";
  footprint.uncertainty_m = 10;
  const LatLon sw = kKkPark, ne{kKkPark.lat_deg + 200 / 111'195.0, East(kKkPark, 300).lon_deg};
  footprint.polygons = {{sw, {sw.lat_deg, ne.lon_deg}, ne, {ne.lat_deg, sw.lon_deg}, sw}};
  auto r = FuseClues({&footprint}, kSoutheastAsia);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->hypotheses.empty());
  // Every cell inside ties: they are one plateau, not ten crumbs around an arbitrary corner.
  int substantial = 0;
  for (const auto& h : r->hypotheses) substantial += h.probability > 0.01;
  EXPECT_EQ(substantial, 1);
  const LatLon middle{(sw.lat_deg + ne.lat_deg) / 2, (sw.lon_deg + ne.lon_deg) / 2};
  EXPECT_LT(DistanceM(r->hypotheses.front().at, middle), 20);
  EXPECT_GT(r->hypotheses.front().radius_m, 120);  // the footprint's half-diagonal is 180 m
  EXPECT_LT(r->hypotheses.front().radius_m, 260);
}

TEST(Fusion, TwoTagsAFewMetresApartAreOnePlace) {
  const Clue a = Point("gps", kKkPark, 30, "a.jpg");
  const Clue b = Point("gps", East(kKkPark, 8), 30, "b.jpg");
  auto r = FuseClues({&a, &b}, kSoutheastAsia);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->hypotheses.empty());
  EXPECT_GT(r->hypotheses.front().probability, 0.9);
  EXPECT_LT(DistanceM(r->hypotheses.front().at, East(kKkPark, 4)), 10);
  EXPECT_TRUE(r->conflicts.empty());
}

TEST(Fusion, AClueOutsideTheSearchRegionIsLeftOutAndNamed) {
  const Clue gps = Point("gps", {48.85, 2.35}, 30, "paris.jpg");  // the region is SE Asia
  auto r = FuseClues({&gps}, kSoutheastAsia);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->hypotheses.empty());
  EXPECT_TRUE(r->clues_used.empty());
  EXPECT_EQ(r->outside_region, std::vector<std::string>{"gps (paris.jpg)"});
}

Clue KnownSitesPrior() {
  Clue prior;
  prior.kind = "known_site";
  prior.photo = "known sites";
  prior.params["sites"] = {{{"lat", kKkPark.lat_deg}, {"lon", kKkPark.lon_deg}, {"radius_m", 1000}},
                           {{"lat", 10.6333}, {"lon", 103.5}, {"radius_m", 10000}}};
  return prior;
}

TEST(Fusion, KnownSitesArePriorsNotClues) {
  // Alone, the prior proposes nothing: a photo with no location clue gets no place.
  const Clue prior = KnownSitesPrior();
  auto alone = FuseClues({&prior}, kSoutheastAsia);
  ASSERT_TRUE(alone.ok());
  EXPECT_TRUE(alone->hypotheses.empty());
  // With a broad clue over one of the sites, the site stands out as a hypothesis of its own.
  const Clue near = Point("near", East(kKkPark, 10'000), 30'000);
  auto with = FuseClues({&near, &prior}, kSoutheastAsia);
  ASSERT_TRUE(with.ok());
  const Hypothesis* site = nullptr;
  for (const auto& h : with->hypotheses)
    if (DistanceM(h.at, kKkPark) < 1500) site = &h;
  ASSERT_NE(site, nullptr);
  EXPECT_GT(site->clues.at(1).log_likelihood_gain, 1);  // the prior favours it
  EXPECT_LT(site->probability, 0.5);                    // but weakly
  // It never outweighs a GPS tag elsewhere in the disk.
  const Clue gps = Point("gps", East(kKkPark, 20'000), 30);
  auto tagged = FuseClues({&near, &gps, &prior}, kSoutheastAsia);
  ASSERT_TRUE(tagged.ok());
  ASSERT_FALSE(tagged->hypotheses.empty());
  EXPECT_LT(DistanceM(tagged->hypotheses.front().at, East(kKkPark, 20'000)), 30);
}

}  // namespace
}  // namespace gv
