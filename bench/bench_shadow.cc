// Shadow-locus speed: the grid method (time-only terms once per time, hour-angle terms once
// per column) against a straightforward per-cell SPA loop, in one process.
// Usage: bench_shadow [THREADS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "sun/shadow.h"
#include "util/time.h"

using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double TimeGrid(const gv::SpaTerms& terms, const gv::ShadowObservation& obs, double resolution,
                int threads, std::uint64_t* consistent) {
  gv::GridSpec grid;
  grid.resolution_deg = resolution;
  const auto t0 = Clock::now();
  auto stats = gv::EvaluateShadowGrid(terms, {obs}, grid, threads,
                                      [](const gv::GridBlock&) { return gv::OkStatus(); });
  const auto t1 = Clock::now();
  if (!stats.ok()) {
    std::fprintf(stderr, "%s\n", stats.error().message.c_str());
    std::exit(1);
  }
  *consistent = stats->consistent_cells;
  return Seconds(t0, t1);
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const auto terms = gv::SpaTerms::Default();
  if (!terms.ok()) {
    std::fprintf(stderr, "%s\n", terms.error().message.c_str());
    return 1;
  }
  // KK Park, 2025-03-14 09:50 UTC, true shadow ratio and direction, default tolerances.
  auto obs = gv::ShadowObservation::FromRatio(2.2097, 0.10);
  obs->utc_seconds = static_cast<double>(gv::ToEpochSeconds({2025, 3, 14, 9, 50, 0}));
  obs->shadow_azimuth_deg = 79.5;

  std::printf(
      "one observation (shadow ratio 2.21 +-10%%, azimuth 79.5 +-5 deg, time +-60 s), %d "
      "threads\n\n",
      threads);
  std::printf("%-40s %12s %10s %12s %14s\n", "method", "cells", "seconds", "ns/cell", "consistent");
  std::uint64_t c05 = 0, c01 = 0;
  const double t05 = TimeGrid(**terms, *obs, 0.05, threads, &c05);
  const double cells05 = 7200.0 * 3600.0;
  std::printf("%-40s %12.0f %10.3f %12.2f %14llu\n", "grid, global 0.05 deg", cells05, t05,
              t05 * 1e9 / cells05, static_cast<unsigned long long>(c05));
  const double t01 = TimeGrid(**terms, *obs, 0.01, threads, &c01);
  const double cells01 = 36000.0 * 18000.0;
  std::printf("%-40s %12.0f %10.3f %12.2f %14llu\n", "grid, global 0.01 deg", cells01, t01,
              t01 * 1e9 / cells01, static_cast<unsigned long long>(c01));

  // Straightforward: full SPA per cell (3 time samples, as the grid uses for +-60 s),
  // single thread, on a random sample of cells; extrapolated to the global 0.05 grid.
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180);
  const int samples = 200000;
  gv::ShadowObservation at = *obs;
  at.time_tolerance_s = 0;
  std::uint64_t hits = 0;
  const auto t0 = Clock::now();
  for (int i = 0; i < samples; ++i) {
    const double la = lat(rng), lo = lon(rng);
    for (const double dt : {-60.0, 0.0, 60.0}) {
      at.utc_seconds = obs->utc_seconds + dt;
      if (gv::ConsistentByFullSpa(**terms, at, la, lo)) {
        ++hits;
        break;
      }
    }
  }
  const double naive = Seconds(t0, Clock::now());
  const double naive_ns = naive * 1e9 / samples;
  std::printf("%-40s %12d %10.3f %12.2f %14s\n", "per-cell SPA loop, 1 thread (sample)", samples,
              naive, naive_ns, "-");
  std::printf(
      "\nglobal 0.05 deg: grid %.3f s vs per-cell SPA %.1f s on %d threads (extrapolated): %.0fx "
      "faster\n",
      t05, naive_ns * cells05 / 1e9 / threads, threads, naive_ns * cells05 / 1e9 / threads / t05);
  std::printf("targets: 0.05 deg global < 1 s, 0.01 deg global < 20 s\n");
  return hits > 0 ? 0 : 1;
}
