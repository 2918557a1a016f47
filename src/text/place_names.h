// Place names in text read from photos, matched against GeoNames (data/generated/
// place-names.tsv, from scripts/fetch-data): the names on local signs in Khmer, Myanmar,
// Lao, Thai and Han script, and the Latin names of towns, of East and Southeast Asia.
// Matching is fuzzy (one edit for longer names) and gives a confidence; a name that several
// places share names them all.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "geo/latlon.h"
#include "util/result.h"

namespace gv {

struct NamedPlace {
  std::string name;  // the place's main name in GeoNames (Latin), or the known site's
  LatLon at;
  std::string country;  // ISO 3166-1 alpha-2
  std::int64_t population = 0;
  // GeoNames feature code (PPLC capital, PPLA seat, ...), or KNOWN_SITE for a site of
  // data/known-sites.gpkg.
  std::string feature;
  double radius_m = 0;  // a known site's reach; 0 for a town
  // The radius of the town from its size: 2 km, plus 5 km for each tenfold of population
  // above 1,000, at most 25 km; a known site's own radius.
  double RadiusM() const;
};

struct PlaceNameMatch {
  std::string name;       // the name as GeoNames writes it (in the script it was read in)
  int edits = 0;          // 0 exact, 1 one letter off
  double confidence = 0;  // 0..1, before the line's own confidence
  std::vector<const NamedPlace*> places;  // most populous first, at most 5
};

class PlaceNames {
 public:
  // Loads a place-names TSV (name, lat, lon, country, population, feature, main name).
  static Result<PlaceNames> Load(const std::filesystem::path& tsv);
  // data/generated/place-names.tsv and the names of data/known-sites.gpkg (each part of a
  // name like "Shwe Kokko (Yatai New City)"), loaded once.
  static Result<std::shared_ptr<const PlaceNames>> Default();
  // Adds a place under a name (and its index entries).
  void Add(const std::string& name, const NamedPlace& place);

  // The place names in one line of text, longest and closest first, not overlapping.
  std::vector<PlaceNameMatch> Find(std::string_view line) const;
  std::size_t size() const { return names_.size(); }

 private:
  void Index(std::size_t name);
  struct Name {
    std::string text;
    std::u32string key;
    bool latin = false;
    std::vector<std::size_t> places;
  };
  std::vector<NamedPlace> places_;
  std::vector<Name> names_;
  std::unordered_map<std::u32string, std::size_t> exact_;                 // key -> name
  std::unordered_map<std::u32string, std::vector<std::size_t>> deleted_;  // key less a letter
  std::size_t longest_ = 0;
};

// The matching key of a name or a line: NFKC, lower case, Latin folded to ASCII, and
// spaces removed except between Latin words (kept as one space).
std::u32string PlaceNameKey(std::string_view utf8);

}  // namespace gv
