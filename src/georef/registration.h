// Registering a photo that looks down on flat ground (from a window, a roof, a drone, or a
// screenshot of satellite imagery) against georeferenced basemaps: RootSIFT features,
// coarse-to-fine search over the basemap's pyramid (tiles read by window, through
// overviews), ratio-test matching and MAGSAC++ homographies (Barath et al., CVPR 2020),
// then a guided refinement at the resolution that matches the photo's ground sample
// distance. The homography covers nadir and oblique views of flat ground.
//
// Pixel coordinates follow GDAL: (0, 0) is the top-left corner of the top-left pixel, so a
// W x H photo spans [0, W] x [0, H].
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "geo/basemap.h"
#include "geo/latlon.h"
#include "util/result.h"

namespace gv {

struct GeorefOptions {
  std::optional<LatLon> near;  // the photo's centre is believed to lie within radius_m
  double radius_m = 1000;
  int photo_detection_side = 1024;  // the photo is downscaled to this for detection
  int photo_features = 4000;
  int tile_side = 1024;  // basemap tiles, in pixels of the level being searched
  int tile_features = 3000;
  double contrast_threshold = 0.01;              // SIFT's, low: aerial imagery is often flat
  std::int64_t coarse_level_pixels = 6'000'000;  // the first full level searched is this big
  std::int64_t max_search_pixels = 60'000'000;   // pixels searched over all levels, at most
  int min_inliers = 20;                          // a registration needs this many control points
  double min_inlier_ratio = 0.15;                // ... and this share of the tentative matches
  int threads = 0;                               // 0: one per core
  // Priors: the compass bearing of the photo's up direction on the ground (degrees clockwise
  // from true north) and the ground sample distance at the photo's centre (metres per photo
  // pixel), each with its tolerance. A registration that contradicts a prior is refused; with
  // both, a photo that features cannot register is searched by area within their ranges
  // (georef/area_search.h: basemaps of another year).
  std::optional<double> heading_deg;
  double heading_tol_deg = 10;
  std::optional<double> gsd_m;
  double gsd_rel_tol = 0.2;
  Status Check() const;
};

struct ControlPoint {
  cv::Point2d photo_px;    // in the photo (full resolution)
  cv::Point2d basemap_px;  // in the basemap (full resolution)
  MapPoint map;            // in the basemap's CRS
  LatLon position;         // WGS84
  double residual_m = 0;   // distance between basemap_px and the homography's prediction
};

struct GeorefResult {
  bool ok = false;
  std::string message;  // why not, when !ok; what was searched
  std::string method;   // "features" or "area" (the priors' area search)
  // Area search only: the orientation fields' correlation at the place, and whether it is
  // weak (below 0.33: a tentative place; AreaSearchResult::weak).
  double fields_correlation = 0;
  bool weak_place = false;
  std::filesystem::path basemap;  // the basemap that matched (or gave the best candidate)
  int tentative = 0, inliers = 0;
  double inlier_ratio = 0;
  int best_candidate_inliers = 0;               // of the best candidate, also when !ok
  cv::Matx33d homography = cv::Matx33d::eye();  // photo pixels -> basemap pixels
  cv::Size photo_size;
  // Photo corners (top-left, top-right, bottom-right, bottom-left) on the ground; nullopt
  // for a corner above the horizon of an oblique photo.
  std::array<std::optional<LatLon>, 4> corners;
  std::vector<LatLon> footprint;   // closed ring, WGS84: the part of the photo on the ground
  double rmse_m = 0, rmse_px = 0;  // of the control points (basemap pixels)
  double gsd_m = 0;                // photo ground sample distance at its centre
  double basemap_pixel_m = 0;
  std::string basemap_crs;
  std::vector<ControlPoint> control_points;
  std::vector<std::string> levels_searched;  // e.g. "basemap.tif 1:4 (9 tiles)"
};

// Degrees clockwise from the basemap's pixel up to true north at `px` (full-resolution
// pixels): grid convergence, or a CRS whose north is not up. A heading (clockwise from true
// north) plus this is the direction in the basemap's pixels.
double NorthInPixels(const Basemap& map, cv::Point2d px);

// Registers `photo` (8-bit BGR or grey) against each basemap in turn and keeps the best.
// Error only for a photo that cannot be used at all (no features); "no match" is a result
// with ok == false. Basemaps are read from the calling thread only.
Result<GeorefResult> Georeference(const cv::Mat& photo, const std::vector<const Basemap*>& basemaps,
                                  const GeorefOptions& options = {});

}  // namespace gv
