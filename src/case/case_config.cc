#include "case/case_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "geo/basemap.h"
#include "geo/countries.h"
#include "geo/known_sites.h"
#include "match/reference_collection.h"
#include "sun/shadow_input.h"
#include "util/file.h"
#include "util/text.h"
#include "util/time.h"

namespace gv {
namespace {

namespace fs = std::filesystem;

// A usage error at a node: "case.yaml:LINE: message".
struct ConfigError {
  std::string message;
};

int LineOf(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

[[noreturn]] void Fail(const YAML::Node& node, const std::string& message) {
  throw ConfigError{"case.yaml:" + std::to_string(LineOf(node)) + ": " + message};
}

void CheckKeys(const YAML::Node& map, const std::string& where,
               const std::set<std::string>& allowed) {
  if (!map.IsMap()) Fail(map, where + " must be a mapping of keys to values");
  for (const auto& entry : map) {
    const auto key = entry.first.as<std::string>();
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      Fail(entry.first, "unknown key '" + key + "' in " + where + " (known: " + list + ")");
    }
  }
}

std::string Text(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) Fail(node, key + " must be a text value");
  return node.as<std::string>();
}

double Number(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) Fail(node, key + " must be a number");
  double value = 0;
  if (!YAML::convert<double>::decode(node, value) || !std::isfinite(value))
    Fail(node, key + " must be a number, not '" + node.as<std::string>() + "'");
  return value;
}

std::vector<std::string> TextList(const YAML::Node& node, const std::string& key) {
  if (node.IsScalar()) return {node.as<std::string>()};
  if (!node.IsSequence()) Fail(node, key + " must be a list of text values");
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(Text(item, key + " entry"));
  return out;
}

// A photo path of case.yaml names a file inside the case folder: relative, not climbing out.
bool InCaseFolder(const std::string& normal) {
  const fs::path p(normal);
  return !p.empty() && p.is_relative() && *p.begin() != "..";
}

fs::path Resolve(const fs::path& case_dir, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() ? p : (case_dir / p).lexically_normal();
}

LatLon Position(const YAML::Node& clue) {
  LatLon at;
  if (!clue["lat"] || !clue["lon"]) Fail(clue, "this clue needs lat and lon");
  at.lat_deg = Number(clue["lat"], "lat");
  at.lon_deg = Number(clue["lon"], "lon");
  if (at.lat_deg < -90 || at.lat_deg > 90)
    Fail(clue["lat"], "latitude " + clue["lat"].as<std::string>() + " is outside -90..90");
  if (at.lon_deg < -180 || at.lon_deg > 180)
    Fail(clue["lon"], "longitude " + clue["lon"].as<std::string>() + " is outside -180..180");
  return at;
}

ManualClueSpec ReadClue(const YAML::Node& node, const fs::path& case_dir) {
  CheckKeys(node, "a clue", {"kind", "value", "lat", "lon", "radius_m", "file"});
  ManualClueSpec clue;
  clue.line = LineOf(node);
  if (!node["kind"]) Fail(node, "a clue needs a kind (country, near, not_near, within)");
  clue.kind = Text(node["kind"], "kind");
  if (clue.kind == "country") {
    if (!node["value"]) Fail(node, "a country clue needs value: an ISO 3166-1 alpha-2 code");
    clue.country = Text(node["value"], "value");
    if (!CountryByAlpha2(clue.country))
      Fail(node["value"], "'" + clue.country + "' is not an ISO 3166-1 alpha-2 country code");
  } else if (clue.kind == "near" || clue.kind == "not_near") {
    clue.at = Position(node);
    if (!node["radius_m"]) Fail(node, "a " + clue.kind + " clue needs radius_m");
    clue.radius_m = Number(node["radius_m"], "radius_m");
    if (clue.radius_m <= 0 || clue.radius_m > 20'000'000)
      Fail(node["radius_m"], "radius_m must be positive and at most 20,000 km");
  } else if (clue.kind == "within") {
    if (!node["file"]) Fail(node, "a within clue needs file: a vector file of polygons");
    clue.file = Resolve(case_dir, Text(node["file"], "file"));
    auto rings = ReadOuterRings(clue.file);
    if (!rings.ok())
      Fail(node["file"], "cannot read " + clue.file.string() + ": " + rings.error().message);
    if (rings->empty()) Fail(node["file"], clue.file.string() + " holds no polygon");
  } else {
    Fail(node["kind"], "unknown clue kind '" + clue.kind + "' (country, near, not_near, within)");
  }
  return clue;
}

