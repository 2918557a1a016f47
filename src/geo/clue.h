// Clue: one location hypothesis for a photo, from one source, with its provenance. Every
// step that says something about *where* reports a Clue; fusion (next) weighs them. A clue
// has one geometry: a point with an uncertainty radius, polygons, a likelihood raster on a
// lat/lon grid, or none (a clue that is a set of names, such as time zones; see params).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "geo/latlon.h"

namespace gv {

// A likelihood on a north-up lat/lon grid (EPSG:4326): values in [0, 1], row 0 is the
// northern edge `max_lat`, cells of `resolution_deg`.
struct LikelihoodGrid {
  double min_lon = -180, max_lat = 90, resolution_deg = 0.05;
  int width = 0, height = 0;
  std::vector<float> values;  // height x width, row-major
};

struct Clue {
  // "gps", "time_zone", "shadow", "reference_match", "footprint", "country", "near",
  // "not_near", "within".
  std::string kind;
  std::string photo;        // the photo's path in the case
  std::string sha256;       // of the evidence the clue came from (the photo)
  std::string description;  // one sentence for the investigator
  // Geometry, EPSG:4326. A point clue: `point` and `uncertainty_m` (the radius within which
  // the place lies, about 95 %). Polygon clues: outer rings, each closed (first == last).
  std::optional<LatLon> point;
  double uncertainty_m = 0;
  std::vector<std::vector<LatLon>> polygons;
  std::optional<LikelihoodGrid> likelihood;
  // True when the geometry says where the photo was *not* taken (not_near).
  bool excludes = false;
  // How far the source is trusted, 0..1 (1: as reliable as its kind gets), and why less.
  double confidence = 1.0;
  std::string confidence_note;
  // The parameters that made the clue (observations, reference SHA-256, inliers, ...).
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
};

}  // namespace gv
