#include "forensics/copy_move.h"

#include <algorithm>
#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

namespace gv {
namespace {

constexpr double kRatio = 0.6;

// The region around matched points: convex hull, grown by the keypoints' typical scale.
void FillRegion(const std::vector<cv::Point2f>& points, int grow, cv::Mat& mask) {
  std::vector<cv::Point> hull, integer(points.begin(), points.end());
  cv::convexHull(integer, hull);
  cv::fillConvexPoly(mask, hull, cv::Scalar(255));
  cv::dilate(mask, mask,
             cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * grow + 1, 2 * grow + 1)));
}

// Correlation, over `target`, of the image's high-pass detail with the detail of the source
// carried over by `source_to_target`.
double DetailCorrelation(const cv::Mat& image, const cv::Matx23d& source_to_target,
                         const cv::Mat& target) {
  cv::Mat gray = image, f, smooth;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  gray.convertTo(f, CV_32F);
  cv::GaussianBlur(f, smooth, cv::Size(0, 0), 1.5);
  const cv::Mat detail = f - smooth;
  cv::Mat carried;
  cv::warpAffine(detail, carried, cv::Mat(source_to_target), detail.size(), cv::INTER_LINEAR);
  cv::Mat valid;
  cv::warpAffine(cv::Mat(detail.size(), CV_8UC1, cv::Scalar(255)), valid, cv::Mat(source_to_target),
                 detail.size(), cv::INTER_NEAREST);
  cv::bitwise_and(valid, target, valid);
  if (cv::countNonZero(valid) < 64) return 0;
  cv::Scalar ma, sa, mb, sb;
  cv::meanStdDev(detail, ma, sa, valid);
  cv::meanStdDev(carried, mb, sb, valid);
  if (sa[0] <= 0 || sb[0] <= 0) return 0;
  const cv::Mat product = (detail - ma[0]).mul(carried - mb[0]);
  return cv::mean(product, valid)[0] / (sa[0] * sb[0]);
}

}  // namespace

Status CopyMoveOptions::Check() const {
  if (max_side < 256) return MakeError("copy-move max_side must be at least 256");
  if (min_inliers < 4) return MakeError("copy-move min_inliers must be at least 4");
  return OkStatus();
}

Result<CopyMoveResult> DetectCopyMove(const cv::Mat& image, const CopyMoveOptions& o) {
  if (auto st = o.Check(); !st.ok()) return st.error();
  if (image.empty()) return MakeError("empty image");
  cv::Mat gray = image;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  const double scale =
      std::min(1.0, static_cast<double>(o.max_side) / std::max(gray.cols, gray.rows));
  if (scale < 1) cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
  std::vector<cv::KeyPoint> keypoints;
  cv::Mat descriptors;
  cv::SIFT::create(8000, 3, 0.02)->detectAndCompute(gray, cv::noArray(), keypoints, descriptors);
  CopyMoveResult r;
  r.mask = cv::Mat(image.size(), CV_8UC1, cv::Scalar(0));
  if (keypoints.size() < 16) return r;
  for (int i = 0; i < descriptors.rows; ++i) {  // RootSIFT
    cv::Mat row = descriptors.row(i);
    const double l1 = cv::norm(row, cv::NORM_L1);
    if (l1 > 0) row /= l1;
    cv::sqrt(row, row);
  }
  std::vector<std::vector<cv::DMatch>> knn;
  cv::BFMatcher(cv::NORM_L2).knnMatch(descriptors, descriptors, knn, 6);
  std::vector<cv::Point2f> from, to;
  for (const auto& list : knn) {
    // Skip the keypoint itself and others in its own neighbourhood (same structure).
    std::vector<cv::DMatch> far;
    for (const auto& m : list) {
      const cv::Point2f d = keypoints[static_cast<std::size_t>(m.trainIdx)].pt -
                            keypoints[static_cast<std::size_t>(m.queryIdx)].pt;
      if (std::hypot(d.x, d.y) >= o.min_shift_px) far.push_back(m);
    }
    if (far.size() < 2 || !(far[0].distance < kRatio * far[1].distance)) continue;
    from.push_back(keypoints[static_cast<std::size_t>(far[0].queryIdx)].pt);
    to.push_back(keypoints[static_cast<std::size_t>(far[0].trainIdx)].pt);
  }
  // Each copy is matched in both directions; one affine map explains one direction. A
  // photo may hold natural repetition (windows, tiles) too: up to four maps are tried, each
  // on the matches the previous ones left, and the one whose detail correlates best is kept.
  const int grow = std::max(4, static_cast<int>(8 / scale));
  for (int model = 0; model < 4 && static_cast<int>(from.size()) >= o.min_inliers; ++model) {
    cv::Mat inliers;
    const cv::Mat affine = cv::estimateAffine2D(from, to, inliers, cv::RANSAC, 3.0, 4000, 0.999);
    if (affine.empty()) break;
    std::vector<cv::Point2f> src, dst, dst_analysis, rest_from, rest_to;
    for (int i = 0; i < inliers.rows; ++i) {
      const auto k = static_cast<std::size_t>(i);
      if (inliers.at<uchar>(i)) {
        dst_analysis.push_back(to[k]);
        src.push_back(from[k] * (1 / scale));
        dst.push_back(to[k] * (1 / scale));
      } else {
        rest_from.push_back(from[k]);
        rest_to.push_back(to[k]);
      }
    }
    from = std::move(rest_from);
    to = std::move(rest_to);
    if (static_cast<int>(src.size()) < o.min_inliers) break;
    cv::Matx23d a(affine);
    a(0, 2) /= scale;
    a(1, 2) /= scale;
    cv::Mat source_mask(image.size(), CV_8UC1, cv::Scalar(0)), target_mask = source_mask.clone();
    FillRegion(src, grow, source_mask);
    FillRegion(dst, grow, target_mask);
    // The detail is compared at the analysis size: memory stays that of a 1,600 px image.
    cv::Mat target_analysis(gray.size(), CV_8UC1, cv::Scalar(0));
    FillRegion(dst_analysis, 8, target_analysis);
    const double score = DetailCorrelation(gray, cv::Matx23d(affine), target_analysis);
    if (score <= r.score && r.matches > 0) continue;
    r.matches = static_cast<int>(src.size());
    r.score = score;
    r.source_to_target = a;
    r.source = cv::boundingRect(source_mask);
    r.target = cv::boundingRect(target_mask);
    r.detected = score >= o.min_score;
    r.mask.setTo(0);
    if (r.detected) cv::bitwise_or(source_mask, target_mask, r.mask);
  }
  return r;
}

}  // namespace gv
