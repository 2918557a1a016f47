#include "sun/shadow.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "sun/shadow_input.h"
#include "sun/sun_summary.h"
#include "support/sun_fixtures.h"
#include "util/time.h"

namespace gv {
namespace {

const SpaTerms& Terms() { return test::SpaTables(); }

struct Place {
  double lat, lon, utc;
};

// Horizons fixture rows with the sun more than 5 degrees up.
std::vector<Place> HorizonsPlaces() {
  std::vector<Place> places;
  for (const auto& row : test::HorizonsRows()) {
    if (row.altitude_deg > 5.0) places.push_back({row.lat_deg, row.lon_deg, row.utc_seconds});
  }
  return places;
}

// The sun at `place` (the pressure and temperature the grid assumes).
SpaResult SunAt(const Place& p) {
  SpaInput in;
  in.utc_seconds = p.utc;
  in.lat_deg = p.lat;
  in.lon_deg = p.lon;
  in.pressure_mbar = 1010;
  in.temperature_c = 10;
  return ComputeSpa(Terms(), in);
}

// Observation made at `place`: the true shadow ratio (and direction) there.
ShadowObservation TrueObservation(const Place& p, bool with_azimuth) {
  const SpaResult r = SunAt(p);
  auto obs = ShadowObservation::FromRatio(*ShadowRatio(r.e), 0.05);
  EXPECT_TRUE(obs.ok());
  obs->utc_seconds = p.utc;
  obs->time_tolerance_s = 0;
  if (with_azimuth) obs->shadow_azimuth_deg = std::fmod(r.azimuth + 180.0, 360.0);
  return *obs;
}

GridSpec Around(const Place& p, double half) {
  GridSpec g;
  g.resolution_deg = 0.05;
  g.min_lon = std::max(-180.0, std::floor(p.lon) - half);
  g.max_lon = std::min(180.0, std::floor(p.lon) + half);
  g.min_lat = std::max(-90.0, std::floor(p.lat) - half);
  g.max_lat = std::min(90.0, std::floor(p.lat) + half);
  return g;
}

// Likelihood of the cell that contains `p`.
float CellAt(const SpaTerms& terms, const std::vector<ShadowObservation>& obs, const GridSpec& g,
             const Place& p, ShadowRegionStats* stats = nullptr) {
  const int row = static_cast<int>((g.max_lat - p.lat) / g.resolution_deg);
  const int col = static_cast<int>((p.lon - g.min_lon) / g.resolution_deg);
  float value = -1;
  auto result = EvaluateShadowGrid(terms, obs, g, 2, [&](const GridBlock& b) {
    if (row >= b.row0 && row < b.row0 + b.rows)
      value = b.likelihood[static_cast<std::size_t>(row - b.row0) * b.width + col];
    return OkStatus();
  });
  EXPECT_TRUE(result.ok());
  if (stats && result.ok()) *stats = *result;
  return value;
}

TEST(ShadowLocus, RegionFromTheTrueShadowRatioContainsTheTruePlace) {
  const auto places = HorizonsPlaces();
  ASSERT_GT(places.size(), 80u);
  for (const auto& p : places) {
    EXPECT_GT(CellAt(Terms(), {TrueObservation(p, false)}, Around(p, 3), p), 0.0f)
        << p.lat << "," << p.lon;
  }
}

TEST(ShadowLocus, WithAzimuthTheRegionIsASmallPatchNotABand) {
  const auto places = HorizonsPlaces();
  for (std::size_t i = 0; i < places.size(); i += 7) {
    const Place& p = places[i];
    ShadowRegionStats band{}, patch{};
    GridSpec world;
    world.resolution_deg = 0.25;
    EXPECT_GT(CellAt(Terms(), {TrueObservation(p, true)}, world, p, &patch), 0.0f)
        << p.lat << "," << p.lon;
    CellAt(Terms(), {TrueObservation(p, false)}, world, p, &band);
    EXPECT_LT(patch.area_km2, band.area_km2 / 4) << p.lat << "," << p.lon;
    // Near a pole the almucantar can meet the same shadow direction twice, so the region may
    // have two pieces; it is still a small fraction of the band.
    EXPECT_LT(patch.area_km2, 3.0e6) << p.lat << "," << p.lon;
  }
}

TEST(ShadowLocus, TwoObservationsLeaveOnlyTheirIntersection) {
  const Place kk{16.647556, 98.520722, static_cast<double>(ToEpochSeconds({2025, 3, 14, 3, 0, 0}))};
  Place later = kk;
  later.utc += 4 * 3600;
  GridSpec world;
  world.resolution_deg = 0.2;
  ShadowRegionStats one{}, both{};
  const auto a = TrueObservation(kk, false), b = TrueObservation(later, false);
  EXPECT_GT(CellAt(Terms(), {a}, world, kk, &one), 0.0f);
  EXPECT_GT(CellAt(Terms(), {a, b}, world, kk, &both), 0.0f);
  EXPECT_LT(both.area_km2, one.area_km2 / 5);
}

TEST(ShadowLocus, CutoffScaleKeepsATailBeyondTheTolerance) {
  // A shadow measured 1.5 tolerances too long (a 2.3-sigma length error at ±10 %): inside
  // the tolerances the true place reads 0; with the fusion's 4-sigma cutoff it keeps a small
  // likelihood, and the Gaussian itself is unchanged.
  const Place kk{16.647556, 98.520722, static_cast<double>(ToEpochSeconds({2025, 3, 14, 3, 0, 0}))};
  auto obs = ShadowObservation::FromRatio(*ShadowRatio(SunAt(kk).e) * 1.15, 0.10);
  ASSERT_TRUE(obs.ok());
  obs->utc_seconds = kk.utc;
  obs->time_tolerance_s = 0;
  const GridSpec g = Around(kk, 3);
  EXPECT_EQ(CellAt(Terms(), {*obs}, g, kk), 0.0f);
  obs->cutoff_scale = 2;
  const float tail = CellAt(Terms(), {*obs}, g, kk);
  EXPECT_GT(tail, 0.0f);
  EXPECT_LT(tail, 0.2f);  // beyond 2 sigma: exp(-2) at most
}

TEST(ShadowLocus, FastGridAgreesWithPerCellSpa) {
  const Place p{40.0, 20.0, static_cast<double>(ToEpochSeconds({2024, 6, 1, 9, 0, 0}))};
  ShadowObservation obs = TrueObservation(p, true);
  obs.azimuth_tolerance_deg = 20;
  GridSpec g;
  g.resolution_deg = 0.5;
  std::vector<float> cells;
  ASSERT_TRUE(EvaluateShadowGrid(Terms(), {obs}, g, 2, [&](const GridBlock& b) {
                cells.insert(cells.end(), b.likelihood.begin(), b.likelihood.end());
                return OkStatus();
              }).ok());
  int disagree = 0, consistent = 0;
  for (int r = 0; r < g.Height(); ++r) {
    for (int c = 0; c < g.Width(); ++c) {
      const double lat = g.max_lat - (r + 0.5) * g.resolution_deg,
                   lon = g.min_lon + (c + 0.5) * g.resolution_deg;
      const bool fast = cells[static_cast<std::size_t>(r) * g.Width() + c] > 0;
      const bool full = ConsistentByFullSpa(Terms(), obs, lat, lon);
      consistent += full;
      disagree += fast != full;
    }
  }
  EXPECT_GT(consistent, 100);
  EXPECT_LE(disagree, consistent / 100 + 2);  // only cells on the boundary, within parallax
}

TEST(ShadowLocus, LocalTimeOfUnknownZoneUsesEachPlacesOwnZone) {
  // 16:20 local at KK Park (UTC+06:30) is 09:50 UTC; the true shadow there.
  const Place kk{16.647556, 98.520722,
                 static_cast<double>(ToEpochSeconds({2025, 3, 14, 9, 50, 0}))};
  ShadowObservation obs = TrueObservation(kk, true);
  obs.zone_unknown = true;
  obs.utc_seconds =
      static_cast<double>(ToEpochSeconds({2025, 3, 14, 16, 20, 0}));  // local, zone unknown
  GridSpec g;
  g.resolution_deg = 0.05;
  g.min_lon = 90, g.max_lon = 110, g.min_lat = 5, g.max_lat = 25;
  auto zones = BuildZoneIndexGrid({g.min_lon, g.max_lat, g.resolution_deg, g.Width(), g.Height()});
  ASSERT_TRUE(zones.ok()) << zones.error().message;
  const int row = static_cast<int>((g.max_lat - kk.lat) / g.resolution_deg);
  const int col = static_cast<int>((kk.lon - g.min_lon) / g.resolution_deg);
  float at_kk = -1;
  auto stats = EvaluateShadowGrid(
      Terms(), {obs}, g, 2,
      [&](const GridBlock& b) {
        if (row >= b.row0 && row < b.row0 + b.rows)
          at_kk = b.likelihood[static_cast<std::size_t>(row - b.row0) * b.width + col];
        return OkStatus();
      },
      &*zones);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_GT(at_kk, 0.0f);
  // Without the zone grid the observation cannot be evaluated.
  EXPECT_FALSE(
      EvaluateShadowGrid(Terms(), {obs}, g, 2, [](const GridBlock&) { return OkStatus(); }).ok());
}

TEST(ShadowLocus, BadInputIsRefused) {
  EXPECT_FALSE(ShadowObservation::FromLengths(-2, 3, 0.1).ok());
  EXPECT_FALSE(ShadowObservation::FromLengths(2, 0, 0.1).ok());
  EXPECT_FALSE(ShadowObservation::FromRatio(1, 1.5).ok());
  EXPECT_FALSE(ShadowObservation::FromElevation(-3, 1).ok());
  GridSpec g;
  g.min_lat = -95;
  EXPECT_FALSE(g.Check().ok());
  g = GridSpec{};
  g.resolution_deg = 0;
  EXPECT_FALSE(g.Check().ok());
  EXPECT_FALSE(EvaluateShadowGrid(Terms(), {}, GridSpec{}, 1, [](const GridBlock&) {
                 return OkStatus();
               }).ok());
}

TEST(ShadowInput, GroupsCommandLineObservationsAndReadsFiles) {
  auto groups =
      GroupObservationArgs({"--shadow-ratio", "1.5", "--at", "2025-03-14T16:20:00+06:30", "-o",
                            "x.geojson", "--at=2025-03-14T17:20:00", "--tz", "Asia/Yangon",
                            "--object-height", "2", "--shadow-length", "3", "--azimuth", "80"});
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].at("shadow_ratio"), "1.5");
  EXPECT_EQ((*groups)[1].at("tz"), "Asia/Yangon");
  auto first = MakeObservation((*groups)[0]);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(FormatIsoUtc(static_cast<std::int64_t>(first->utc_seconds)), "2025-03-14T09:50:00Z");
  auto second = MakeObservation((*groups)[1]);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NEAR(second->elevation_center_deg, std::atan(2.0 / 3.0) * 180 / M_PI, 1e-9);
  EXPECT_EQ(second->shadow_azimuth_deg, 80.0);
  EXPECT_FALSE(GroupObservationArgs({"--at"}).ok());
  auto unknown_zone = MakeObservation({{"at", "2025-03-14T16:20:00"}, {"shadow_ratio", "1"}});
  ASSERT_TRUE(unknown_zone.ok());
  EXPECT_TRUE(unknown_zone->zone_unknown);
  EXPECT_FALSE(
      MakeObservation({{"at", "2025-03-14 16:20"}, {"shadow_ratio", "1"}}).ok());  // not ISO
  EXPECT_FALSE(MakeObservation({{"at", "2025-03-14T16:20:00Z"}}).ok());            // no measurement
  EXPECT_FALSE(MakeObservation({{"at", "2025-03-14T16:20:00Z"}, {"shadow_ratio", "x"}}).ok());
  EXPECT_FALSE(
      MakeObservation({{"at", "2025-03-14T16:20:00Z"}, {"shadow_length", "3"}}).ok());  // no height
}

}  // namespace
}  // namespace gv
