#include "forgeries.h"

#include <opencv2/imgproc.hpp>

namespace gv::bench {

Forgery CopyRegion(const cv::Mat& photo, const cv::Rect& source, cv::Point2f to, double angle_deg,
                   double scale) {
  const cv::Point2f centre(static_cast<float>(source.x + source.width / 2.0),
                           static_cast<float>(source.y + source.height / 2.0));
  cv::Mat m = cv::getRotationMatrix2D(centre, angle_deg, scale);
  m.at<double>(0, 2) += to.x - centre.x;
  m.at<double>(1, 2) += to.y - centre.y;
  cv::Mat region(photo.size(), CV_8UC1, cv::Scalar(0)), moved_region, moved;
  region(source).setTo(255);
  cv::warpAffine(photo, moved, m, photo.size(), cv::INTER_LINEAR);
  cv::warpAffine(region, moved_region, m, photo.size(), cv::INTER_NEAREST);
  Forgery f;
  f.image = photo.clone();
  moved.copyTo(f.image, moved_region);
  cv::bitwise_or(region, moved_region, f.truth);
  return f;
}

}  // namespace gv::bench
