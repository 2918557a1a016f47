// Shared by the sun tests: the SPA tables (installed by scripts/fetch-data) and the JPL
// Horizons fixture of tests/data (see tests/data/README.md).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "sun/spa.h"
#include "util/text.h"
#include "util/time.h"

namespace gv::test {

inline const SpaTerms& SpaTables() {
  static const auto terms = SpaTerms::Default();
  EXPECT_TRUE(terms.ok()) << terms.error().message;
  return **terms;
}

struct HorizonsRow {
  std::string line;
  double lat_deg, lon_deg, utc_seconds;
  CivilTime utc;
  double azimuth_deg, altitude_deg;  // apparent (refracted)
};

inline std::vector<HorizonsRow> HorizonsRows() {
  std::ifstream in(std::string(GEOVERIFY_TEST_DATA) + "/sun_positions_horizons_dev.csv");
  EXPECT_TRUE(in) << "missing fixture sun_positions_horizons_dev.csv";
  std::string line;
  std::getline(in, line);  // header
  std::vector<HorizonsRow> rows;
  while (std::getline(in, line)) {
    const auto f = SplitCsvLine(line);  // location,lat,lng,utc,azimuth,altitude
    const auto t = f.size() == 6 ? ParseExifDateTime(f[3]) : std::nullopt;
    EXPECT_TRUE(t) << line;
    if (!t) continue;
    rows.push_back({line, std::stod(f[1]), std::stod(f[2]), static_cast<double>(ToEpochSeconds(*t)),
                    *t, std::stod(f[4]), std::stod(f[5])});
  }
  return rows;
}

}  // namespace gv::test
