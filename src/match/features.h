// Local features for matching photos of the same place: detection (SIFT by default, AKAZE
// or ORB), RootSIFT normalisation (Arandjelović & Zisserman, CVPR 2012), and detection on
// a downscaled copy of large photos with keypoints mapped back to full-resolution pixels.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "util/result.h"

namespace gv {

enum class Detector { kSift, kAkaze, kOrb };

struct FeatureOptions {
  Detector detector = Detector::kSift;
  int max_features = 4000;
  bool root_sift = true;                  // SIFT only
  int detection_max_side = 1600;          // larger images are downscaled for detection
  double sift_contrast_threshold = 0.04;  // Lowe's default; lower finds more in flat imagery
  Status Check() const;
};

Result<Detector> ParseDetector(const std::string& name);  // "sift", "akaze", "orb"

struct Features {
  std::vector<cv::KeyPoint> keypoints;  // full-resolution pixel coordinates
  cv::Mat descriptors;                  // CV_32F (SIFT) or CV_8U (binary)
  bool binary = false;
  cv::Size image_size;
};

// Detects and describes. Error when the image is empty or yields fewer than 8 features
// ("no usable features": blank, tiny or solid-colour images). `mask` (optional, CV_8UC1,
// image size): features are detected only where it is non-zero.
Result<Features> DetectFeatures(const cv::Mat& image, const FeatureOptions& options = {},
                                const cv::Mat& mask = cv::Mat());

}  // namespace gv
