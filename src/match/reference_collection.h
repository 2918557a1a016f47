// Geotagged reference collections and locating a photo against them.
//   build: features of every image whose location is known (EXIF GPS, or a sidecar CSV
//          `file,lat,lon[,heading,note]` / GeoJSON points with a `file` property), a
//          vocabulary trained on the collection, and each reference's visual words;
//   add:   new images quantised with the existing vocabulary (no rebuild);
//   locate: TF-IDF retrieval over the inverted file stored in the collection (a query
//          reads only its own words' posting lists), then geometric verification of the
//          best candidates with MatchFeatures.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "geo/vector_feature.h"
#include "match/affine_views.h"
#include "match/pair_match.h"
#include "match/reference_store.h"
#include "util/result.h"

namespace gv {

struct CollectionOptions {
  FeatureOptions features{Detector::kSift, 1000, true, 1024};
  int vocabulary_size = 4096;
  int threads = 0;
  std::filesystem::path sidecar;  // CSV or GeoJSON with locations for images without GPS
};

struct CollectionReport {
  int added = 0, duplicates = 0, without_location = 0, failed = 0;
  std::vector<std::string> warnings;  // "file: reason", one per skipped or failed image
};

Result<CollectionReport> BuildCollection(const std::vector<std::filesystem::path>& inputs,
                                         const std::filesystem::path& out,
                                         const CollectionOptions& options);
Result<CollectionReport> AddToCollection(const std::filesystem::path& collection,
                                         const std::vector<std::filesystem::path>& inputs,
                                         const CollectionOptions& options);
Result<nlohmann::ordered_json> CollectionInfo(const std::filesystem::path& collection);
// Every reference as a point feature (file, sha256, heading_deg, note, features).
Result<std::vector<VectorFeature>> CollectionFeatures(const std::filesystem::path& collection);

struct LocateOptions {
  int top = 5;          // verified results returned
  int candidates = 30;  // retrieved references verified geometrically
  MatchOptions match;
  FeatureOptions features{Detector::kSift, 2000, true, 1024};
  // When no candidate shows the same scene: the photo's affine views, retrieved and
  // verified again (`off`: never; `always`: also when the plain features found it).
  // Only the photo is turned (the references keep their stored features), so its views
  // are denser in rotation than `match`'s, which turns both photos.
  CascadeMode cascade = CascadeMode::kAuto;
  AffineViewOptions views = [] {
    AffineViewOptions v;
    v.phi_step_deg = 72;
    return v;
  }();
};

struct LocateCandidate {
  ReferenceRecord reference;
  double retrieval_score = 0;
  PairMatch match;
};

struct LocationClue {
  double lat_deg = 0, lon_deg = 0, radius_m = 0;
  int supporting = 0;                           // same_scene references used
  std::vector<std::pair<double, double>> hull;  // (lon, lat) when references disagree
  std::string source = "reference_match";
};

struct LocateResult {
  std::vector<LocateCandidate> ranked;  // by verified inliers
  std::optional<LocationClue> clue;
  int collection_size = 0;
  std::string stage;                // "features" or "affine_views": what gave `ranked`
  std::vector<std::string> stages;  // what was tried
};

Result<LocateResult> LocatePhoto(const std::filesystem::path& collection, const cv::Mat& photo,
                                 const LocateOptions& options);
nlohmann::ordered_json ToJson(const LocateResult& result);
// The clue (point or hull) and the matched references as vector features.
std::vector<VectorFeature> LocateFeatures(const LocateResult& result);

}  // namespace gv
