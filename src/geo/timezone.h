// IANA time zone at a position, offline, from the time-zone boundary polygons that
// scripts/fetch-data installs into data/generated/timezones.gpkg (timezone-boundary-builder
// data, OpenStreetMap-derived, ODbL). Positions at sea fall back to the nautical zone
// Etc/GMT±N of their longitude.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "geo/latlon.h"
#include "geo/tzif.h"
#include "util/result.h"

namespace gv {

struct ZoneAtPosition {
  std::string zone;     // IANA name, e.g. "Asia/Yangon"
  bool at_sea = false;  // true when no land polygon contains the position
};

// Thread-safe: queries are serialised on one read-only GDAL dataset.
class TimeZoneIndex {
 public:
  // Opens the boundary GeoPackage read-only. Error names the file when it is missing
  // (run scripts/fetch-data) or unreadable.
  static Result<std::shared_ptr<TimeZoneIndex>> Open(const std::filesystem::path& gpkg);
  // The default index under DataDir(), opened once per process; error if unavailable.
  static Result<std::shared_ptr<TimeZoneIndex>> Default();
  ~TimeZoneIndex();
  TimeZoneIndex(const TimeZoneIndex&) = delete;
  TimeZoneIndex& operator=(const TimeZoneIndex&) = delete;

  Result<ZoneAtPosition> ZoneAt(const LatLon& position) const;
  // The rules of the zone at `position` (name() gives the IANA name), from the zoneinfo
  // folder; error when the position is out of range or the zone is not installed.
  Result<ZoneRules> RulesAt(const LatLon& position) const;

 private:
  TimeZoneIndex() = default;
  void* dataset_ = nullptr;  // GDALDatasetH
  mutable std::mutex mutex_;
};

// Nautical time zone for a longitude: Etc/GMT-7 for 105°E (POSIX sign convention).
std::string NauticalZone(double lon_deg);

}  // namespace gv