ShadowSpec ReadShadow(const YAML::Node& node) {
  if (!node.IsMap()) Fail(node, "a shadow observation must be a mapping");
  ShadowSpec spec;
  spec.line = LineOf(node);
  const auto& keys = ObservationKeys();
  for (const auto& entry : node) {
    const auto key = entry.first.as<std::string>();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::string list;
      for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
      Fail(entry.first, "unknown key '" + key + "' in a shadow observation (known: " + list + ")");
    }
    spec.keys[key] = Text(entry.second, key);
  }
  // Checked now with a stand-in time when `at` is left to the capture time.
  auto checked = spec.keys;
  if (!checked.count("at")) checked["at"] = "2000-01-01T12:00:00Z";
  if (auto o = MakeObservation(checked); !o.ok()) Fail(node, o.error().message);
  return spec;
}

PhotoConfig ReadPhoto(const YAML::Node& key, const YAML::Node& node, const fs::path& case_dir) {
  PhotoConfig photo;
  photo.path = NormalCasePath(key.as<std::string>());
  photo.line = LineOf(key);
  std::error_code ec;
  if (!InCaseFolder(photo.path) || !fs::is_regular_file(case_dir / photo.path, ec))
    Fail(key, "photo '" + photo.path + "' is not in the case folder");
  if (node.IsNull()) return photo;
  CheckKeys(
      node, "photo '" + photo.path + "'",
      {"taken_at_utc", "time_tolerance_s", "shadows", "same_place_as", "clues", "text_boxes"});
  if (node["taken_at_utc"]) {
    const auto text = Text(node["taken_at_utc"], "taken_at_utc");
    const auto parsed = ParseIso8601(text);
    if (!parsed || !parsed->offset_s)
      Fail(node["taken_at_utc"],
           "taken_at_utc must be an ISO 8601 time with a zone, e.g. "
           "2025-03-14T09:50:00Z, not '" +
               text + "'");
    photo.taken_at_utc = ToEpochSeconds(parsed->local) - *parsed->offset_s;
  }
  if (node["time_tolerance_s"]) {
    photo.time_tolerance_s = Number(node["time_tolerance_s"], "time_tolerance_s");
    if (*photo.time_tolerance_s < 0 || *photo.time_tolerance_s > 86400)
      Fail(node["time_tolerance_s"], "time_tolerance_s must be within 0..86400");
  }
  if (const auto shadows = node["shadows"]) {
    if (!shadows.IsSequence()) Fail(shadows, "shadows must be a list of observations");
    for (const auto& s : shadows) photo.shadows.push_back(ReadShadow(s));
  }
  if (const auto same = node["same_place_as"]) {
    for (const auto& other : TextList(same, "same_place_as")) {
      const auto normal = NormalCasePath(other);
      if (!InCaseFolder(normal) || !fs::is_regular_file(case_dir / normal, ec))
        Fail(same, "same_place_as names '" + other + "', which is not in the case folder");
      photo.same_place_as.push_back(normal);
    }
  }
  if (const auto clues = node["clues"]) {
    if (!clues.IsSequence()) Fail(clues, "clues must be a list");
    for (const auto& c : clues) photo.clues.push_back(ReadClue(c, case_dir));
  }
  if (const auto boxes = node["text_boxes"]) {
    if (!boxes.IsSequence()) Fail(boxes, "text_boxes must be a list of [x, y, width, height]");
    for (const auto& b : boxes) {
      if (!b.IsSequence() || b.size() != 4)
        Fail(b, "a text box is [x, y, width, height] in the photo's pixels");
      PixelBox box{static_cast<int>(Number(b[0], "x")), static_cast<int>(Number(b[1], "y")),
                   static_cast<int>(Number(b[2], "width")),
                   static_cast<int>(Number(b[3], "height"))};
      if (box.x < 0 || box.y < 0 || box.width <= 0 || box.height <= 0)
        Fail(b, "a text box needs x, y >= 0 and a positive width and height");
      photo.text_boxes.push_back(box);
    }
  }
  return photo;
}

