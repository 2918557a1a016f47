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
  std::vector<std::uint8_t> bytes;
  const auto tab = dir / "zone1970.tab";
  if (auto st = ReadFileBounded(tab, 1u << 20, bytes); !st.ok()) return st.error();
  Loaded out;
  std::istringstream lines(std::string(bytes.begin(), bytes.end()));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::istringstream fields(line);
    for (std::string f; std::getline(fields, f, '\t');) cols.push_back(f);
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
