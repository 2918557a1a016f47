// Face proposals for redaction: OpenCV's Haar cascades (Debian opencv-data, frontal and
// profile, the profile one run on the mirrored picture too) and dlib's HOG face detector
// (built into libdlib, no model to download). The picture is scaled so that a face of 40
// px in it is above each detector's smallest window: Haar's 24 px window sees 40 px faces
// at 0.6x, dlib's 80 px window at 2x (bounded by the work it costs on large photos).
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

class FaceDetector {
 public:
  // Error naming the Debian package when the cascades are missing.
  static Result<std::unique_ptr<FaceDetector>> Open(
      const std::string& cascades = "/usr/share/opencv4/haarcascades");
  ~FaceDetector();
  // Faces in an 8-bit BGR picture, overlapping proposals merged into their union.
  std::vector<FaceProposal> Detect(const cv::Mat& bgr) const;

 private:
  FaceDetector();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gv
