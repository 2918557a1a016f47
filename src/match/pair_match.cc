#include "match/pair_match.h"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

namespace gv {
namespace {

std::vector<cv::DMatch> RatioMatches(const cv::Mat& from, const cv::Mat& to, bool binary,
                                     double ratio) {
  cv::BFMatcher matcher(binary ? cv::NORM_HAMMING : cv::NORM_L2);
  std::vector<std::vector<cv::DMatch>> knn;
  matcher.knnMatch(from, to, knn, 2);
  std::vector<cv::DMatch> out;
  for (const auto& pair : knn) {
    if (pair.size() == 2 && pair[0].distance < ratio * pair[1].distance) out.push_back(pair[0]);
  }
  return out;
}

// A homography that folds the image (mirror), collapses or blows it up where its inliers
// are, or sends some of them behind the camera, is not a view of a surface. The test is
// local: under a strong perspective the map at A's origin (outside the scene) may be
// anything, while at the inliers the area scale det(H) / w^3 stays within 1e-3..1e3.
bool PlausibleHomography(const cv::Mat& h, const std::vector<cv::Point2f>& pa,
                         const cv::Mat& mask) {
  if (h.empty() || mask.empty()) return false;
  const cv::Matx33d m(h);
  const double det = cv::determinant(m);
  if (!std::isfinite(det) || det == 0) return false;
  std::vector<double> scales;
  int folded = 0;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (!mask.at<uchar>(static_cast<int>(i))) continue;
    const double w = m(2, 0) * pa[i].x + m(2, 1) * pa[i].y + m(2, 2);
    const double scale = det / (w * w * w);
    if (!(scale > 0) || !std::isfinite(scale))
      ++folded;
    else
      scales.push_back(scale);
  }
  if (scales.empty() || folded > static_cast<int>(0.02 * (scales.size() + folded))) return false;
  std::nth_element(scales.begin(), scales.begin() + scales.size() / 2, scales.end());
  const double median = scales[scales.size() / 2];
  return median > 1e-3 && median < 1e3;
}

}  // namespace

Status MatchOptions::Check() const {
  if (!(ratio > 0 && ratio < 1)) return MakeError("ratio must be in (0, 1)");
  if (!(threshold_px > 0 && threshold_px < 50)) return MakeError("threshold must be in (0, 50) px");
  if (same_scene_min_inliers < 8 || uncertain_min_inliers < 4)
    return MakeError("inlier thresholds too small");
  if (!(fundamental_min_ratio >= 0 && fundamental_min_ratio <= 1))
    return MakeError("fundamental_min_ratio must be in [0, 1]");
  return OkStatus();
}

PairMatch MatchFeatures(const Features& a, const Features& b, const MatchOptions& options) {
  PairMatch result;
  result.verdict = "different";
  if (a.descriptors.empty() || b.descriptors.empty() || a.binary != b.binary) return result;
  std::vector<cv::DMatch> forward =
      RatioMatches(a.descriptors, b.descriptors, a.binary, options.ratio);
  if (options.mutual) {
    const std::vector<cv::DMatch> backward =
        RatioMatches(b.descriptors, a.descriptors, a.binary, options.ratio);
    std::vector<int> best_back(static_cast<std::size_t>(b.descriptors.rows), -1);
    for (const auto& m : backward) best_back[static_cast<std::size_t>(m.queryIdx)] = m.trainIdx;
    std::erase_if(forward, [&](const cv::DMatch& m) {
      return best_back[static_cast<std::size_t>(m.trainIdx)] != m.queryIdx;
    });
  }
  std::vector<cv::Point2f> pa, pb;
  for (const auto& m : forward) {
    pa.push_back(a.keypoints[static_cast<std::size_t>(m.queryIdx)].pt);
    pb.push_back(b.keypoints[static_cast<std::size_t>(m.trainIdx)].pt);
  }
  return VerifyMatches(pa, pb, a.image_size, b.image_size, options);
}

