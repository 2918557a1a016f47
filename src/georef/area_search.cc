#include "georef/area_search.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <new>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <sstream>

#include "georef/footprint.h"
#include "util/ordered_pool.h"

namespace gv {
namespace {

constexpr double kCoarseSide = 128;     // the photo's footprint, coarse level pixels, longest side
constexpr double kRotationStepDeg = 2;  // coarse grid
constexpr double kScaleStep = 1.04;     // coarse grid, ratio
constexpr int kPeaks = 6;               // distinct coarse peaks refined
constexpr double kFineSide = 384;       // the footprint at the finest level searched, at most
constexpr int kMinAgreeing = 6;         // patches
constexpr double kMinAgreeingShare = 0.3;  // of the patches correlated
// A place is accepted when the first, affine round agrees strongly (the share of its
// patches), or fairly and the kept homography round agrees widely and well (its share and
// mean normalised correlation). Chosen on the tune views (eval_georef --priors-only, seed
// 7): right places agreed in 12-25 of 25 first-round patches, wrong ones in 6-14.
constexpr int kRounds = 7;  // homography rounds after the affine one (more reach the corners
                            // of tilted photos; 4 rounds 60 %, 7 with the best kept 63 %)
constexpr double kStrongFirstShare = 0.6;
constexpr double kFairFirstShare = 0.48;
constexpr double kWideLastShare = 0.45;
constexpr double kMinPatchMean = 0.2;
constexpr double kMinCoarse = 0.12;
// The dense alignment (AlignOrientationFields) from the best coarse peaks: how many, the
// correlation it needs in any case, and the margin by which it must beat the patches'
// homography's (tune views: right places 0.31-0.47, wrong ones 0.04-0.30).
constexpr int kDensePeaks = 2;
constexpr double kDenseMargin = 0.03;
constexpr double kMinDenseCorrelation = 0.33;
// The least correlation of the fields at a place the first pass of AreaSearch found: on the
// tune views right places correlated at 0.30-0.46, an unrelated photo's place at 0.08.
constexpr double kMinPlaceCorrelation = 0.2;
constexpr double kTiltDeg = 35;  // the second pass's camera tilt (AreaSearch)
// A distinctive peak of the tilted pass: its coarse score at least kDistinctPeakRatio times
// the next distinct peak's. On the tune views, every tilted pass whose best peak stood out so
// (6 of 6, ratios 1.35-1.73) had the truth there, and no unrelated photo's did (40 tilted
// passes, ratios 1.01-1.18); a place there is kept at a lower correlation of its fields,
// kMinDistinctCorrelation (the fields of the tune views the search missed, tilted 25-45
// degrees, correlate at 0.28-0.34 at their true places), as a weak place.
constexpr double kDistinctPeakRatio = 1.3;
constexpr double kMinDistinctCorrelation = 0.25;

// Doubled-angle orientation field: CV_32FC2 (cos 2t, sin 2t) x |g| / (|g| + median |g|),
// zero outside `valid` (eroded so that the data's edge makes no gradient).
cv::Mat OrientationField(const cv::Mat& gray, const cv::Mat& valid) {
  cv::Mat f;
  gray.convertTo(f, CV_32F);
  cv::GaussianBlur(f, f, cv::Size(0, 0), 1.0);
  cv::Mat gx, gy;
  cv::Sobel(f, gx, CV_32F, 1, 0, 3);
  cv::Sobel(f, gy, CV_32F, 0, 1, 3);
  cv::Mat mag2 = gx.mul(gx) + gy.mul(gy);
  cv::Mat mag;
  cv::sqrt(mag2, mag);
  cv::Mat inside;
  cv::erode(valid, inside, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
  // The median gradient over the data (a histogram of 1/4 levels up to 1,024).
  std::vector<int> hist(4096, 0);
  int n = 0;
  for (int y = 0; y < mag.rows; ++y) {
    const float* m = mag.ptr<float>(y);
    const uchar* v = inside.ptr<uchar>(y);
    for (int x = 0; x < mag.cols; ++x) {
      if (!v[x]) continue;
      ++hist[static_cast<std::size_t>(std::min(4095.0f, m[x] * 4))];
      ++n;
    }
  }
  double median = 1;
  for (int i = 0, seen = 0; i < 4096; ++i) {
    seen += hist[static_cast<std::size_t>(i)];
    if (seen * 2 >= n) {
      median = std::max(1.0, i / 4.0);
      break;
    }
  }
  cv::Mat field(gray.size(), CV_32FC2, cv::Scalar::all(0));
  for (int y = 0; y < gray.rows; ++y) {
    const float* a = gx.ptr<float>(y);
    const float* b = gy.ptr<float>(y);
    const float* m2 = mag2.ptr<float>(y);
    const float* m = mag.ptr<float>(y);
    const uchar* v = inside.ptr<uchar>(y);
    cv::Vec2f* out = field.ptr<cv::Vec2f>(y);
    for (int x = 0; x < gray.cols; ++x) {
      if (!v[x] || m2[x] <= 0) continue;
      const float w = static_cast<float>(m[x] / (m[x] + median)) / m2[x];
      out[x] = cv::Vec2f((a[x] * a[x] - b[x] * b[x]) * w, 2 * a[x] * b[x] * w);
    }
  }
  return field;
}

cv::Mat Energy(const cv::Mat& field) {
  std::vector<cv::Mat> c;
  cv::split(field, c);
  cv::Mat e = c[0].mul(c[0]) + c[1].mul(c[1]);
  cv::Mat z[] = {e, cv::Mat::zeros(e.size(), CV_32F)};
  cv::Mat out;
  cv::merge(z, 2, out);
  return out;
}

cv::Mat Spectrum(const cv::Mat& complex, cv::Size size) {
  cv::Mat padded(size, CV_32FC2, cv::Scalar::all(0));
  complex.copyTo(padded(cv::Rect(0, 0, complex.cols, complex.rows)));
  cv::dft(padded, padded);
  return padded;
}

// Real part of the circular cross-correlation sum_x conj(t(x)) b(x + u), from spectra.
cv::Mat Correlate(const cv::Mat& b_spectrum, const cv::Mat& t_spectrum) {
  cv::Mat product, out;
  cv::mulSpectrums(b_spectrum, t_spectrum, product, 0, true);
  cv::dft(product, out, cv::DFT_INVERSE | cv::DFT_SCALE | cv::DFT_REAL_OUTPUT);
  return out;
}

// Corner-convention affine maps (x' = A [x y 1]) for OpenCV's warps, which use pixel centres.
cv::Matx33d ToCentres(const cv::Matx33d& corner) {
  const cv::Matx33d plus(1, 0, 0.5, 0, 1, 0.5, 0, 0, 1), minus(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1);
  return minus * corner * plus;
}

struct Peak {
  double score = 0;
  double rotation_deg = 0, scale = 1;
  cv::Matx33d h;  // photo -> full-resolution basemap
};

// A tilt of the camera: `tilt_deg` off straight down, about the axis at `azimuth_deg` in the
// photo (from its x axis, towards its y axis). {0, 0}: seen from straight above.
struct Shape {
  double tilt_deg = 0, azimuth_deg = 0;
};

// Photo pixels -> the photo seen from straight above through `shape` (a focal length of the
// photo's longest side), about the photo's centre, the scale there kept.
cv::Matx33d Unfold(cv::Size size, const Shape& shape) {
  if (shape.tilt_deg == 0) return cv::Matx33d::eye();
  const double f = std::max(size.width, size.height), cx = size.width / 2.0, cy = size.height / 2.0;
  const double t = shape.tilt_deg * CV_PI / 180, az = shape.azimuth_deg * CV_PI / 180;
  cv::Matx33d r;
  cv::Rodrigues(cv::Vec3d(std::cos(az), std::sin(az), 0) * t, r);
  const cv::Matx33d k(f, 0, cx, 0, f, cy, 0, 0, 1);
  cv::Matx33d h = k * r * k.inv();  // from above -> the tilted photo
  const auto moved = ApplyHomography(h, {cx, cy});
  if (!moved) return cv::Matx33d::eye();
  h = cv::Matx33d(1, 0, cx - moved->x, 0, 1, cy - moved->y, 0, 0, 1) * h;
  const double m = 1.0 / ScaleAt(h, {cx, cy});
  h = cv::Matx33d(m, 0, cx * (1 - m), 0, m, cy * (1 - m), 0, 0, 1) * h;
  return h.inv();
}

// The photo seen through `shape`, turned by `rotation_deg` and scaled by `k` (template
// pixels per photo pixel, at its centre), on a canvas that holds it (for a tilted shape, at
// most as large as the untilted photo's: the far side's stretch is cut): its field, validity
// and the map photo -> template. Empty where the shape cannot be made.
struct Template {
  cv::Mat field, mask;
  cv::Matx33d from_photo;
};

Template MakeTemplate(const cv::Mat& photo, double rotation_deg, double k, const Shape& shape) {
  const double r = rotation_deg * CV_PI / 180;
  const cv::Matx33d turn(k * std::cos(r), -k * std::sin(r), 0, k * std::sin(r), k * std::cos(r), 0,
                         0, 0, 1);
  const cv::Matx33d g = turn * Unfold(photo.size(), shape);
  Template t;
  std::vector<cv::Point2d> corners, plain;
  double k_min = k;  // the least template pixels per photo pixel
  for (const cv::Point2d c : {cv::Point2d(0, 0), cv::Point2d(photo.cols, 0),
                              cv::Point2d(photo.cols, photo.rows), cv::Point2d(0, photo.rows)}) {
    const auto p = ApplyHomography(g, c);
    if (!p) return t;
    corners.push_back(*p);
    plain.emplace_back(turn(0, 0) * c.x + turn(0, 1) * c.y, turn(1, 0) * c.x + turn(1, 1) * c.y);
    k_min = std::min(k_min, ScaleAt(g, c));
  }
  if (!(k_min > 0)) return t;
  cv::Rect2d box = BoundingBox(corners);
  if (shape.tilt_deg != 0) {
    // The untilted canvas, centred where the photo's centre goes.
    const cv::Rect2d untilted = BoundingBox(plain);
    const auto centre = ApplyHomography(g, {photo.cols / 2.0, photo.rows / 2.0});
    if (!centre) return t;
    const cv::Point2d shift = *centre - (untilted.tl() + untilted.br()) * 0.5;
    box &= cv::Rect2d(untilted.tl() + shift, untilted.size());
  }
  const cv::Size size(static_cast<int>(std::ceil(box.width)),
                      static_cast<int>(std::ceil(box.height)));
  if (size.width < 8 || size.height < 8) return t;
  t.from_photo = cv::Matx33d(1, 0, -box.x, 0, 1, -box.y, 0, 0, 1) * g;
  // Downscale first with area averaging, then turn: no aliasing on large photos.
  cv::Mat small = photo;
  double pre = 1;
  if (k_min < 0.5) {
    pre = k_min * 1.5;
    cv::resize(photo, small, cv::Size(), pre, pre, cv::INTER_AREA);
  }
  const cv::Matx33d from_small = t.from_photo * cv::Matx33d(1 / pre, 0, 0, 0, 1 / pre, 0, 0, 0, 1);
  const cv::Matx33d c = ToCentres(from_small);
  cv::Mat warped, valid;
  if (shape.tilt_deg == 0) {
    const cv::Matx23d m(c(0, 0), c(0, 1), c(0, 2), c(1, 0), c(1, 1), c(1, 2));
    cv::warpAffine(small, warped, m, size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::warpAffine(cv::Mat(small.size(), CV_8UC1, cv::Scalar(255)), valid, m, size,
                   cv::INTER_NEAREST, cv::BORDER_CONSTANT);
  } else {
    cv::warpPerspective(small, warped, cv::Mat(c), size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::warpPerspective(cv::Mat(small.size(), CV_8UC1, cv::Scalar(255)), valid, cv::Mat(c), size,
                        cv::INTER_NEAREST, cv::BORDER_CONSTANT);
  }
  t.field = OrientationField(warped, valid);
  t.mask = valid;
  return t;
}

// Photo -> full-resolution basemap for a template placed at `at` (level pixels) on a level
// read from `region` at `d` full-resolution pixels per level pixel.
cv::Matx33d PlacedHomography(const Template& t, cv::Point2d at, const cv::Rect2d& region,
                             double d) {
  const cv::Matx33d level_from_template(1, 0, at.x, 0, 1, at.y, 0, 0, 1);
  const cv::Matx33d full_from_level(d, 0, region.x, 0, d, region.y, 0, 0, 1);
  return full_from_level * level_from_template * t.from_photo;
}

double SubPixel(float left, float centre, float right) {
  const double den = left - 2.0 * centre + right;
  if (!(std::abs(den) > 1e-9)) return 0;
  return std::clamp(0.5 * (left - right) / den, -0.5, 0.5);
}

// The photo seen from above through `w` (photo pixels -> level pixels) on a grid of `size`,
// downscaled first when much larger: its grey pixels and where it lies (255).
void SeenFromAbove(const cv::Mat& photo, const cv::Matx33d& w, cv::Size size, cv::Mat& warped,
                   cv::Mat& valid) {
  cv::Mat src = photo;
  double pre = 1;
  const double k = BasemapPixelsPerPhotoPixel(w, photo.size());
  if (k < 0.5) {
    pre = k * 1.5;
    cv::resize(photo, src, cv::Size(), pre, pre, cv::INTER_AREA);
  }
  const cv::Matx33d c = ToCentres(w * cv::Matx33d(1 / pre, 0, 0, 0, 1 / pre, 0, 0, 0, 1));
  cv::warpPerspective(src, warped, cv::Mat(c), size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::warpPerspective(cv::Mat(src.size(), CV_8UC1, cv::Scalar(255)), valid, cv::Mat(c), size,
                      cv::INTER_NEAREST, cv::BORDER_CONSTANT);
}

struct PatchRound {
  cv::Matx33d h;
  std::vector<std::pair<cv::Point2f, cv::Point2f>> agreeing;
  int patches = 0;
  double mean = 0;
  bool ok = false;
};

// One round of patch correlation around the estimate `h`, searching `radius` level pixels.
PatchRound RefineByPatches(const cv::Mat& photo, const Basemap& map, const cv::Matx33d& h,
                           double radius_share, int grid, double patch_share, bool homography) {
  PatchRound round;
  round.h = h;
  const auto bounds = FootprintBounds(h, photo.size());
  if (!bounds) return round;
  const double d = std::max(1.0, std::max(bounds->width, bounds->height) / kFineSide);
  const double radius = std::max(3.0, radius_share * std::max(bounds->width, bounds->height) / d);
  const double margin = (radius + 4) * d;
  const cv::Rect2d window(bounds->x - margin, bounds->y - margin, bounds->width + 2 * margin,
                          bounds->height + 2 * margin);
  const cv::Size size(std::max(8, static_cast<int>(std::lround(window.width / d))),
                      std::max(8, static_cast<int>(std::lround(window.height / d))));
  auto pixels = map.Read(window, size);
  if (!pixels.ok()) return round;
  const cv::Mat base = OrientationField(pixels->gray, pixels->mask);
  const cv::Matx33d level_from_full(1 / d, 0, -window.x / d, 0, 1 / d, -window.y / d, 0, 0, 1);
  const cv::Matx33d w = level_from_full * h;
  cv::Mat warped, valid;
  SeenFromAbove(photo, w, size, warped, valid);
  const cv::Mat seen = OrientationField(warped, valid);
  const cv::Rect foot = cv::boundingRect(valid);
  if (foot.width < 24 || foot.height < 24) return round;
  const cv::Matx33d w_inv = w.inv();
  // Patches centred on a grid over the photo, square on the ground, a share of the
  // footprint's size.
  const int side = std::max(16, static_cast<int>(std::sqrt(cv::countNonZero(valid)) * patch_share));
  std::vector<cv::Point2f> photo_pts, map_pts;
  std::vector<double> scores;
  const int r = static_cast<int>(std::ceil(radius));
  const cv::Rect all(0, 0, size.width, size.height);
  for (int gy = 0; gy < grid; ++gy) {
    for (int gx = 0; gx < grid; ++gx) {
      // Centres from a patch's half side in from the photo's edges (on the ground).
      const double inset = std::min(0.35, 0.5 * patch_share);
      const cv::Point2d in_photo(photo.cols * (inset + (1 - 2 * inset) * gx / (grid - 1)),
                                 photo.rows * (inset + (1 - 2 * inset) * gy / (grid - 1)));
      const auto at = ApplyHomography(w, in_photo);
      if (!at) continue;
      const cv::Rect patch(static_cast<int>(std::lround(at->x - side / 2.0)),
                           static_cast<int>(std::lround(at->y - side / 2.0)), side, side);
      const cv::Rect search(patch.x - r, patch.y - r, side + 2 * r, side + 2 * r);
      if ((search & all) != search) continue;
      if (cv::countNonZero(valid(patch)) < 0.6 * patch.area()) continue;
      if (cv::countNonZero(pixels->mask(search)) < 0.9 * search.area()) continue;
      const cv::Mat t = seen(patch);
      if (cv::norm(t) < 1e-3 * side) continue;
      ++round.patches;
      cv::Mat score;
      cv::matchTemplate(base(search), t, score, cv::TM_CCORR_NORMED);
      cv::Point best;
      double top = 0;
      cv::minMaxLoc(score, nullptr, &top, nullptr, &best);
      double dx = 0, dy = 0;
      if (best.x > 0 && best.x + 1 < score.cols)
        dx = SubPixel(score.at<float>(best.y, best.x - 1), score.at<float>(best.y, best.x),
                      score.at<float>(best.y, best.x + 1));
      if (best.y > 0 && best.y + 1 < score.rows)
        dy = SubPixel(score.at<float>(best.y - 1, best.x), score.at<float>(best.y, best.x),
                      score.at<float>(best.y + 1, best.x));
      const cv::Point2d centre(patch.x + side / 2.0, patch.y + side / 2.0);
      const cv::Point2d found(centre.x + best.x - r + dx, centre.y + best.y - r + dy);
      const auto p = ApplyHomography(w_inv, centre);
      if (!p) continue;
      photo_pts.emplace_back(*p);
      map_pts.emplace_back(window.x + found.x * d, window.y + found.y * d);
      scores.push_back(top);
    }
  }
  if (photo_pts.size() < static_cast<std::size_t>(kMinAgreeing)) return round;
  cv::Mat inliers;
  cv::Mat fitted;
  try {
    if (homography && photo_pts.size() >= 10) {
      fitted = cv::findHomography(photo_pts, map_pts, cv::RANSAC, 1.5 * d, inliers, 2000, 0.999);
    } else {
      // A first, loose fit: the perspective of a tilted photo is not affine.
      const double loose = std::max(2.0, 0.03 * std::max(foot.width, foot.height)) * d;
      cv::Mat affine =
          cv::estimateAffine2D(photo_pts, map_pts, inliers, cv::RANSAC, loose, 2000, 0.999);
      if (!affine.empty()) {
        fitted = cv::Mat::eye(3, 3, CV_64F);
        affine.copyTo(fitted(cv::Rect(0, 0, 3, 2)));
      }
    }
  } catch (const cv::Exception&) {
    return round;
  }
  if (fitted.empty() || !PlausibleGroundHomography(cv::Matx33d(fitted), photo.size())) return round;
  double sum = 0;
  for (int i = 0; i < inliers.rows; ++i) {
    if (!inliers.at<uchar>(i)) continue;
    round.agreeing.emplace_back(photo_pts[static_cast<std::size_t>(i)],
                                map_pts[static_cast<std::size_t>(i)]);
    sum += scores[static_cast<std::size_t>(i)];
  }
  round.mean = round.agreeing.empty() ? 0 : sum / static_cast<double>(round.agreeing.size());
  round.h = cv::Matx33d(fitted);
  round.ok = static_cast<int>(round.agreeing.size()) >= kMinAgreeing &&
             static_cast<double>(round.agreeing.size()) >= kMinAgreeingShare * round.patches;
  return round;
}

// Bilinear sample of a CV_32FC2 field and its x and y derivatives (CV_32FC2 each) at
// (x, y) in pixel-centre coordinates; false outside.
bool SampleField(const cv::Mat& f, const cv::Mat& fx, const cv::Mat& fy, const cv::Mat& mask,
                 double x, double y, cv::Vec2d& v, cv::Vec2d& vx, cv::Vec2d& vy) {
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  if (x0 < 0 || y0 < 0 || x0 + 1 >= f.cols || y0 + 1 >= f.rows) return false;
  if (!mask.at<uchar>(y0, x0) || !mask.at<uchar>(y0 + 1, x0 + 1)) return false;
  const double ax = x - x0, ay = y - y0;
  const auto at = [&](const cv::Mat& m) {
    const cv::Vec2f a = m.at<cv::Vec2f>(y0, x0), b = m.at<cv::Vec2f>(y0, x0 + 1),
                    c = m.at<cv::Vec2f>(y0 + 1, x0), d = m.at<cv::Vec2f>(y0 + 1, x0 + 1);
    return cv::Vec2d((1 - ay) * ((1 - ax) * a[0] + ax * b[0]) + ay * ((1 - ax) * c[0] + ax * d[0]),
                     (1 - ay) * ((1 - ax) * a[1] + ax * b[1]) + ay * ((1 - ax) * c[1] + ax * d[1]));
  };
  v = at(f), vx = at(fx), vy = at(fy);
  return true;
}

// One pass of AlignOrientationFields; `affine_first`: an affine correction only at the
// coarsest level.
FieldAlignment AlignFieldsOnce(const cv::Mat& photo, const Basemap& map, const cv::Matx33d& start,
                               const std::vector<double>& sides, bool refine, bool affine_first) {
  FieldAlignment fit;
  fit.homography = start;
  const cv::Matx33d plus(1, 0, 0.5, 0, 1, 0.5, 0, 0, 1), minus(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1);
  for (const double side : sides) {
    const auto bounds = FootprintBounds(fit.homography, photo.size());
    if (!bounds) return fit;
    const double extent = std::max(bounds->width, bounds->height);
    const double d = std::max(1.0, extent / side);
    const double margin = 0.15 * extent;
    const cv::Rect2d window(bounds->x - margin, bounds->y - margin, bounds->width + 2 * margin,
                            bounds->height + 2 * margin);
    const cv::Size size(std::max(8, static_cast<int>(std::lround(window.width / d))),
                        std::max(8, static_cast<int>(std::lround(window.height / d))));
    auto pixels = map.Read(window, size);
    if (!pixels.ok()) return fit;
    cv::Mat base = OrientationField(pixels->gray, pixels->mask);
    cv::GaussianBlur(base, base, cv::Size(0, 0), 1.0);
    cv::Mat bx, by;
    cv::Sobel(base, bx, CV_32F, 1, 0, 3, 1.0 / 8);
    cv::Sobel(base, by, CV_32F, 0, 1, 3, 1.0 / 8);
    cv::Mat inside;
    cv::erode(pixels->mask, inside, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
    const cv::Matx33d level_from_full(1 / d, 0, -window.x / d, 0, 1 / d, -window.y / d, 0, 0, 1);
    double correlation = 0;
    for (int outer = 0; outer < 6; ++outer) {
      // The photo seen from above on the level's grid.
      cv::Mat warped, valid;
      SeenFromAbove(photo, level_from_full * fit.homography, size, warped, valid);
      cv::Mat t = OrientationField(warped, valid);
      cv::GaussianBlur(t, t, cv::Size(0, 0), 1.0);
      const cv::Rect foot = cv::boundingRect(valid);
      if (foot.width < 16 || foot.height < 16) return fit;
      // Its pixels with an edge, in coordinates normalised to about [-1, 1].
      const double cx = foot.x + foot.width / 2.0, cy = foot.y + foot.height / 2.0;
      const double sc = std::max(foot.width, foot.height) / 2.0;
      struct Px {
        double x, y;
        cv::Vec2d t;
      };
      std::vector<Px> px;
      for (int y = foot.y; y < foot.y + foot.height; ++y)
        for (int x = foot.x; x < foot.x + foot.width; ++x) {
          const cv::Vec2f v = t.at<cv::Vec2f>(y, x);
          if (v[0] * v[0] + v[1] * v[1] < 1e-4) continue;
          px.push_back({(x - cx) / sc, (y - cy) / sc, cv::Vec2d(v[0], v[1])});
        }
      if (px.size() < 200) return fit;
      // dw: normalised coordinates of the warped photo -> level pixel centres of the basemap.
      const cv::Matx33d from_norm(sc, 0, cx, 0, sc, cy, 0, 0, 1);
      // The fields' correlation under dw and the normal equations of a Gauss-Newton step
      // from it; false when too little of the photo falls on the basemap's data.
      struct System {
        double correlation = 0;
        cv::Matx<double, 8, 8> a = cv::Matx<double, 8, 8>::zeros();
        cv::Matx<double, 8, 1> b = cv::Matx<double, 8, 1>::zeros();
      };
      const auto evaluate = [&](const cv::Matx33d& m, System& out) {
        struct Seen {
          std::size_t i;
          double u, v, den;
          cv::Vec2d f, fx, fy;
        };
        std::vector<Seen> seen;
        seen.reserve(px.size());
        double bt = 0, tt = 0, bb = 0;
        for (std::size_t i = 0; i < px.size(); ++i) {
          const double den = m(2, 0) * px[i].x + m(2, 1) * px[i].y + m(2, 2);
          if (den <= 1e-6) continue;
          Seen q{i,
                 (m(0, 0) * px[i].x + m(0, 1) * px[i].y + m(0, 2)) / den,
                 (m(1, 0) * px[i].x + m(1, 1) * px[i].y + m(1, 2)) / den,
                 den,
                 {},
                 {},
                 {}};
          if (!SampleField(base, bx, by, inside, q.u, q.v, q.f, q.fx, q.fy)) continue;
          bt += q.f.dot(px[i].t), tt += px[i].t.dot(px[i].t), bb += q.f.dot(q.f);
          seen.push_back(q);
        }
        if (seen.size() < px.size() / 2 || tt <= 0 || bb <= 0) return false;
        out = System{};
        out.correlation = bt / std::sqrt(tt * bb);
        // The gain, kept positive: a negative one would turn edges across the photo's.
        const double gain = std::max(bt, 0.2 * std::sqrt(tt * bb)) / tt;
        for (const auto& q : seen) {
          const Px& p = px[q.i];
          const double du[8] = {p.x / q.den, p.y / q.den, 1 / q.den,          0,
                                0,           0,           -q.u * p.x / q.den, -q.u * p.y / q.den};
          const double dv[8] = {
              0, 0, 0, p.x / q.den, p.y / q.den, 1 / q.den, -q.v * p.x / q.den, -q.v * p.y / q.den};
          for (int ch = 0; ch < 2; ++ch) {
            const double r = q.f[ch] - gain * p.t[ch];
            double j[8];
            for (int k = 0; k < 8; ++k) j[k] = q.fx[ch] * du[k] + q.fy[ch] * dv[k];
            for (int k = 0; k < 8; ++k) {
              out.b(k) -= j[k] * r;
              for (int n = 0; n < 8; ++n) out.a(k, n) += j[k] * j[n];
            }
          }
        }
        return true;
      };
      cv::Matx33d dw = from_norm;
      System current;
      if (!evaluate(dw, current)) return fit;
      correlation = current.correlation;
      if (!refine) {
        fit.correlation = correlation;
        fit.ok = PlausibleGroundHomography(fit.homography, photo.size());
        return fit;
      }
      // Levenberg-Marquardt: a step is taken only when the fields correlate better after it;
      // otherwise it is damped further.
      double damping = 1e-3;
      for (int iteration = 0; iteration < 20 && damping < 1e4; ++iteration) {
        cv::Matx<double, 8, 8> a = current.a;
        cv::Matx<double, 8, 1> b = current.b;
        for (int k = 0; k < 8; ++k) a(k, k) *= 1.0 + damping;
        if (affine_first && side == sides.front() && sides.size() > 1)
          for (int k = 6; k < 8; ++k) {
            for (int n = 0; n < 8; ++n) a(k, n) = a(n, k) = 0;
            a(k, k) = 1, b(k) = 0;
          }
        cv::Matx<double, 8, 1> delta;
        if (!cv::solve(a, b, delta, cv::DECOMP_CHOLESKY)) break;
        const cv::Matx33d next(dw(0, 0) + delta(0), dw(0, 1) + delta(1), dw(0, 2) + delta(2),
                               dw(1, 0) + delta(3), dw(1, 1) + delta(4), dw(1, 2) + delta(5),
                               dw(2, 0) + delta(6), dw(2, 1) + delta(7), dw(2, 2));
        double moved = 0;  // how far the footprint's corners move, level pixels
        bool behind = false;
        for (const cv::Vec3d& corner :
             {cv::Vec3d(-1, -1, 1), cv::Vec3d(1, -1, 1), cv::Vec3d(1, 1, 1), cv::Vec3d(-1, 1, 1)}) {
          const cv::Vec3d p0 = dw * corner, p1 = next * corner;
          behind = behind || p0[2] <= 0 || p1[2] <= 0;
          if (!behind)
            moved = std::max(
                moved, std::hypot(p1[0] / p1[2] - p0[0] / p0[2], p1[1] / p1[2] - p0[1] / p0[2]));
        }
        System candidate;
        if (behind || !evaluate(next, candidate) || candidate.correlation <= current.correlation) {
          damping *= 10;
          continue;
        }
        dw = next;
        current = candidate;
        damping = std::max(1e-4, damping / 10);
        if (moved < 0.02) break;
      }
      correlation = current.correlation;
      // The correction in level pixel corners, composed with the photo's homography.
      const cv::Matx33d correction = plus * (dw * from_norm.inv()) * minus;
      const cv::Matx33d before = fit.homography;
      fit.homography = level_from_full.inv() * correction * level_from_full * fit.homography;
      fit.homography *= 1.0 / fit.homography(2, 2);
      double moved = 0;
      for (const cv::Point2d corner :
           {cv::Point2d(0, 0), cv::Point2d(photo.cols, 0), cv::Point2d(photo.cols, photo.rows),
            cv::Point2d(0, photo.rows)}) {
        const auto p0 = ApplyHomography(before, corner),
                   p1 = ApplyHomography(fit.homography, corner);
        if (!p0 || !p1) return fit;
        moved = std::max(moved, cv::norm(*p1 - *p0) / d);
      }
      if (moved < 0.1) break;
    }
    fit.correlation = correlation;
  }
  fit.ok = PlausibleGroundHomography(fit.homography, photo.size());
  return fit;
}

}  // namespace

FieldAlignment AlignOrientationFields(const cv::Mat& photo, const Basemap& map,
                                      const cv::Matx33d& start, bool refine) {
  if (!refine) return AlignFieldsOnce(photo, map, start, {kFineSide}, false, false);
  // Twice: with a homography at every level, and with an affine correction only at the
  // coarsest (where the perspective is weakly seen and may wander); each reaches places the
  // other misses (tune views: 1.5 px against 9.8 px on one, the reverse on the test's). The
  // better correlated is kept.
  const std::vector<double> sides{96, 192, kFineSide};
  FieldAlignment full = AlignFieldsOnce(photo, map, start, sides, true, false);
  FieldAlignment affine = AlignFieldsOnce(photo, map, start, sides, true, true);
  if (!full.ok) return affine;
  if (!affine.ok) return full;
  return affine.correlation > full.correlation ? affine : full;
}

FieldAlignment PolishOrientationFields(const cv::Mat& photo, const Basemap& map,
                                       const cv::Matx33d& start) {
  return AlignFieldsOnce(photo, map, start, {kFineSide}, true, false);
}

namespace {

// Rotation (degrees clockwise of the photo's up, in basemap pixels) and scale (basemap
// pixels per photo pixel) of `h` at the photo's centre.
std::pair<double, double> RotationAndScale(const cv::Matx33d& h, cv::Size size) {
  const cv::Point2d c(size.width / 2.0, size.height / 2.0);
  const auto a = ApplyHomography(h, c), b = ApplyHomography(h, c + cv::Point2d(0, -1));
  if (!a || !b) return {NAN, NAN};
  const cv::Point2d v = *b - *a;
  return {std::atan2(v.x, -v.y) * 180 / CV_PI, BasemapPixelsPerPhotoPixel(h, size)};
}

}  // namespace

double AngleBetweenDeg(double a, double b) {
  double d = std::fmod(a - b, 360.0);
  if (d > 180) d -= 360;
  if (d < -180) d += 360;
  return std::abs(d);
}

AreaSearchResult AreaSearch(const cv::Mat& photo, const Basemap& map, const cv::Rect2d& region,
                            const AreaSearchPrior& prior, std::size_t threads) {
  AreaSearchResult result;
  std::ostringstream log;
  const double foot = std::max(photo.cols, photo.rows) * prior.scale;  // full-res pixels
  const double d = std::max(1.0, foot / kCoarseSide);
  const cv::Size level(std::max(8, static_cast<int>(std::lround(region.width / d))),
                       std::max(8, static_cast<int>(std::lround(region.height / d))));
  auto pixels = map.Read(region, level);
  if (!pixels.ok()) {
    result.log = "area search: " + pixels.error().message;
    return result;
  }
  const cv::Mat base = OrientationField(pixels->gray, pixels->mask);
  const cv::Mat base_energy = Energy(base);
  const double mean_energy = cv::mean(base_energy, pixels->mask)[0];
  // The grid of rotations and scales over the prior's ranges.
  std::vector<double> rotations, scales;
  const int nr = static_cast<int>(std::ceil(prior.rotation_tol_deg / kRotationStepDeg));
  for (int i = -nr; i <= nr; ++i)
    rotations.push_back(prior.rotation_deg + i * prior.rotation_tol_deg / std::max(1, nr));
  // A scale known to within a share t of the truth: the truth lies between (1 - t) and
  // 1 / (1 - t) times it (an estimate 20 % low is the truth / 1.25), a range symmetric in
  // log scale.
  const double lo = std::log(1 - prior.scale_rel_tol), hi = -lo;
  const int ns = std::max(1, static_cast<int>(std::ceil((hi - lo) / std::log(kScaleStep))));
  for (int i = 0; i <= ns; ++i) scales.push_back(prior.scale * std::exp(lo + (hi - lo) * i / ns));
  // The rotation and scale of a found homography, within the prior's ranges (and a margin).
  const auto WithinPriors = [&](const cv::Matx33d& h) {
    const auto [rot, scale] = RotationAndScale(h, photo.size());
    return AngleBetweenDeg(rot, prior.rotation_deg) <= prior.rotation_tol_deg + 5 &&
           scale > prior.scale * (1 - prior.scale_rel_tol) / 1.1 &&
           scale < prior.scale / (1 - prior.scale_rel_tol) * 1.1;
  };
  const cv::Point2d centre(photo.cols / 2.0, photo.rows / 2.0);
  PatchRound best_round;
  // The last pass's distinct coarse peaks, best first, and its dense alignments from the best
  // two (those within the priors).
  std::vector<Peak> pass_peaks;
  std::vector<FieldAlignment> pass_dense;
  // One pass: the coarse search over the grid with each of `shapes`, its best distinct peaks
  // refined by patches and aligned densely; true when a place is found (in best_round).
  const auto Pass = [&](const std::vector<Shape>& shapes) {
    // One FFT size for every template (the largest one fits).
    const double side = std::hypot(photo.cols, photo.rows) * scales.back() / d + 4;
    const cv::Size fft(cv::getOptimalDFTSize(level.width + static_cast<int>(side)),
                       cv::getOptimalDFTSize(level.height + static_cast<int>(side)));
    const cv::Mat base_spectrum = Spectrum(base, fft);
    const cv::Mat energy_spectrum = Spectrum(base_energy, fft);
    // Every (shape, scale, rotation) of the grid is one job, run on all cores; each keeps its
    // best placement in its own slot, so the peaks do not depend on the threads' order.
    struct Job {
      const Shape* shape;
      double s, rot;
    };
    std::vector<Job> jobs;
    for (const auto& shape : shapes)
      for (const double s : scales)
        for (const double rot : rotations) jobs.push_back({&shape, s, rot});
    std::vector<Peak> found(jobs.size());
    const auto CorrelateOne = [&](std::size_t i) {
      const Shape& shape = *jobs[i].shape;
      const double s = jobs[i].s, rot = jobs[i].rot;
      const Template t = MakeTemplate(photo, rot, s / d, shape);
      const double t_norm = cv::norm(t.field);
      if (t_norm <= 0) return;
      cv::Mat mask_c;
      {
        cv::Mat m;
        t.mask.convertTo(m, CV_32F, 1.0 / 255);
        cv::Mat z[] = {m, cv::Mat::zeros(m.size(), CV_32F)};
        cv::merge(z, 2, mask_c);
      }
      const double area = cv::countNonZero(t.mask);
      const cv::Mat num = Correlate(base_spectrum, Spectrum(t.field, fft));
      const cv::Mat den = Correlate(energy_spectrum, Spectrum(mask_c, fft));
      // Placements whose template lies mostly inside the level: shifts from -1/4 of the
      // template to the far side less 3/4 of it (negative shifts wrap around).
      const int x_from = -t.field.cols / 4, x_to = level.width - 3 * t.field.cols / 4;
      const int y_from = -t.field.rows / 4, y_to = level.height - 3 * t.field.rows / 4;
      Peak best;
      for (int y = y_from; y <= y_to; ++y) {
        const int yy = (y + fft.height) % fft.height;
        const float* nrow = num.ptr<float>(yy);
        const float* drow = den.ptr<float>(yy);
        for (int x = x_from; x <= x_to; ++x) {
          const int xx = (x + fft.width) % fft.width;
          const double e = std::max(0.0f, drow[xx]);
          if (e < 0.5 * mean_energy * area) continue;  // mostly outside the data
          const double score = nrow[xx] / (t_norm * std::sqrt(e + 0.05 * mean_energy * area));
          if (score > best.score) {
            best.score = score;
            best.h =
                PlacedHomography(t, {static_cast<double>(x), static_cast<double>(y)}, region, d);
          }
        }
      }
      best.rotation_deg = rot;
      best.scale = s;
      found[i] = best;
    };
    // A job that cannot allocate its template or spectra has no peak (workers must not
    // throw); how many failed is said in the log.
    std::atomic<int> failed{0};
    const auto Correlated = [&](std::size_t i) {
      try {
        CorrelateOne(i);
      } catch (const cv::Exception&) {
        ++failed;
      } catch (const std::bad_alloc&) {
        ++failed;
      }
    };
    OrderedParallelFor(jobs.size(), threads, jobs.size() + 1, Correlated, [](std::size_t) {});
    std::vector<Peak> peaks;
    for (const auto& p : found)
      if (p.score > 0) peaks.push_back(p);
    std::stable_sort(peaks.begin(), peaks.end(),
                     [](const Peak& a, const Peak& b) { return a.score > b.score; });
    // Distinct places: a peak whose centre falls within a quarter footprint of a better one
    // is the same place.
    std::vector<Peak> distinct;
    for (const auto& p : peaks) {
      const auto c = ApplyHomography(p.h, centre);
      if (!c) continue;
      const bool seen = std::any_of(distinct.begin(), distinct.end(), [&](const Peak& q) {
        const auto e = ApplyHomography(q.h, centre);
        return e && cv::norm(*e - *c) < foot / 4;
      });
      if (!seen) distinct.push_back(p);
      if (static_cast<int>(distinct.size()) >= kPeaks) break;
    }
    log << " (" << rotations.size() << " rotations x " << scales.size() << " scales";
    if (shapes.size() > 1) log << " x " << shapes.size() << " tilts";
    if (failed > 0) log << ", " << failed << " failed (an OpenCV error or out of memory)";
    if (!distinct.empty()) log << ", best " << std::round(distinct[0].score * 1000) / 1000;
    if (distinct.size() > 1) log << ", next " << std::round(distinct[1].score * 1000) / 1000;
    log << ")";
    double best_score = 0;
    for (const auto& p : distinct) {
      if (p.score < kMinCoarse) break;
      PatchRound round = RefineByPatches(photo, map, p.h, 0.12, 5, 0.4, false);
      const double first =
          round.patches > 0 ? static_cast<double>(round.agreeing.size()) / round.patches : 0;
      if (first < kFairFirstShare) continue;
      // Homography rounds, each from the last; the one whose patches agree best (share times
      // mean correlation) is kept: later rounds reach a tilted photo's corners, but may also
      // drift on noise.
      PatchRound kept;
      double kept_quality = 0;
      PatchRound current = round;
      for (int i = 0; i < kRounds && current.ok; ++i) {
        PatchRound next = RefineByPatches(photo, map, current.h, i == 0 ? 0.04 : 0.015,
                                          i == 0 ? 6 : 8, i == 0 ? 0.35 : 0.25, true);
        if (!next.ok) break;
        const double quality = next.mean * static_cast<double>(next.agreeing.size()) / next.patches;
        if (quality > kept_quality) {
          kept_quality = quality;
          kept = next;
        }
        current = std::move(next);
      }
      if (!kept.ok) continue;
      round = std::move(kept);
      if (!WithinPriors(round.h)) continue;
      const double last = static_cast<double>(round.agreeing.size()) / round.patches;
      if (first < kStrongFirstShare && (last < kWideLastShare || round.mean < kMinPatchMean))
        continue;
      if (first + last > best_score) {
        best_score = first + last;
        best_round = std::move(round);
        result.coarse = p.score;
      }
    }
    // A dense alignment of the orientation fields from the two best coarse peaks, against the
    // patches' place: the dense homography replaces the patches' when its fields correlate
    // well and better than theirs (by a margin in the patches' favour); where the patches
    // found no place, it is taken when it correlates well and a round of patches around it
    // agrees widely. On the tune views the winner by correlation was the more accurate one (a
    // patch fit 20 px off at 0.14 against the dense fit 1.6 px off at 0.45).
    FieldAlignment dense;
    int tried = 0;
    pass_peaks = distinct;
    pass_dense.clear();
    for (const auto& p : distinct) {
      if (p.score < kMinCoarse || tried++ >= kDensePeaks) break;
      const FieldAlignment f = AlignOrientationFields(photo, map, p.h);
      if (f.ok && WithinPriors(f.homography)) pass_dense.push_back(f);
      if (f.ok && f.correlation > dense.correlation && WithinPriors(f.homography)) dense = f;
    }
    if (dense.ok) {
      // The patches' homography whose fields cannot be compared (too little of it on the
      // basemap's data) is kept.
      const FieldAlignment at_patches =
          best_round.ok ? AlignOrientationFields(photo, map, best_round.h, false)
                        : FieldAlignment{};
      log << " (fields aligned " << std::round(dense.correlation * 1000) / 1000
          << ", the patches' ";
      if (at_patches.ok)
        log << std::round(at_patches.correlation * 1000) / 1000 << ")";
      else
        log << "not comparable)";
      const bool better = at_patches.ok && dense.correlation >= kMinDenseCorrelation &&
                          dense.correlation > at_patches.correlation + kDenseMargin;
      if (better || (!best_round.ok && dense.correlation >= kMinDenseCorrelation)) {
        // A round of patches around it: its agreeing patches are the control points (where
        // too few agree, those of the patches' own place stay); alone, it must agree.
        PatchRound check = RefineByPatches(photo, map, dense.homography, 0.015, 8, 0.25, true);
        if (better || check.ok) {
          log << " dense";
          if (check.ok || !best_round.ok) best_round = std::move(check);
          best_round.h = dense.homography;
          best_round.ok = true;
        }
      }
    }
    return best_round.ok;
  };
  log << "area search " << map.info().path.filename().string()
      << " 1:" << std::round(d * 100) / 100;
  // A photo tilted by more than about 25 degrees leaves the footprint's similarity grid:
  // where the photo's own shape found no place, or only one whose fields correlate poorly
  // (below kMinDenseCorrelation: a tune view tilted 33 degrees was placed 8.5 px off at
  // 0.28; right places correlate at 0.31-0.47), the photo unfolded by a camera
  // tilt of kTiltDeg about eight axes 45 degrees apart (reaching about 25-45) is searched
  // too. A place found only through a guessed tilt must show it: its fields must correlate
  // at kMinDenseCorrelation, whichever stage found it (so better than a weak first place;
  // on the tune views, the tilted pass's wrong places came from patches whose
  // fields correlated at 0.20-0.21, its right ones at 0.36-0.39). A weak first place that
  // nothing better replaced is kept when its fields correlate at kMinPlaceCorrelation.
  const auto FieldsAt = [&](const cv::Matx33d& h) {
    const FieldAlignment at = AlignOrientationFields(photo, map, h, false);
    return at.ok ? std::optional<double>(at.correlation) : std::nullopt;
  };
  // A tilted pass's place that its fields do not confirm at once: the patches' place and the
  // dense alignments from the two best peaks, each polished on the finest level (a guessed
  // tilt leaves a few pixels that lower the correlation); the best correlated is kept when it
  // reaches kMinDenseCorrelation, or, where the pass's best coarse peak stands out
  // (kDistinctPeakRatio), the best correlated of those at that peak when it reaches
  // kMinDistinctCorrelation (a weak place). Kept in best_round, within the priors.
  double tilted_fields = 0;  // of the place TiltedPlace kept
  const auto TiltedPlace = [&]() {
    struct Candidate {
      cv::Matx33d h;
      double fields;
      bool patches;  // the patches' place (their control points stay)
    };
    std::vector<Candidate> candidates;
    std::vector<std::pair<cv::Matx33d, bool>> starts;
    if (best_round.ok) starts.emplace_back(best_round.h, true);
    for (const auto& f : pass_dense) starts.emplace_back(f.homography, false);
    for (const auto& [h, patches] : starts) {
      cv::Matx33d at = h;
      std::optional<double> fields = FieldsAt(at);
      const FieldAlignment polish = PolishOrientationFields(photo, map, at);
      if (polish.ok && (!fields || polish.correlation > *fields) &&
          WithinPriors(polish.homography)) {
        at = polish.homography;
        fields = FieldsAt(at);
      }
      if (fields && WithinPriors(at)) candidates.push_back({at, *fields, patches});
    }
    const auto peak = pass_peaks.empty() ? std::nullopt : ApplyHomography(pass_peaks[0].h, centre);
    const bool distinct = pass_peaks.size() >= 2 && pass_peaks[0].score >= kMinCoarse &&
                          pass_peaks[0].score >= kDistinctPeakRatio * pass_peaks[1].score;
    const Candidate* kept = nullptr;
    for (const auto& c : candidates)
      if (c.fields >= kMinDenseCorrelation && (!kept || c.fields > kept->fields)) kept = &c;
    if (kept) {
      log << "; polished, its place correlates " << std::round(kept->fields * 1000) / 1000;
    } else if (distinct) {
      log << "; its best peak stands out (" << std::round(pass_peaks[0].score * 1000) / 1000
          << " against " << std::round(pass_peaks[1].score * 1000) / 1000 << ")";
      for (const auto& c : candidates) {
        const auto at = ApplyHomography(c.h, centre);
        if (peak && at && cv::norm(*at - *peak) < foot / 4 && c.fields >= kMinDistinctCorrelation &&
            (!kept || c.fields > kept->fields))
          kept = &c;
      }
      if (kept)
        log << ", its place kept (fields " << std::round(kept->fields * 1000) / 1000 << ")";
      else
        log << ", no place there correlates at " << kMinDistinctCorrelation;
    }
    if (!kept) return false;
    if (!kept->patches) {
      // A round of patches around it gives the control points (none when they disagree).
      PatchRound check = RefineByPatches(photo, map, kept->h, 0.015, 8, 0.25, true);
      best_round = check.ok ? std::move(check) : PatchRound{};
    }
    best_round.h = kept->h;
    best_round.ok = true;
    result.coarse = pass_peaks.empty() ? 0 : pass_peaks[0].score;
    tilted_fields = kept->fields;
    return true;
  };
  std::optional<double> first_fields;
  const bool first = Pass({Shape{}});
  if (first) first_fields = FieldsAt(best_round.h);
  if (!first || (first_fields && *first_fields < kMinDenseCorrelation)) {
    PatchRound untilted = std::move(best_round);
    const double untilted_coarse = result.coarse;
    best_round = PatchRound{};
    result.coarse = 0;
    std::vector<Shape> tilted;
    for (int a = 0; a < 360; a += 45) tilted.push_back({kTiltDeg, static_cast<double>(a)});
    log << "; tilted";
    if (first)
      log << " (the first place's fields correlate " << std::round(*first_fields * 1000) / 1000
          << ")";
    if (Pass(tilted)) {
      const auto fields = FieldsAt(best_round.h);
      if (!fields || *fields < kMinDenseCorrelation) {
        log << " (refused: its fields ";
        if (fields)
          log << "correlate " << std::round(*fields * 1000) / 1000 << ")";
        else
          log << "not comparable)";
        if (!TiltedPlace()) best_round = PatchRound{};
      }
    } else {
      TiltedPlace();
    }
    // A polished place against a weak first place: the first place is kept when it lies
    // there too (the simpler model) or correlates better.
    if (best_round.ok && tilted_fields > 0 && untilted.ok && first_fields) {
      const auto a = ApplyHomography(best_round.h, centre), b = ApplyHomography(untilted.h, centre);
      if (a && b && cv::norm(*a - *b) < foot / 4) {
        log << "; the first place lies there too";
        best_round = PatchRound{};
      } else if (*first_fields >= tilted_fields) {
        log << "; the first place correlates better";
        best_round = PatchRound{};
      }
    }
    if (!best_round.ok && untilted.ok && first_fields && *first_fields >= kMinPlaceCorrelation) {
      log << "; the first place kept";
      best_round = std::move(untilted);
      result.coarse = untilted_coarse;
    } else if (!best_round.ok && untilted.ok) {
      log << "; the first place refused too";
    }
  }
  if (best_round.ok) {
    // The place found, aligned once more on the finest level alone: the coarse-to-fine
    // alignment and the patches leave a few pixels of error (coarse levels' blur pulls; the
    // patches' homography is fitted to a few dozen points), which the finest fields remove.
    // Kept when its fields correlate better and it stays within the priors.
    std::optional<double> fields = FieldsAt(best_round.h);
    const std::optional<double> before = fields;
    const FieldAlignment polish = PolishOrientationFields(photo, map, best_round.h);
    if (before && polish.ok && polish.correlation > *before && WithinPriors(polish.homography)) {
      log << "; polished (fields " << std::round(*before * 1000) / 1000 << " -> "
          << std::round(polish.correlation * 1000) / 1000 << ")";
      best_round.h = polish.homography;
      fields = FieldsAt(best_round.h);
    }
    log << ": " << best_round.agreeing.size() << " of " << best_round.patches
        << " patches agree (mean " << std::round(best_round.mean * 100) / 100 << ")";
    result.homography = best_round.h;
    result.points = best_round.agreeing;
    result.patches = best_round.patches;
    result.patch_mean = best_round.mean;
    result.fields = fields.value_or(0);
    result.weak = !fields || *fields < kMinDenseCorrelation;
    if (result.weak)
      log << "; a weak place (its fields correlate below " << kMinDenseCorrelation << ")";
    result.ok = true;
  } else {
    log << ": no place where the photo's patches agree";
  }
  result.log = log.str();
  return result;
}

}  // namespace gv
