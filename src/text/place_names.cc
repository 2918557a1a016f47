#include "text/place_names.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "geo/known_sites.h"
#include "text/script.h"
#include "util/data_dir.h"
#include "util/file.h"

namespace gv {
namespace {

constexpr std::uint64_t kMaxTsvBytes = 64ull << 20;
constexpr std::size_t kMaxPlacesPerName = 5;
// Shortest keys matched with one letter off: a short name one letter off is another word.
constexpr std::size_t kFuzzyLatin = 7, kFuzzyOther = 5;

bool IsLatinLetter(char32_t c) { return c < 0x250 && u_isalpha(static_cast<UChar32>(c)); }
bool IsMark(char32_t c) {
  const auto type = u_charType(static_cast<UChar32>(c));
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK;
}
bool IsHan(char32_t c) { return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF); }

}  // namespace

double NamedPlace::RadiusM() const {
  if (radius_m > 0) return radius_m;
  const double tenfolds =
      std::log10(std::max<double>(static_cast<double>(population), 1000) / 1000);
  return std::min(2000 + 5000 * tenfolds, 25000.0);
}

std::u32string PlaceNameKey(std::string_view utf8) {
  const std::u32string folded = DecodeUtf8(IcuTransform("NFKC; Lower; Latin-ASCII", utf8));
  std::u32string key;
  bool space = false;
  for (const char32_t c : folded) {
    if (c == 0x200B || c == 0x200C || c == 0x200D || c == 0xFEFF) continue;  // zero widths
    const bool letter = u_isalnum(static_cast<UChar32>(c)) || IsMark(c);
    if (!letter) {
      space = true;
      continue;
    }
    // A space survives only between two Latin words.
    if (space && !key.empty() && IsLatinLetter(key.back()) && IsLatinLetter(c)) key.push_back(' ');
    space = false;
    key.push_back(c);
  }
  return key;
}

Result<PlaceNames> PlaceNames::Load(const std::filesystem::path& tsv) {
  auto rows = ReadTsv(tsv, kMaxTsvBytes);
  if (!rows.ok()) return rows.error();
  PlaceNames p;
  for (const auto& row : *rows) {
    if (row.size() < 7) continue;
    NamedPlace place;
    place.name = row[6];
    try {
      place.at = {std::stod(row[1]), std::stod(row[2])};
      place.population = std::stoll(row[4]);
    } catch (const std::exception&) {
      continue;
    }
    if (!place.at.InRange()) continue;
    place.country = row[3];
    place.feature = row[5];
    p.Add(row[0], place);
  }
  if (p.names_.empty()) return MakeError(tsv.string() + ": no place name");
  return p;
}

void PlaceNames::Add(const std::string& text, const NamedPlace& place) {
  const std::u32string key = PlaceNameKey(text);
  if (key.size() < 2) return;
  // One place per main name and position, however many names it has.
  std::size_t index = places_.size();
  for (std::size_t i = places_.size(); i-- > 0 && i + 64 >= places_.size();)
    if (places_[i].name == place.name && places_[i].at.lat_deg == place.at.lat_deg &&
        places_[i].at.lon_deg == place.at.lon_deg) {
      index = i;
      break;
    }
  if (index == places_.size()) places_.push_back(place);
  auto [it, added] = exact_.emplace(key, names_.size());
  if (added) names_.push_back({text, key, IsLatinLetter(key.front()), {}});
  Name& name = names_[it->second];
  if (std::find(name.places.begin(), name.places.end(), index) != name.places.end()) return;
  name.places.push_back(index);
  std::sort(name.places.begin(), name.places.end(), [&](std::size_t a, std::size_t b) {
    // Known sites first (a compound's own name), then the most populous.
    const bool sa = places_[a].feature == "KNOWN_SITE", sb = places_[b].feature == "KNOWN_SITE";
    if (sa != sb) return sa;
    return places_[a].population > places_[b].population;
  });
  if (name.places.size() > kMaxPlacesPerName) name.places.resize(kMaxPlacesPerName);
  if (added) Index(it->second);
}

void PlaceNames::Index(std::size_t n) {
  const Name& name = names_[n];
  longest_ = std::max(longest_, name.key.size());
  const std::size_t fuzzy_min = name.latin ? kFuzzyLatin : kFuzzyOther;
  if (name.key.size() < fuzzy_min || IsHan(name.key.front())) return;
  for (std::size_t i = 0; i < name.key.size(); ++i) {
    std::u32string less = name.key;
    less.erase(i, 1);
    auto& list = deleted_[less];
    if (std::find(list.begin(), list.end(), n) == list.end()) list.push_back(n);
  }
}

