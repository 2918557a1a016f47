#include "geo/gazetteer.h"

#include <cmath>
#include <cstdio>
#include <mutex>

#include "util/data_dir.h"
#include "util/file.h"

namespace gv {
namespace {

constexpr double kDeg = M_PI / 180.0;

std::pair<int, int> Cell(const LatLon& p) {
  return {static_cast<int>(std::floor(p.lat_deg)), static_cast<int>(std::floor(p.lon_deg))};
}

}  // namespace

std::string PlaceNear::Describe() const {
  std::string where = place.name;
  if (!place.admin1.empty()) where += ", " + place.admin1;
  if (!place.country.empty()) where += ", " + place.country;
  if (distance_m < 50) return "at " + where;
  char text[64];
  if (distance_m < 1000)
    std::snprintf(text, sizeof text, "%.0f m %s of ", distance_m, CompassPoint(bearing_deg));
  else
    std::snprintf(text, sizeof text, "%.1f km %s of ", distance_m / 1000,
                  CompassPoint(bearing_deg));
  return text + where;
}

Result<Gazetteer> Gazetteer::Load(const std::filesystem::path& tsv) {
  auto rows = ReadTsv(tsv, 256u << 20);
  if (!rows.ok()) return rows.error();
  Gazetteer g;
  for (const auto& cols : *rows) {
    if (cols.size() < 4) {
      ++g.skipped_;
      continue;
    }
    char* end = nullptr;
    const double lat = std::strtod(cols[1].c_str(), &end);
    const bool lat_ok = end && *end == '\0';
    const double lon = std::strtod(cols[2].c_str(), &end);
    const LatLon at{lat, lon};
    if (!lat_ok || !(end && *end == '\0') || !at.InRange() || cols[0].empty()) {
      ++g.skipped_;
      continue;
    }
    g.cells_[Cell(at)].push_back(g.places_.size());
    g.places_.push_back({cols[0], cols[3], cols.size() > 4 ? cols[4] : std::string(), at});
  }
  if (g.places_.empty()) return MakeError(tsv.string() + ": no place in the gazetteer");
  return g;
}

Result<std::shared_ptr<const Gazetteer>> Gazetteer::Default() {
  static std::mutex mutex;
  static std::optional<Result<std::shared_ptr<const Gazetteer>>> loaded;
  std::lock_guard lock(mutex);
  if (!loaded) {
    const auto path = DataDir() / "generated" / "places.tsv";
    auto g = Load(path);
    if (g.ok())
      loaded.emplace(std::make_shared<const Gazetteer>(std::move(*g)));
    else
      loaded.emplace(MakeError(g.error().message + " (run scripts/fetch-data)"));
  }
  return *loaded;
}

std::optional<PlaceNear> Gazetteer::Nearest(const LatLon& position, double max_distance_m) const {
  if (!position.InRange()) return std::nullopt;
  // Cells within reach: latitude degrees are ~111 km; longitude degrees shrink with latitude.
  const int dlat = static_cast<int>(std::ceil(max_distance_m / 111'000.0));
  const double cos_lat = std::max(0.01, std::cos(position.lat_deg * kDeg));
  const int dlon =
      std::min(180, static_cast<int>(std::ceil(max_distance_m / (111'000.0 * cos_lat))));
  const auto [row, col] = Cell(position);
  std::optional<PlaceNear> best;
  for (int r = row - dlat; r <= row + dlat; ++r) {
    for (int c = col - dlon; c <= col + dlon; ++c) {
      const int wrapped = ((c + 180) % 360 + 360) % 360 - 180;  // across the antimeridian
      auto it = cells_.find({r, wrapped});
      if (it == cells_.end()) continue;
      for (std::size_t i : it->second) {
        const double d = DistanceM(places_[i].at, position);
        if (d <= max_distance_m && (!best || d < best->distance_m))
          best = PlaceNear{places_[i], d, BearingDeg(places_[i].at, position)};
      }
    }
  }
  return best;
}

}  // namespace gv
