// The catalogue of IANA time zones as Debian's tzdata lists them
// (/usr/share/zoneinfo/zone1970.tab: zone, the countries it covers), with each zone's rules.
// Answers "which zones had this UTC offset at this instant?" for a photo whose camera clock
// offset is known but whose place is not.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/result.h"

namespace gv {

struct CatalogZone {
  std::string zone;                    // "Asia/Yangon"
  std::vector<std::string> countries;  // ISO 3166-1 alpha-2: {"MM"}
};

// Zones whose UTC offset at `utc_seconds` is `offset_s` (seconds east of UTC). Error when
// the catalogue cannot be read. Thread-safe (read once).
Result<std::vector<CatalogZone>> ZonesWithOffset(
    int offset_s, std::int64_t utc_seconds,
    const std::filesystem::path& zoneinfo_dir = "/usr/share/zoneinfo");

}  // namespace gv
