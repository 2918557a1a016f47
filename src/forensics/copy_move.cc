#include "forensics/copy_move.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <future>
#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include "match/seeded_rng.h"

namespace gv {
namespace {

constexpr double kRatio = 0.7;

// The region around matched points: convex hull, grown by the keypoints' typical scale.
void FillRegion(const std::vector<cv::Point2f>& points, int grow, cv::Mat& mask) {
  std::vector<cv::Point> hull, integer(points.begin(), points.end());
  cv::convexHull(integer, hull);
  cv::fillConvexPoly(mask, hull, cv::Scalar(255));
  cv::dilate(mask, mask,
             cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * grow + 1, 2 * grow + 1)));
}

// The SIFT descriptors (4 x 4 cells of 8 orientation bins, row by row) of the mirror images
// of the patches: cell row r becomes 3 - r and orientation bin b becomes (8 - b) % 8.
cv::Mat MirroredSift(const cv::Mat& descriptors) {
  cv::Mat out(descriptors.size(), descriptors.type());
  if (descriptors.cols != 128) return descriptors.clone();
  for (int i = 0; i < descriptors.rows; ++i) {
    const float* in = descriptors.ptr<float>(i);
    float* m = out.ptr<float>(i);
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 4; ++c)
        for (int b = 0; b < 8; ++b)
          m[((3 - r) * 4 + c) * 8 + (8 - b) % 8] = in[(r * 4 + c) * 8 + b];
  }
  return out;
}

}  // namespace

// The high-pass detail of a grey image (CV_32F).
cv::Mat CopyMoveDetail(const cv::Mat& gray) {
  cv::Mat f, smooth;
  gray.convertTo(f, CV_32F);
  cv::GaussianBlur(f, smooth, cv::Size(0, 0), 1.5);
  return f - smooth;
}

// Correlation, over `target`, of the photo's high-pass detail with the detail of the source
// carried over by `source_to_target`.
double CopyMoveCorrelation(const cv::Mat& detail, const cv::Matx23d& source_to_target,
                           const cv::Mat& target) {
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

// The map refined on the detail itself (ECC, affine, the target's bounding box against the
// whole detail image): RANSAC on keypoints leaves errors of a fraction of a pixel, enough to
// decorrelate fine detail. Kept only near the keypoints' map (corners within 2 px).
cv::Matx23d RefineCopyMoveMap(const cv::Mat& detail, const cv::Matx23d& source_to_target,
                              const cv::Mat& target) {
  const cv::Rect box = cv::boundingRect(target);
  if (box.width < 16 || box.height < 16) return source_to_target;
  // Template: the target's detail; the warp maps template (target crop) pixels to source
  // pixels in the whole detail image.
  cv::Matx33d s2t(source_to_target(0, 0), source_to_target(0, 1), source_to_target(0, 2),
                  source_to_target(1, 0), source_to_target(1, 1), source_to_target(1, 2), 0, 0, 1);
  const cv::Matx33d t2s = s2t.inv();
  const cv::Matx33d crop(1, 0, box.x, 0, 1, box.y, 0, 0, 1);
  const cv::Matx33d w0 = t2s * crop;
  cv::Mat warp =
      (cv::Mat_<float>(2, 3) << w0(0, 0), w0(0, 1), w0(0, 2), w0(1, 0), w0(1, 1), w0(1, 2));
  try {
    cv::findTransformECC(
        detail(box), detail, warp, cv::MOTION_AFFINE,
        cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 50, 1e-5), cv::noArray(),
        1);
  } catch (const cv::Exception&) {
    return source_to_target;  // no convergence: unrelated detail, or too little of it
  }
  cv::Matx33d w(warp.at<float>(0, 0), warp.at<float>(0, 1), warp.at<float>(0, 2),
                warp.at<float>(1, 0), warp.at<float>(1, 1), warp.at<float>(1, 2), 0, 0, 1);
  const cv::Matx33d refined = (w * crop.inv()).inv();  // source -> target
  // Corners of the box through both maps: at most 2 px apart.
  for (const cv::Point2d c : {cv::Point2d(box.x, box.y), cv::Point2d(box.br().x, box.br().y)}) {
    const cv::Vec3d a = t2s * cv::Vec3d(c.x, c.y, 1), b = refined.inv() * cv::Vec3d(c.x, c.y, 1);
    if (std::hypot(a[0] - b[0], a[1] - b[1]) > 2) return source_to_target;
  }
  return cv::Matx23d(refined(0, 0), refined(0, 1), refined(0, 2), refined(1, 0), refined(1, 1),
                     refined(1, 2));
}

