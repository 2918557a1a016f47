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

namespace {

// The object of `box` (GrabCut, seeded with the box, on a copy at most 320 px across for
// speed): CV_8UC1 255 on the largest connected part of the foreground, holes closed, at the
// photo's size. Empty when GrabCut fails.
cv::Mat SegmentObject(const cv::Mat& photo, const cv::Rect& box) {
  const int margin = std::max(box.width, box.height) / 4;
  const cv::Rect around = (box + cv::Size(2 * margin, 2 * margin) - cv::Point(margin, margin)) &
                          cv::Rect(0, 0, photo.cols, photo.rows);
  const double f = std::min(1.0, 320.0 / std::max(around.width, around.height));
  cv::Mat small;
  cv::resize(photo(around), small, cv::Size(), f, f, cv::INTER_AREA);
  const cv::Rect seed(
      static_cast<int>((box.x - around.x) * f), static_cast<int>((box.y - around.y) * f),
      std::max(2, static_cast<int>(box.width * f)), std::max(2, static_cast<int>(box.height * f)));
  cv::Mat labels, bg, fg;
  // GrabCut's mixtures start from k-means on OpenCV's own generator: seeded here, so that a
  // photo's copies do not depend on what ran before.
  cv::theRNG().state = 0x9e3779b97f4a7c15ull ^ static_cast<std::uint64_t>(box.x * 7919 + box.y);
  try {
    cv::grabCut(small, labels, seed & cv::Rect(0, 0, small.cols, small.rows), bg, fg, 4,
                cv::GC_INIT_WITH_RECT);
  } catch (const cv::Exception&) {
    return {};
  }
  cv::Mat object = (labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD);
  cv::Mat components, stats, centroids;
  const int n = cv::connectedComponentsWithStats(object, components, stats, centroids, 8);
  int best = 0;
  for (int i = 1; i < n; ++i)
    if (best == 0 || stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(best, cv::CC_STAT_AREA))
      best = i;
  if (best == 0) return {};
  object = components == best;
  cv::morphologyEx(object, object, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(7, 7)));
  cv::Mat full(photo.size(), CV_8UC1, cv::Scalar(0)), back;
  cv::resize(object, back, around.size(), 0, 0, cv::INTER_LINEAR);
  full(around).setTo(255, back > 127);
  cv::Mat outside(photo.size(), CV_8UC1, cv::Scalar(255));
  outside(box).setTo(0);
  full.setTo(0, outside);
  return full;
}

}  // namespace

Forgery PasteObject(const cv::Mat& photo, const cv::Mat& object, const cv::Matx23d& map,
                    double feather_px) {
  cv::Mat alpha, moved, moved_alpha;
  object.convertTo(alpha, CV_32F, 1 / 255.0);
  if (feather_px > 0) cv::GaussianBlur(alpha, alpha, cv::Size(0, 0), feather_px);
  cv::warpAffine(photo, moved, cv::Mat(map), photo.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  cv::warpAffine(alpha, moved_alpha, cv::Mat(map), photo.size(), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::Mat base, over, weight;
  photo.convertTo(base, CV_32FC3);
  moved.convertTo(over, CV_32FC3);
  cv::cvtColor(moved_alpha, weight, cv::COLOR_GRAY2BGR);
  const cv::Mat keep = cv::Scalar::all(1.0) - weight;
  const cv::Mat blended = base.mul(keep) + over.mul(weight);
  Forgery f;
  blended.convertTo(f.image, CV_8UC3);
  const cv::Mat target = moved_alpha > 0.5;
  f.truth = object | target;
  return f;
}

std::optional<ObjectCopy> CopyObject(const cv::Mat& photo, std::mt19937_64& rng,
                                     const ObjectCopyOptions& o) {
  std::uniform_real_distribution<double> u(0, 1);
  const int short_side = std::min(photo.cols, photo.rows);
  for (int attempt = 0; attempt < 40; ++attempt) {
    const double size = short_side * (o.min_size + (o.max_size - o.min_size) * u(rng));
    const double aspect = std::exp(std::log(0.6) + (std::log(1.6) - std::log(0.6)) * u(rng));
    const int w = std::max(16, static_cast<int>(size * std::sqrt(aspect))),
              h = std::max(16, static_cast<int>(size / std::sqrt(aspect)));
    if (w >= photo.cols / 2 || h >= photo.rows / 2) continue;
    const cv::Rect box(static_cast<int>(u(rng) * (photo.cols - w)),
                       static_cast<int>(u(rng) * (photo.rows - h)), w, h);
    const cv::Mat object = SegmentObject(photo, box);
    if (object.empty()) continue;
    const double coverage = cv::countNonZero(object) / static_cast<double>(box.area());
    if (coverage < 0.25 || coverage > 0.85) continue;

    ObjectCopy c;
    c.object = box;
    c.coverage = coverage;
    c.angle_deg = o.max_angle_deg * (2 * u(rng) - 1);
    c.scale = o.min_scale + (o.max_scale - o.min_scale) * u(rng);
    c.mirrored = u(rng) < o.mirror_probability;
    c.feather_px = o.min_feather_px + (o.max_feather_px - o.min_feather_px) * u(rng);
    // Where the copy's centre goes: its rotated box inside the photo, clear of the source.
    const cv::Point2d centre(box.x + box.width / 2.0, box.y + box.height / 2.0);
    const double reach = 0.5 * std::hypot(w, h) * c.scale;
    if (2 * reach >= photo.cols || 2 * reach >= photo.rows) continue;
    cv::Point2d to;
    bool placed = false;
    for (int tries = 0; tries < 50 && !placed; ++tries) {
      to = {reach + u(rng) * (photo.cols - 2 * reach), reach + u(rng) * (photo.rows - 2 * reach)};
      placed = std::hypot(to.x - centre.x, to.y - centre.y) > reach + 0.5 * std::hypot(w, h);
    }
    if (!placed) continue;
    // photo -> copy: about the object's centre, mirrored (left-right) first, then scaled and
    // turned, then moved.
    const double a = c.angle_deg * CV_PI / 180, cs = std::cos(a) * c.scale,
                 sn = std::sin(a) * c.scale, m = c.mirrored ? -1 : 1;
    const cv::Matx23d map(m * cs, sn, 0, -m * sn, cs, 0);
    cv::Matx23d full = map;
    full(0, 2) = to.x - (map(0, 0) * centre.x + map(0, 1) * centre.y);
    full(1, 2) = to.y - (map(1, 0) * centre.x + map(1, 1) * centre.y);

    c.forgery = PasteObject(photo, object, full, c.feather_px);
    return c;
  }
  return std::nullopt;
}

}  // namespace gv::bench
