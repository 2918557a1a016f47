// Plates turned in 3-D and pasted onto a photo, as the text evaluation (bench/eval_text.cc)
// and the script-look training (bench/train_script_look.cc) place their signs.
#pragma once

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <utility>
#include <vector>

namespace gv::bench {

// The plate's corners (top-left, top-right, bottom-right, bottom-left) seen turned in 3-D
// by a camera of focal length f (pixels): roll in the plane, then pitch about x, then yaw
// about y; centred on the origin.
inline std::vector<cv::Point2f> Turned(const cv::Size& plate, double yaw, double pitch, double roll,
                                       double f) {
  const double cy = std::cos(yaw), sy = std::sin(yaw), cp = std::cos(pitch), sp = std::sin(pitch);
  const double cr = std::cos(roll), sr = std::sin(roll);
  std::vector<cv::Point2f> out;
  for (const auto& [u, v] : std::vector<std::pair<double, double>>{
           {0, 0}, {plate.width, 0}, {plate.width, plate.height}, {0, plate.height}}) {
    const double x = u - plate.width / 2.0, y = v - plate.height / 2.0;
    const double x1 = cr * x - sr * y, y1 = sr * x + cr * y;
    const double y2 = cp * y1, z2 = sp * y1;
    const double x3 = cy * x1 + sy * z2, z3 = -sy * x1 + cy * z2;
    const double depth = f + z3;
    out.emplace_back(static_cast<float>(f * x3 / depth), static_cast<float>(f * y2 / depth));
  }
  return out;
}

// Pastes `plate` (BGR) onto `photo` with its corners at `corners` (as Turned gives them,
// moved into the photo).
inline void PastePlate(cv::Mat& photo, const cv::Mat& plate,
                       const std::vector<cv::Point2f>& corners) {
  const std::vector<cv::Point2f> src = {
      {0, 0},
      {static_cast<float>(plate.cols), 0},
      {static_cast<float>(plate.cols), static_cast<float>(plate.rows)},
      {0, static_cast<float>(plate.rows)}};
  const cv::Mat h = cv::getPerspectiveTransform(src, corners);
  cv::Mat warped, alpha;
  cv::warpPerspective(plate, warped, h, photo.size(), cv::INTER_LINEAR);
  cv::warpPerspective(cv::Mat(plate.size(), CV_8U, cv::Scalar(255)), alpha, h, photo.size(),
                      cv::INTER_LINEAR);
  warped.copyTo(photo, alpha > 128);
}

}  // namespace gv::bench
