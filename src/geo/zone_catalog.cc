#include "geo/zone_catalog.h"

#include <map>
#include <mutex>
#include <sstream>

#include "geo/tzif.h"
#include "util/file.h"
#include "util/text.h"

namespace gv {
namespace {

struct Loaded {
  std::vector<CatalogZone> zones;
  std::vector<ZoneRules> rules;
};

Result<Loaded> Load(const std::filesystem::path& dir) {
  const auto tab = dir / "zone1970.tab";
  auto rows = ReadTsv(tab, 1u << 20);
  if (!rows.ok()) return rows.error();
  Loaded out;
  for (const auto& cols : *rows) {
    if (cols.size() < 3) continue;
    auto rules = ZoneRules::Load(cols[2], dir);
    if (!rules.ok()) continue;  // listed but not installed: skipped
    CatalogZone zone{cols[2], {}};
    std::istringstream codes(cols[0]);
    for (std::string c; std::getline(codes, c, ',');) zone.countries.push_back(Trim(c));
    out.zones.push_back(std::move(zone));
    out.rules.push_back(std::move(*rules));
  }
  if (out.zones.empty()) return MakeError(tab.string() + ": no time zone listed");
  return out;
}

}  // namespace

Result<std::vector<CatalogZone>> ZonesWithOffset(int offset_s, std::int64_t utc_seconds,
                                                 const std::filesystem::path& zoneinfo_dir) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, Result<Loaded>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(zoneinfo_dir);
  if (it == cache.end()) it = cache.emplace(zoneinfo_dir, Load(zoneinfo_dir)).first;
  if (!it->second.ok()) return it->second.error();
  std::vector<CatalogZone> out;
  const Loaded& loaded = *it->second;
  for (std::size_t i = 0; i < loaded.zones.size(); ++i)
    if (loaded.rules[i].OffsetAtUtc(utc_seconds) == offset_s) out.push_back(loaded.zones[i]);
  return out;
}

}  // namespace gv
