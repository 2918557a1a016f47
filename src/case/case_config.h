// case.yaml: what the investigator knows about a case, at the root of the case folder. Every
// key is optional; the schema is in docs/case-yaml.md. Read with yaml-cpp. Every problem is a
// usage error reported as "case.yaml:LINE: what is wrong" before any work is done: unknown
// keys, wrong types, positions out of range, photos not in the folder, reference
// collections or basemaps that cannot be opened, shadow observations that do not check.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "geo/latlon.h"
#include "util/result.h"

namespace gv {

struct RegionBox {
  double min_lon = -180, min_lat = -90, max_lon = 180, max_lat = 90;
};

// One manual clue: {kind: country, value: MM}, {kind: near|not_near, lat, lon, radius_m},
// {kind: within, file}.
struct ManualClueSpec {
  std::string kind;
  std::string country;  // ISO 3166-1 alpha-2, upper case
  LatLon at;
  double radius_m = 0;
  std::filesystem::path file;  // absolute (resolved against the case folder)
  int line = 0;
};

struct ShadowSpec {
  std::map<std::string, std::string> keys;  // as `geoverify shadow --observations`
  int line = 0;
};

// A rectangle in a photo's pixels (as shown), e.g. a sign to read.
struct PixelBox {
  int x = 0, y = 0, width = 0, height = 0;
};

struct PhotoConfig {
  std::string path;  // relative to the case folder, as written
  int line = 0;
  std::optional<std::int64_t> taken_at_utc;  // Unix seconds; overrides the metadata
  std::optional<double> time_tolerance_s;
  std::vector<ShadowSpec> shadows;
  std::vector<std::string> same_place_as;  // paths relative to the case folder
  std::vector<ManualClueSpec> clues;
  std::vector<PixelBox> text_boxes;  // regions the text step reads as given
};

struct CaseConfig {
  std::filesystem::path file;  // the case.yaml read; empty when the case has none
  std::string title;
  std::optional<RegionBox> region;
  std::vector<std::filesystem::path> references;  // absolute
  std::vector<std::filesystem::path> basemaps;    // absolute
  std::string known_sites = "default";            // "default", "none", or an absolute path
  std::vector<PhotoConfig> photos;

  const PhotoConfig* Photo(const std::string& relative_path) const;
};

// Reads `case_dir`/case.yaml when it exists (a case without one gets the defaults). Error
// messages start with "case.yaml:LINE: ".
Result<CaseConfig> LoadCaseConfig(const std::filesystem::path& case_dir);

// Same, from text (for tests); `case_dir` resolves relative paths.
Result<CaseConfig> ParseCaseConfig(const std::string& text, const std::filesystem::path& case_dir);

// Normalises a relative path as written in case.yaml ("./a/../b.jpg" -> "b.jpg").
std::string NormalCasePath(const std::string& path);

}  // namespace gv
