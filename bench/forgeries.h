// Copy-move forgeries with their ground truth, for the forensics evaluation and tests: a
// square region of a photo copied elsewhere, rotated by `angle_deg` and scaled by `scale`
// about its centre (bilinear, as an editor's transform tool does).
#pragma once

#include <opencv2/core.hpp>

namespace gv::bench {

struct Forgery {
  cv::Mat image;  // the photo with the copy pasted in (not yet compressed)
  cv::Mat truth;  // CV_8UC1, 255 on the source and the pasted target
};

// Copies `source` of `photo` so that its centre lands on `to`.
Forgery CopyRegion(const cv::Mat& photo, const cv::Rect& source, cv::Point2f to, double angle_deg,
                   double scale);

}  // namespace gv::bench