namespace {

// Translations under which the photo's own fine detail repeats: a copy moved without
// rotation or scaling repeats its source's noise and texture pixel for pixel, even where it is
// too flat for keypoints (a wall, a sky, a floor). The detail, whitened by its local
// strength so that flat regions weigh as much as busy ones, is correlated with itself
// through the DFT; the strongest peaks away from the origin are the candidate shifts, each
// refined to a sub-pixel position. Returns (dx, dy) in analysis pixels.
std::vector<cv::Point2d> RepeatedShifts(const cv::Mat& detail, double min_shift, int count) {
  cv::Mat energy, strength;
  cv::GaussianBlur(detail.mul(detail), energy, cv::Size(0, 0), 6);
  cv::sqrt(energy, strength);
  cv::Mat white = detail / (strength + 1.0);
  // The 8x8 JPEG grid repeats everywhere: its mean pattern would peak at every multiple of 8.
  cv::Mat grid(8, 8, CV_64F, cv::Scalar(0)), grid_n(8, 8, CV_64F, cv::Scalar(0));
  for (int y = 0; y < white.rows; ++y)
    for (int x = 0; x < white.cols; ++x) {
      grid.at<double>(y % 8, x % 8) += white.at<float>(y, x);
      grid_n.at<double>(y % 8, x % 8) += 1;
    }
  for (int y = 0; y < white.rows; ++y)
    for (int x = 0; x < white.cols; ++x)
      white.at<float>(y, x) -=
          static_cast<float>(grid.at<double>(y % 8, x % 8) / grid_n.at<double>(y % 8, x % 8));
  const int w = cv::getOptimalDFTSize(white.cols * 2), h = cv::getOptimalDFTSize(white.rows * 2);
  const int rows = white.rows, cols = white.cols;
  // The spectrum of the real picture stays packed (CCS, as large as the picture) and every
  // intermediate is freed as soon as it is used: at 1,600 px this is 4x the analysis size
  // in floats, ~30 MB each; complex spectra twice that.
  cv::Mat correlation;
  {
    cv::Mat padded(h, w, CV_32F, cv::Scalar(0)), spectrum;
    white.copyTo(padded(cv::Rect(0, 0, cols, rows)));
    white.release(), energy.release(), strength.release();
    cv::dft(padded, spectrum);
    padded.release();
    cv::mulSpectrums(spectrum, spectrum, spectrum, 0, true);
    cv::dft(spectrum, correlation, cv::DFT_INVERSE | cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
  }
  const float zero = correlation.at<float>(0, 0);
  if (zero <= 0) return {};
  correlation /= zero;
  // A copy shows as a sharp peak; smooth content raises whole neighbourhoods of short shifts.
  // Peaks are ranked by their height above the surrounding correlation.
  {
    cv::Mat surround;
    cv::GaussianBlur(correlation, surround, cv::Size(0, 0), 3, 3, cv::BORDER_REFLECT);
    correlation -= surround;
  }
  // Shifts in one half-plane (a copy shows at +d and -d), at least min_shift long, within
  // the photo; the correlation wraps at the padded size.
  const auto at = [&](int dx, int dy) { return correlation.at<float>((dy + h) % h, (dx + w) % w); };
  struct Peak {
    float value;
    int dx, dy;
  };
  // The 4,096 highest cells, kept in a min-heap (all cells would be 45 MB at 1,600 px), then
  // highest first; equal values in scan order.
  constexpr std::size_t kKeep = 4096;
  const auto higher = [](const Peak& a, const Peak& b) {
    if (a.value != b.value) return a.value > b.value;
    return a.dy != b.dy ? a.dy < b.dy : a.dx < b.dx;
  };
  std::vector<Peak> peaks;
  peaks.reserve(kKeep);
  for (int dy = 0; dy < rows - 16; ++dy)
    for (int dx = -(cols - 16); dx < cols - 16; ++dx) {
      if (dy == 0 && dx <= 0) continue;
      if (std::hypot(dx, dy) < min_shift) continue;
      // The value of a 2x2 cell: a shift by a fraction of a pixel spreads over four lags.
      const Peak cell{at(dx, dy) + at(dx + 1, dy) + at(dx, dy + 1) + at(dx + 1, dy + 1), dx, dy};
      if (peaks.size() < kKeep) {
        peaks.push_back(cell);
        std::push_heap(peaks.begin(), peaks.end(), higher);
      } else if (higher(cell, peaks.front())) {
        std::pop_heap(peaks.begin(), peaks.end(), higher);
        peaks.back() = cell;
        std::push_heap(peaks.begin(), peaks.end(), higher);
      }
    }
  std::sort(peaks.begin(), peaks.end(), higher);
  const std::size_t keep = peaks.size();
  std::vector<cv::Point2d> out;
  for (std::size_t i = 0; i < keep && static_cast<int>(out.size()) < count; ++i) {
    const Peak& p = peaks[i];
    bool near = false;  // one candidate per peak
    for (const auto& o : out) near |= std::hypot(o.x - p.dx, o.y - p.dy) < 4;
    if (near) continue;
    // Sub-pixel: the centroid of the positive correlation over the 4x4 lags around the cell.
    double sx = 0, sy = 0, sw = 0;
    for (int y = p.dy - 1; y <= p.dy + 2; ++y)
      for (int x = p.dx - 1; x <= p.dx + 2; ++x) {
        const double v = std::max(0.0f, at(x, y));
        sx += v * x;
        sy += v * y;
        sw += v;
      }
    out.push_back(sw > 0 ? cv::Point2d(sx / sw, sy / sw) : cv::Point2d(p.dx + 0.5, p.dy + 0.5));
  }
  return out;
}

// Where the detail repeats under the shift d: the local correlation of the detail with the
// detail d further on, over a Gaussian window; 255 where it exceeds `level`, the largest
// connected region only. Marks the region the shift lands on (the target).
cv::Mat RepeatRegion(const cv::Mat& detail, cv::Point2d d, double level, int min_width) {
  cv::Mat moved;  // moved(x) = detail(x - d): the source carried onto the target
  const cv::Matx23d shift(1, 0, d.x, 0, 1, d.y);
  cv::warpAffine(detail, moved, cv::Mat(shift), detail.size(), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::Mat ab, aa, bb;
  const cv::Size k(0, 0);
  cv::GaussianBlur(detail.mul(moved), ab, k, 5);
  cv::GaussianBlur(detail.mul(detail), aa, k, 5);
  cv::GaussianBlur(moved.mul(moved), bb, k, 5);
  cv::Mat denominator;
  cv::sqrt(aa.mul(bb), denominator);
  const cv::Mat local = ab / (denominator + 1e-3);
  cv::Mat region = local > level, labels, stats, centroids;
  // A straight edge or line repeats under any shift along itself: thin regions are dropped
  // by an opening with a disc of `min_width` (outside the photo counts as background, so a
  // strip along the border is thin too), done with distance transforms: a disc this large
  // would be slow as a kernel.
  const double radius = min_width / 2.0;
  cv::Mat padded, distance, kept, back;
  cv::copyMakeBorder(region, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::distanceTransform(padded, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  kept = distance > radius;  // eroded
  cv::distanceTransform(~kept, back, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  region = (back <= radius)(cv::Rect(1, 1, region.cols, region.rows));  // dilated back
  const int n = cv::connectedComponentsWithStats(region, labels, stats, centroids, 8, CV_32S);
  int best = 0, best_area = 0;
  for (int i = 1; i < n; ++i)
    if (stats.at<int>(i, cv::CC_STAT_AREA) > best_area) {
      best_area = stats.at<int>(i, cv::CC_STAT_AREA);
      best = i;
    }
  cv::Mat out(detail.size(), CV_8UC1, cv::Scalar(0));
  if (best > 0) out.setTo(255, labels == best);
  return out;
}

// Whether a source and target region (analysis pixels) can be a copy worth reporting: the
// target is at least 32 x 32 pixels (smaller regions of a thumbnail repeat by chance), and
// it does not mostly lie on its own source (a brick wall or a tiled roof shifted by a few
// bricks maps onto itself; a clone that mostly overlaps what it copies hides nothing).
bool Plausible(const cv::Mat& source, const cv::Mat& target) {
  const int s = cv::countNonZero(source), t = cv::countNonZero(target);
  if (t < 32 * 32) return false;
  return cv::countNonZero(source & target) <= 0.5 * std::min(s, t);
}

// Makes a candidate the result: its method, keypoint matches, score, map (photo pixels) and
// regions (photo-size masks); the mask is kept only when the score reaches the threshold.
void Keep(const char* method, int matches, double score, const cv::Matx23d& source_to_target,
          const cv::Mat& source_mask, const cv::Mat& target_mask, const CopyMoveOptions& o,
          CopyMoveResult& r) {
  r.method = method;
  r.matches = matches;
  r.score = score;
  r.source_to_target = source_to_target;
  r.mirrored = source_to_target(0, 0) * source_to_target(1, 1) -
                   source_to_target(0, 1) * source_to_target(1, 0) <
               0;
  r.source = cv::boundingRect(source_mask);
  r.target = cv::boundingRect(target_mask);
  r.detected = score >= o.min_score;
  r.mask.setTo(0);
  if (r.detected) cv::bitwise_or(source_mask, target_mask, r.mask);
}

// Where the detail agrees under `map` (analysis pixels): the local correlation of the
// detail with the source's carried over (Gaussian window, sigma 4) above 0.5, within
// `within`, in the connected parts that hold at least one of `points` (the inliers' targets).
cv::Mat AgreementRegion(const cv::Mat& detail, const cv::Matx23d& map, const cv::Mat& within,
                        const std::vector<cv::Point2f>& points) {
  // Only around `within` (the window's reach beyond it does not count): a few candidates a
  // photo, each a small part of it.
  const cv::Rect box = (cv::boundingRect(within) + cv::Size(32, 32) - cv::Point(16, 16)) &
                       cv::Rect(0, 0, detail.cols, detail.rows);
  cv::Mat out(detail.size(), CV_8UC1, cv::Scalar(0));
  if (box.empty()) return out;
  cv::Matx23d local = map;  // source pixels -> the box's pixels
  local(0, 2) -= box.x;
  local(1, 2) -= box.y;
  cv::Mat carried, valid;
  cv::warpAffine(detail, carried, cv::Mat(local), box.size(), cv::INTER_LINEAR);
  cv::warpAffine(cv::Mat(detail.size(), CV_8UC1, cv::Scalar(255)), valid, cv::Mat(local),
                 box.size(), cv::INTER_NEAREST);
  const cv::Mat here = detail(box);
  cv::Mat ab, aa, bb, denominator;
  const cv::Size k(0, 0);
  cv::GaussianBlur(here.mul(carried), ab, k, 4);
  cv::GaussianBlur(here.mul(here), aa, k, 4);
  cv::GaussianBlur(carried.mul(carried), bb, k, 4);
  cv::sqrt(aa.mul(bb), denominator);
  cv::Mat region = (ab / (denominator + 1e-3)) > 0.5;
  region &= within(box);
  region &= valid;
  cv::Mat labels;
  const int n = cv::connectedComponents(region, labels, 8, CV_32S);
  std::vector<bool> keep(static_cast<std::size_t>(n), false);
  for (const auto& p : points) {
    const int x = cvRound(p.x) - box.x, y = cvRound(p.y) - box.y;
    if (x >= 0 && y >= 0 && x < labels.cols && y < labels.rows)
      keep[static_cast<std::size_t>(labels.at<int>(y, x))] = true;
  }
  keep[0] = false;
  cv::Mat kept = out(box);
  for (int y = 0; y < labels.rows; ++y)
    for (int x = 0; x < labels.cols; ++x)
      if (keep[static_cast<std::size_t>(labels.at<int>(y, x))]) kept.at<uchar>(y, x) = 255;
  return out;
}

// Keypoint candidates (Amerini et al.): RootSIFT matched against the photo itself, up to
// four affine maps by RANSAC. `r` keeps the candidate whose detail correlates best.
// `detected` is called once SIFT's scale space (the largest memory of copy-move) is freed.
void KeypointCandidates(const cv::Mat& gray, const cv::Mat& detail, double scale,
                        const cv::Size& full, const CopyMoveOptions& o, CopyMoveResult& r,
                        const std::function<void()>& detected) {
  std::vector<cv::KeyPoint> keypoints;
  cv::Mat descriptors;
  // A low contrast threshold and many keypoints: copied regions are often small and not very
  // busy (a patch of wall, a sign), and the strongest keypoints of a photo are elsewhere.
  cv::SIFT::create(o.max_keypoints, 3, o.contrast_threshold)
      ->detectAndCompute(gray, cv::noArray(), keypoints, descriptors);
  detected();
  if (keypoints.size() < 16) return;
  for (int i = 0; i < descriptors.rows; ++i) {  // RootSIFT
    cv::Mat row = descriptors.row(i);
    const double l1 = cv::norm(row, cv::NORM_L1);
    if (l1 > 0) row /= l1;
    cv::sqrt(row, row);
  }
  // A copy may also be mirrored (an editor's "flip horizontal"): SIFT is not invariant to
  // that, but a mirrored patch's descriptor is the original's with its rows of cells taken in
  // reverse order and its orientation bins reflected (the keypoint's angle a becomes 180 - a,
  // and the patch is reflected about its orientation axis). The mirrored descriptors are
  // matched against the same index.
  const cv::Mat mirrored = MirroredSift(descriptors);
  // Approximate nearest neighbours (randomised k-d trees; brute force over 16,000 keypoints
  // takes seconds), seeded so that the same photo gives the same result every time.
  std::vector<std::vector<cv::DMatch>> knn, knn_mirrored;
  {
    const SeededRng seeded(kFlannSeed);
    cv::FlannBasedMatcher matcher(cv::makePtr<cv::flann::KDTreeIndexParams>(4),
                                  cv::makePtr<cv::flann::SearchParams>(32));
    matcher.add(descriptors);
    matcher.train();
    matcher.knnMatch(descriptors, knn, 6);
    matcher.knnMatch(mirrored, knn_mirrored, 6);
  }
  struct Pool {
    std::vector<cv::Point2f> from, to;
  } pools[2];  // direct, mirrored
  for (int m = 0; m < 2; ++m)
    for (const auto& list : m ? knn_mirrored : knn) {
      // Skip the keypoint itself and others in its own neighbourhood (same structure; for a
      // mirrored descriptor, a symmetric structure's other half).
      std::vector<cv::DMatch> far;
      for (const auto& match : list) {
        const cv::Point2f d = keypoints[static_cast<std::size_t>(match.trainIdx)].pt -
                              keypoints[static_cast<std::size_t>(match.queryIdx)].pt;
        if (std::hypot(d.x, d.y) >= o.min_shift_px) far.push_back(match);
      }
      if (far.size() < 2 || !(far[0].distance < kRatio * far[1].distance)) continue;
      pools[m].from.push_back(keypoints[static_cast<std::size_t>(far[0].queryIdx)].pt);
      pools[m].to.push_back(keypoints[static_cast<std::size_t>(far[0].trainIdx)].pt);
    }
  // Each copy is matched in both directions; one affine map explains one direction. A
  // photo may hold natural repetition (windows, tiles) too: up to four maps are tried in each
  // pool, each on the matches the previous ones left, and the one whose detail correlates
  // best is kept.
  const int grow = std::max(4, static_cast<int>(8 / scale));
  for (Pool& pool : pools) {
    std::vector<cv::Point2f>& from = pool.from;
    std::vector<cv::Point2f>& to = pool.to;
    for (int model = 0; model < 4 && static_cast<int>(from.size()) >= o.min_inliers; ++model) {
      cv::Mat inliers;
      const cv::Mat affine = cv::estimateAffine2D(from, to, inliers, cv::RANSAC, 3.0, 4000, 0.999);
      if (affine.empty()) break;
      std::vector<cv::Point2f> src, dst, src_analysis, dst_analysis, rest_from, rest_to;
      for (int i = 0; i < inliers.rows; ++i) {
        const auto k = static_cast<std::size_t>(i);
        if (inliers.at<uchar>(i)) {
          src_analysis.push_back(from[k]);
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
      // The detail is compared at the analysis size: memory stays that of a 1,600 px image.
      cv::Mat target_analysis(gray.size(), CV_8UC1, cv::Scalar(0)), source_analysis;
      source_analysis = target_analysis.clone();
      FillRegion(dst_analysis, 8, target_analysis);
      FillRegion(src_analysis, 8, source_analysis);
      if (!Plausible(source_analysis, target_analysis)) continue;
      // Scored with the keypoints' map or its refinement, whichever the detail agrees with more.
      cv::Matx23d a(affine);
      double score = CopyMoveCorrelation(detail, a, target_analysis);
      const cv::Matx23d refined = RefineCopyMoveMap(detail, a, target_analysis);
      if (const double s = CopyMoveCorrelation(detail, refined, target_analysis); s > score) {
        score = s;
        a = refined;
      }
      // Objects are not convex and their copies' rims are blended into the new background
      // (a feathered paste): the hull of the keypoints then holds background that was not
      // copied, and a scaled copy's detail is interpolated. Where the detail agrees locally
      // under the map is the copy itself; when that covers at least half of the hull, its
      // correlation counts too, and it becomes the mask.
      cv::Mat grown;
      cv::dilate(target_analysis, grown,
                 cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(17, 17)));
      cv::Mat agreed = AgreementRegion(detail, a, grown, dst_analysis);
      const int agreed_area = cv::countNonZero(agreed);
      if (agreed_area >= std::max(32 * 32, cv::countNonZero(target_analysis) / 2))
        score = std::max(score, CopyMoveCorrelation(detail, a, agreed));
      else
        agreed.release();
      if (score <= r.score && !r.method.empty()) continue;
      a(0, 2) /= scale;
      a(1, 2) /= scale;
      cv::Mat source_mask(full, CV_8UC1, cv::Scalar(0)), target_mask = source_mask.clone();
      if (!agreed.empty()) {
        cv::resize(agreed, target_mask, full, 0, 0, cv::INTER_NEAREST);
        cv::Mat back;
        cv::invertAffineTransform(cv::Mat(a), back);
        cv::warpAffine(target_mask, source_mask, back, full, cv::INTER_NEAREST);
      } else {
        FillRegion(src, grow, source_mask);
        FillRegion(dst, grow, target_mask);
      }
      Keep("keypoints", static_cast<int>(src.size()), score, a, source_mask, target_mask, o, r);
    }
  }
}

// True when the detail within `region` runs mostly in one direction (coherence of the
// structure tensor above 0.8): lines and edges, which repeat along themselves.
bool OneDimensional(const cv::Mat& detail, const cv::Mat& region) {
  cv::Mat gx, gy;
  cv::Sobel(detail, gx, CV_32F, 1, 0);
  cv::Sobel(detail, gy, CV_32F, 0, 1);
  const double xx = cv::mean(gx.mul(gx), region)[0], yy = cv::mean(gy.mul(gy), region)[0],
               xy = cv::mean(gx.mul(gy), region)[0];
  const double trace = xx + yy, diff = std::sqrt((xx - yy) * (xx - yy) + 4 * xy * xy);
  return trace <= 0 || diff / trace > 0.8;
}

// Block candidates for copies moved without rotation or scaling (flat regions included):
// the repeated shifts of the detail, each with the region where the detail repeats.
void DenseCandidates(const cv::Mat& detail, double scale, const cv::Size& full,
                     const CopyMoveOptions& o, CopyMoveResult& r) {
  const int min_width = std::max(9, std::min(detail.cols, detail.rows) / 12);
  for (const cv::Point2d& d : RepeatedShifts(detail, o.min_shift_px, 10)) {
    const cv::Mat target = RepeatRegion(detail, d, 0.5, min_width);
    if (cv::countNonZero(target) == 0 || OneDimensional(detail, target)) continue;
    const cv::Matx23d shift(1, 0, d.x, 0, 1, d.y);
    cv::Mat source;
    cv::warpAffine(target, source, cv::Mat(cv::Matx23d(1, 0, -d.x, 0, 1, -d.y)), target.size(),
                   cv::INTER_NEAREST);
    if (!Plausible(source, target)) continue;
    const double score = CopyMoveCorrelation(detail, shift, target);
    if (score <= r.score) continue;
    cv::Mat target_mask, source_mask;
    cv::resize(target, target_mask, full, 0, 0, cv::INTER_NEAREST);
    cv::warpAffine(target_mask, source_mask,
                   cv::Mat(cv::Matx23d(1, 0, -d.x / scale, 0, 1, -d.y / scale)), full,
                   cv::INTER_NEAREST);
    Keep("block_correlation", 0, score, cv::Matx23d(1, 0, d.x / scale, 0, 1, d.y / scale),
         source_mask, target_mask, o, r);
  }
}

}  // namespace

Status CopyMoveOptions::Check() const {
  if (max_side < 256) return MakeError("copy-move max_side must be at least 256");
  if (min_inliers < 4) return MakeError("copy-move min_inliers must be at least 4");
  if (max_keypoints < 16) return MakeError("copy-move max_keypoints must be at least 16");
  if (!(contrast_threshold >= 0)) return MakeError("copy-move contrast_threshold must be >= 0");
  return OkStatus();
}

Result<CopyMoveResult> DetectCopyMove(const cv::Mat& image, const CopyMoveOptions& o,
                                      const std::function<void()>& scale_space_freed) {
  // A signal given once, also on every way out (a refusal, an exception).
  struct Once {
    std::function<void()> f;
    bool called = false;
    void operator()() {
      if (!called && f) called = true, f();
    }
    ~Once() { (*this)(); }
  } freed{scale_space_freed};
  if (auto st = o.Check(); !st.ok()) return st.error();
  if (image.empty()) return MakeError("empty image");
  cv::Mat gray = image;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  const double scale =
      std::min(1.0, static_cast<double>(o.max_side) / std::max(gray.cols, gray.rows));
  if (scale < 1) cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
  CopyMoveResult r;
  r.mask = cv::Mat(image.size(), CV_8UC1, cv::Scalar(0));
  const cv::Mat detail = CopyMoveDetail(gray);
  // The two kinds of candidates are independent: the block correlation runs on a second
  // thread (each only reads gray and detail), and the better candidate of the two is kept.
  // It starts once SIFT has detected, so that its DFTs never hold memory at the same time as
  // SIFT's scale space (about 450 MB at 1,600 px: SIFT doubles the picture first); it then
  // runs beside the keypoints' matching.
  CopyMoveResult dense = r;
  dense.mask = r.mask.clone();
  std::promise<void> sift_done;
  std::future<void> block = std::async(std::launch::async, [&, ready = sift_done.get_future()]() {
    ready.wait();
    DenseCandidates(detail, scale, image.size(), o, dense);
  });
  Once signal{[&] { sift_done.set_value(); }};
  KeypointCandidates(gray, detail, scale, image.size(), o, r, [&] { signal(), freed(); });
  signal(), freed();
  block.get();
  if (!dense.method.empty() && (r.method.empty() || dense.score > r.score)) return dense;
  return r;
}

}  // namespace gv