CaseConfig Read(const YAML::Node& root, const fs::path& case_dir) {
  CaseConfig config;
  if (root.IsNull()) return config;
  CheckKeys(root, "case.yaml",
            {"title", "region", "references", "basemaps", "known_sites", "photos"});
  if (root["title"]) config.title = Text(root["title"], "title");
  if (const auto region = root["region"]) {
    if (!region.IsSequence() || region.size() != 4)
      Fail(region, "region must be [lon_min, lat_min, lon_max, lat_max]");
    RegionBox box{Number(region[0], "lon_min"), Number(region[1], "lat_min"),
                  Number(region[2], "lon_max"), Number(region[3], "lat_max")};
    if (box.min_lat < -90 || box.max_lat > 90)
      Fail(region, "region latitudes must lie within -90..90");
    if (box.min_lon < -180 || box.max_lon > 180)
      Fail(region, "region longitudes must lie within -180..180");
    if (box.min_lon >= box.max_lon || box.min_lat >= box.max_lat)
      Fail(region, "region must be [lon_min, lat_min, lon_max, lat_max] with min < max");
    config.region = box;
  }
  if (const auto refs = root["references"]) {
    for (const auto& r : TextList(refs, "references")) {
      const auto path = Resolve(case_dir, r);
      if (auto info = CollectionInfo(path); !info.ok())
        Fail(refs, "reference collection '" + r + "' cannot be opened: " + info.error().message);
      config.references.push_back(path);
    }
  }
  if (const auto maps = root["basemaps"]) {
    for (const auto& m : TextList(maps, "basemaps")) {
      const auto path = Resolve(case_dir, m);
      if (auto opened = Basemap::Open(path); !opened.ok())
        Fail(maps, "basemap '" + m + "' cannot be opened: " + opened.error().message);
      config.basemaps.push_back(path);
    }
  }
  if (const auto sites = root["known_sites"]) {
    const auto value = Text(sites, "known_sites");
    if (value == "default" || value == "none") {
      config.known_sites = value;
    } else {
      const auto path = Resolve(case_dir, value);
      std::error_code ec;
      if (!fs::is_regular_file(path, ec))
        Fail(sites, "known_sites file '" + value + "' cannot be opened");
      if (auto loaded = LoadKnownSites(path); !loaded.ok())
        Fail(sites,
             "known_sites file '" + value + "' holds no usable site: " + loaded.error().message);
      config.known_sites = path.string();
    }
  }
  if (const auto photos = root["photos"]) {
    if (!photos.IsMap()) Fail(photos, "photos must map photo paths to what is known of them");
    std::set<std::string> seen;
    for (const auto& entry : photos) {
      auto photo = ReadPhoto(entry.first, entry.second, case_dir);
      if (!seen.insert(photo.path).second)
        Fail(entry.first, "photo '" + photo.path + "' is listed twice");
      config.photos.push_back(std::move(photo));
    }
  }
  return config;
}

}  // namespace

const PhotoConfig* CaseConfig::Photo(const std::string& relative_path) const {
  const auto normal = NormalCasePath(relative_path);
  for (const auto& p : photos)
    if (p.path == normal) return &p;
  return nullptr;
}

std::string NormalCasePath(const std::string& path) {
  return fs::path(path).lexically_normal().generic_string();
}

Result<CaseConfig> ParseCaseConfig(const std::string& text, const fs::path& case_dir) {
  try {
    const YAML::Node root = YAML::Load(text);
    return Read(root, case_dir);
  } catch (const ConfigError& e) {
    return MakeError(e.message);
  } catch (const YAML::Exception& e) {
    return MakeError("case.yaml:" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<CaseConfig> LoadCaseConfig(const fs::path& case_dir) {
  const auto path = case_dir / "case.yaml";
  std::error_code ec;
  if (!fs::exists(path, ec)) return CaseConfig{};
  std::vector<std::uint8_t> bytes;
  if (auto st = ReadFileBounded(path, 16u << 20, bytes); !st.ok())
    return MakeError("case.yaml: " + st.error().message);
  auto config = ParseCaseConfig(std::string(bytes.begin(), bytes.end()), case_dir);
  if (config.ok()) config->file = path;
  return config;
}

}  // namespace gv
