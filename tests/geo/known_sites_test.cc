// The known-sites layer: the shipped GeoPackage matches its reviewed GeoJSON source, every
// row carries its source, and a site is found near a place within its reach.
#include "geo/known_sites.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "geo/geodesy.h"
#include "util/data_dir.h"

namespace gv {
namespace {

TEST(KnownSites, TheShippedLayerMatchesItsSourceAndCitesEveryRow) {
  auto gpkg = LoadKnownSites(DefaultKnownSitesPath());
  ASSERT_TRUE(gpkg.ok()) << gpkg.error().message;
  auto geojson = LoadKnownSites(DataDir() / "known-sites.geojson");
  ASSERT_TRUE(geojson.ok()) << geojson.error().message;
  ASSERT_EQ(gpkg->size(), geojson->size()) << "run scripts/make-known-sites";
  for (std::size_t i = 0; i < gpkg->size(); ++i) {
    const auto &a = (*gpkg)[i], &b = (*geojson)[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_NEAR(a.at.lat_deg, b.at.lat_deg, 1e-9) << a.name;
    EXPECT_NEAR(a.at.lon_deg, b.at.lon_deg, 1e-9) << a.name;
    EXPECT_EQ(a.radius_m, b.radius_m) << a.name;
    EXPECT_FALSE(a.source.empty()) << a.name;
    EXPECT_EQ(a.source_url.rfind("https://", 0), 0u) << a.name;
    EXPECT_FALSE(a.caveat.empty()) << a.name;
  }
  const auto& kk = gpkg->front();
  EXPECT_EQ(kk.name, "KK Park, Myawaddy");
  EXPECT_EQ(kk.radius_m, 1000);
  const auto near = NearestKnownSite(*gpkg, {16.65, 98.525}, 0);
  ASSERT_TRUE(near);
  EXPECT_EQ(near->site->name, kk.name);
  EXPECT_LT(near->distance_m, 1000);
  EXPECT_FALSE(NearestKnownSite(*gpkg, {48.85, 2.35}, 10'000));  // Paris
}

TEST(KnownSites, APolygonSiteReachesItsCorners) {
  const auto dir = std::filesystem::temp_directory_path() / "gv_known_sites_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "sites.geojson";
  std::ofstream(path) << R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "compound"},
     "geometry": {"type": "Polygon", "coordinates":
       [[[98.50, 16.64], [98.52, 16.64], [98.52, 16.66], [98.50, 16.66], [98.50, 16.64]]]}},
    {"type": "Feature", "properties": {"name": ""},
     "geometry": {"type": "Point", "coordinates": [100, 10]}}]})";
  auto sites = LoadKnownSites(path);
  ASSERT_TRUE(sites.ok()) << sites.error().message;
  ASSERT_EQ(sites->size(), 1u);  // the nameless one is skipped
  EXPECT_NEAR((*sites)[0].at.lat_deg, 16.65, 1e-6);
  EXPECT_NEAR((*sites)[0].at.lon_deg, 98.51, 1e-6);
  EXPECT_NEAR((*sites)[0].radius_m, DistanceM({16.65, 98.51}, {16.66, 98.52}), 1);
  EXPECT_FALSE(LoadKnownSites(dir / "missing.gpkg").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gv
