// Face proposals for redaction: OpenCV's Haar cascades (Debian opencv-data: the frontal one,
// also on the picture turned by the tilts, and the profile one, run on the mirrored picture
// too) and dlib's HOG face detector (built into libdlib, no model to download).
// dlib runs on the picture up to 2x (80 px window: faces from 40 px in small pictures), on
// its own thread beside the cascades; the frontal cascade up to 2,400 px a side (24 px window:
// faces from 40 px in a 12 MP photo). A cascade's detection that dlib did not make is
// checked by dlib on its neighbourhood, enlarged.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "util/result.h"

namespace gv {

struct FaceProposal {
  cv::Rect box;          // in the picture's pixels
  double score = 0;      // the detector's own: Haar neighbours, dlib's margin
  std::string detector;  // "haar-frontal", "haar-profile", "dlib-hog", joined with '+' when merged
};

// How hard to look. The defaults are what scripts/eval-redact measured (docs/evaluation.md).
struct FaceDetectOptions {
  double haar_max_side = 2400;  // the Haar cascades run at most this many pixels a side
  double scale_factor = 1.15;   // between the cascades' window sizes
  int min_neighbours = 3;       // Haar detections that must agree
  // A Haar detection that dlib did not make itself is kept only when dlib's HOG, run again on
  // the detection's neighbourhood scaled so the face is 100 px wide, finds a face there with
  // at least this margin (below 0: less sure than dlib's own threshold). Textures (leaves,
  // gravel, fabric) make Haar detections, seldom HOG ones.
  double verify_threshold = -0.3;
  // The frontal cascade also runs on the picture turned by these angles (degrees): heads
  // tilted sideways (small faces tilted 12-20 degrees were the misses; twice the time).
  std::vector<double> tilts = {-15, 15};
  bool verify = true;
};

class FaceDetector {
 public:
  // Error naming the Debian package when the cascades are missing.
  static Result<std::unique_ptr<FaceDetector>> Open(
      const std::string& cascades = "/usr/share/opencv4/haarcascades");
  ~FaceDetector();
  // Faces in an 8-bit BGR picture, overlapping proposals merged into their union.
  std::vector<FaceProposal> Detect(const cv::Mat& bgr, const FaceDetectOptions& options = {}) const;

 private:
  FaceDetector();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gv