Result<std::shared_ptr<const PlaceNames>> PlaceNames::Default() {
  static std::mutex mutex;
  static std::optional<Result<std::shared_ptr<const PlaceNames>>> loaded;
  std::lock_guard lock(mutex);
  if (!loaded) {
    auto p = Load(DataDir() / "generated" / "place-names.tsv");
    if (!p.ok()) {
      loaded.emplace(MakeError(p.error().message + " (run scripts/fetch-data)"));
      return *loaded;
    }
    // The known sites under each part of their names: "Shwe Kokko (Yatai New City)" is
    // found as "Shwe Kokko" and as "Yatai New City", "KK Park, Myawaddy" as "KK Park".
    auto sites = LoadKnownSites(DefaultKnownSitesPath());
    if (!sites.ok()) {
      loaded.emplace(MakeError(sites.error().message));
      return *loaded;
    }
    for (const auto& site : *sites) {
      NamedPlace place;
      place.name = site.name;
      place.at = site.at;
      place.country = site.country;
      place.feature = "KNOWN_SITE";
      place.radius_m = site.radius_m;
      std::string part;
      for (const char c : site.name + ",") {
        if (c == '(' || c == ')' || c == ',') {
          while (!part.empty() && part.back() == ' ') part.pop_back();
          while (!part.empty() && part.front() == ' ') part.erase(0, 1);
          if (part.size() >= 4) p->Add(part, place);
          part.clear();
        } else {
          part += c;
        }
      }
    }
    loaded.emplace(std::make_shared<const PlaceNames>(std::move(*p)));
  }
  return *loaded;
}

std::vector<PlaceNameMatch> PlaceNames::Find(std::string_view line) const {
  const std::u32string key = PlaceNameKey(line);
  struct Hit {
    std::size_t begin, end, name;
    int edits;
  };
  std::vector<Hit> hits;
  const auto latin_at = [&](std::size_t i) { return i < key.size() && IsLatinLetter(key[i]); };
  for (std::size_t i = 0; i < key.size(); ++i) {
    const bool latin = latin_at(i);
    if (key[i] == ' ' || IsMark(key[i])) continue;
    // Latin names start and end at word boundaries; others anywhere but inside a cluster.
    if (latin && i > 0 && latin_at(i - 1)) continue;
    for (std::size_t len = 2; len <= longest_ + 1 && i + len <= key.size(); ++len) {
      const std::size_t end = i + len;
      if (latin ? (latin_at(end) || !latin_at(end - 1)) : (end < key.size() && IsMark(key[end])))
        continue;
      const std::u32string s = key.substr(i, len);
      if (auto it = exact_.find(s); it != exact_.end()) {
        hits.push_back({i, end, it->second, 0});
        continue;
      }
      if (len < (latin ? kFuzzyLatin : kFuzzyOther) - 1) continue;
      std::set<std::size_t> near;
      if (auto it = deleted_.find(s); it != deleted_.end())
        near.insert(it->second.begin(), it->second.end());
      for (std::size_t d = 0; d < len; ++d) {
        std::u32string less = s;
        less.erase(d, 1);
        if (auto it = exact_.find(less);
            it != exact_.end() && less.size() >= (latin ? kFuzzyLatin : kFuzzyOther))
          near.insert(it->second);
        if (auto it = deleted_.find(less); it != deleted_.end())
          near.insert(it->second.begin(), it->second.end());
      }
      for (const std::size_t n : near)
        if (names_[n].latin == latin) hits.push_back({i, end, n, 1});
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.edits != b.edits) return a.edits < b.edits;
    return a.end - a.begin > b.end - b.begin;
  });
  std::vector<PlaceNameMatch> out;
  std::vector<std::pair<std::size_t, std::size_t>> taken;
  for (const auto& h : hits) {
    if (std::any_of(taken.begin(), taken.end(),
                    [&](const auto& t) { return h.begin < t.second && t.first < h.end; }))
      continue;
    taken.emplace_back(h.begin, h.end);
    const Name& name = names_[h.name];
    PlaceNameMatch m;
    m.name = name.text;
    m.edits = h.edits;
    const std::size_t letters = name.key.size();
    if (h.edits > 0)
      m.confidence = 0.5;
    else if (name.latin)
      m.confidence = letters >= 6 ? 0.8 : 0.6;
    else
      m.confidence = letters >= 4 ? 0.85 : 0.7;
    for (const std::size_t p : name.places) m.places.push_back(&places_[p]);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace gv
