#include "forensics/known_tables.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace gv {
namespace {

std::optional<std::string> OptionalString(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (!j[key].is_string()) throw std::runtime_error(std::string(key) + " is not a string");
  return j[key].get<std::string>();
}

}  // namespace

Result<std::vector<KnownTableSet>> LoadKnownTables(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(path.string() + ": cannot open the known JPEG tables");
  try {
    const nlohmann::json doc = nlohmann::json::parse(in);
    std::vector<KnownTableSet> out;
    for (const auto& e : doc.at("tables")) {
      KnownTableSet set;
      set.make = OptionalString(e, "make");
      set.model = OptionalString(e, "model");
      set.software = OptionalString(e, "software");
      const auto& tables = e.at("tables");
      if (tables.empty() || tables.size() > 4) throw std::runtime_error("1 to 4 tables a set");
      for (const auto& t : tables) {
        if (t.size() != 64) throw std::runtime_error("a table has 64 values");
        std::array<std::uint16_t, 64> values{};
        for (std::size_t i = 0; i < 64; ++i) {
          const int v = t[i].get<int>();
          if (v < 1 || v > 65535) throw std::runtime_error("table values are 1..65535");
          values[i] = static_cast<std::uint16_t>(v);
        }
        set.tables.push_back(values);
      }
      for (const auto& r : e.value("references", nlohmann::json::array()))
        set.references.push_back(r.get<std::string>());
      out.push_back(std::move(set));
    }
    return out;
  } catch (const std::exception& e) {
    return MakeError(path.string() + ": bad known JPEG tables: " + e.what());
  }
}

std::vector<const KnownTableSet*> MatchKnownTables(const JpegStructure& jpeg,
                                                   const std::vector<KnownTableSet>& known) {
  std::vector<JpegQuantTable> own = jpeg.quant_tables;
  std::stable_sort(own.begin(), own.end(),
                   [](const JpegQuantTable& a, const JpegQuantTable& b) { return a.id < b.id; });
  std::vector<const KnownTableSet*> out;
  for (const auto& set : known) {
    if (set.tables.size() != own.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < own.size() && same; ++i) same = own[i].values == set.tables[i];
    if (same) out.push_back(&set);
  }
  return out;
}

}  // namespace gv
