// What a registration produces for the investigator: JSON, vector features (footprint and
// control points, WGS84), the photo warped onto the basemap's grid as a GeoTIFF, and a
// picture of the matches.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "geo/basemap.h"
#include "georef/registration.h"
#include "report/vector_writer.h"

namespace gv {

// Keys: ok, message, basemap, basemap_crs, inliers, tentative_matches, inlier_ratio,
// best_candidate_inliers, corners_lonlat, footprint (GeoJSON), rmse_m, rmse_px, gsd_m,
// basemap_pixel_m, homography, control_points (count), levels_searched.
nlohmann::ordered_json GeorefJson(const GeorefResult& result);

// The footprint polygon and one point per control point, each with the evidence's file
// name and SHA-256. Empty when !result.ok.
std::vector<VectorFeature> GeorefFeatures(const GeorefResult& result, const std::string& file,
                                          const std::string& sha256);

// Warps the photo onto the basemap's grid and CRS at the photo's own ground resolution
// (capped at max_side pixels a side) with the exact homography, alpha outside the ground
// outline, and writes it as a GeoTIFF naming the evidence (file, SHA-256) in its metadata.
Status WriteWarpedPhoto(const std::filesystem::path& out, const cv::Mat& photo,
                        const GeorefResult& result, const Basemap& map, const std::string& file,
                        const std::string& sha256, int max_side = 8000);

// The photo beside the matched basemap area with the control points and the footprint.
Result<cv::Mat> DrawGeoref(const cv::Mat& photo, const GeorefResult& result, const Basemap& map,
                           int max_side = 1600);

}  // namespace gv