PairMatch VerifyMatches(const std::vector<cv::Point2f>& pa, const std::vector<cv::Point2f>& pb,
                        cv::Size size_a, cv::Size size_b, const MatchOptions& options) {
  PairMatch result;
  result.verdict = "different";
  result.tentative = static_cast<int>(pa.size());
  if (pa.size() < 8 || pa.size() != pb.size()) return result;
  const double size = std::max({size_a.width, size_a.height, size_b.width, size_b.height});
  const double threshold = options.threshold_px * std::max(1.0, size / 1600.0);
  cv::Mat h_mask, f_mask;
  cv::Mat h, f;
  try {
    h = cv::findHomography(pa, pb, cv::USAC_MAGSAC, threshold, h_mask, 10000, 0.9999);
    f = cv::findFundamentalMat(pa, pb, cv::USAC_MAGSAC, threshold, 0.9999, 10000, f_mask);
  } catch (const cv::Exception&) {
    // Degenerate input: no model.
  }
  if (!PlausibleHomography(h, pa, h_mask)) h.release();
  result.homography_inliers = h.empty() ? 0 : cv::countNonZero(h_mask);
  result.fundamental_inliers = (f.empty() || f.rows != 3) ? 0 : cv::countNonZero(f_mask);
  // A homography explains a planar or distant scene with fewer degrees of freedom: prefer it
  // unless the fundamental matrix explains clearly more matches.
  const bool use_h = result.homography_inliers > 0 &&
                     result.homography_inliers >= 0.7 * result.fundamental_inliers;
  const cv::Mat& mask = use_h ? h_mask : f_mask;
  if (use_h) {
    result.model = "homography";
    result.inliers = result.homography_inliers;
  } else if (result.fundamental_inliers > 0) {
    result.model = "fundamental";
    result.inliers = result.fundamental_inliers;
  }
  if (!h.empty()) result.homography = cv::Matx33d(h);
  if (!f.empty() && f.rows == 3) result.fundamental = cv::Matx33d(f);
  result.inlier_ratio =
      result.tentative > 0 ? static_cast<double>(result.inliers) / result.tentative : 0;
  if (!result.model.empty()) {
    for (std::size_t i = 0; i < pa.size(); ++i) {
      if (mask.at<uchar>(static_cast<int>(i))) result.inlier_points.emplace_back(pa[i], pb[i]);
    }
  }
  const int factor = use_h ? 1 : 2;  // an epipolar constraint accepts more chance matches
  const double min_ratio =
      use_h ? options.same_scene_min_ratio
            : std::max(options.same_scene_min_ratio, options.fundamental_min_ratio);
  if (result.inliers >= factor * options.same_scene_min_inliers &&
      result.inlier_ratio >= min_ratio) {
    result.verdict = "same_scene";
  } else if (result.inliers >= factor * options.uncertain_min_inliers) {
    result.verdict = "uncertain";
  }
  return result;
}

nlohmann::ordered_json ToJson(const PairMatch& m) {
  const auto matrix = [](const std::optional<cv::Matx33d>& x) -> nlohmann::ordered_json {
    if (!x) return nullptr;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (int r = 0; r < 3; ++r) rows.push_back({(*x)(r, 0), (*x)(r, 1), (*x)(r, 2)});
    return rows;
  };
  nlohmann::ordered_json j;
  j["tentative_matches"] = m.tentative;
  j["inliers"] = m.inliers;
  j["inlier_ratio"] = m.inlier_ratio;
  j["model"] = m.model.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(m.model);
  j["homography"] = matrix(m.homography);
  j["fundamental"] = matrix(m.fundamental);
  j["homography_inliers"] = m.homography_inliers;
  j["fundamental_inliers"] = m.fundamental_inliers;
  j["verdict"] = m.verdict;
  j["score"] = m.inliers;
  return j;
}

cv::Mat DrawMatches(const cv::Mat& a, const cv::Mat& b, const PairMatch& match, int max_side) {
  const double scale =
      std::min(1.0, static_cast<double>(max_side) / std::max({a.cols, a.rows, b.cols, b.rows}));
  cv::Mat sa, sb;
  cv::resize(a, sa, cv::Size(), scale, scale, cv::INTER_AREA);
  cv::resize(b, sb, cv::Size(), scale, scale, cv::INTER_AREA);
  cv::Mat canvas(std::max(sa.rows, sb.rows), sa.cols + sb.cols, CV_8UC3, cv::Scalar(0, 0, 0));
  sa.copyTo(canvas(cv::Rect(0, 0, sa.cols, sa.rows)));
  sb.copyTo(canvas(cv::Rect(sa.cols, 0, sb.cols, sb.rows)));
  for (const auto& [pa, pb] : match.inlier_points) {
    const cv::Point2f qa = pa * scale,
                      qb = pb * scale + cv::Point2f(static_cast<float>(sa.cols), 0);
    cv::line(canvas, qa, qb, cv::Scalar(0, 220, 0), 1, cv::LINE_AA);
    cv::circle(canvas, qa, 3, cv::Scalar(0, 255, 255), 1, cv::LINE_AA);
    cv::circle(canvas, qb, 3, cv::Scalar(0, 255, 255), 1, cv::LINE_AA);
  }
  return canvas;
}

}  // namespace gv
