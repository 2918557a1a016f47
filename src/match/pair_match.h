// Matching two photos: descriptor matching with Lowe's ratio test and a mutual check, then
// geometric verification with OpenCV's USAC MAGSAC++ (Barath et al., CVPR 2020): a
// homography (planar or distant scenes) and a fundamental matrix (general 3-D scenes), of
// which the better-supported is kept, and a verdict that errs towards "different".
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "match/features.h"
#include "util/result.h"

namespace gv {

struct MatchOptions {
  double ratio = 0.8;  // Lowe's ratio test
  bool mutual = true;  // keep only matches that are each other's best
  double threshold_px =
      3.0;  // reprojection / epipolar threshold at 1600 px; scaled with image size
  int same_scene_min_inliers =
      25;  // verdict thresholds (homography; the fundamental matrix needs 2x)
  double same_scene_min_ratio = 0.25;
  // The inlier ratio a verdict through a fundamental matrix needs, when more than the above
  // (the affine views' many matches meet an epipolar line by chance more often).
  double fundamental_min_ratio = 0;
  int uncertain_min_inliers = 12;
  Status Check() const;
};

struct PairMatch {
  int tentative = 0;  // matches after ratio test and mutual check
  int homography_inliers = 0, fundamental_inliers = 0;
  int inliers = 0;                         // of the chosen model
  double inlier_ratio = 0;                 // inliers / tentative
  std::string model;                       // "homography", "fundamental" or "" (none)
  std::optional<cv::Matx33d> homography;   // pixels of A -> pixels of B
  std::optional<cv::Matx33d> fundamental;  // x_B^T F x_A = 0
  std::string verdict;                     // "same_scene", "different", "uncertain"
  std::vector<std::pair<cv::Point2f, cv::Point2f>> inlier_points;  // (A, B)
};

PairMatch MatchFeatures(const Features& a, const Features& b, const MatchOptions& options = {});
// The verification and verdict of tentative matches pa[i] <-> pb[i] (pixels of A and B).
PairMatch VerifyMatches(const std::vector<cv::Point2f>& pa, const std::vector<cv::Point2f>& pb,
                        cv::Size size_a, cv::Size size_b, const MatchOptions& options = {});
nlohmann::ordered_json ToJson(const PairMatch& match);

// Side-by-side picture of A and B with the inlier matches, for the investigator.
cv::Mat DrawMatches(const cv::Mat& a, const cv::Mat& b, const PairMatch& match,
                    int max_side = 1600);

}  // namespace gv
