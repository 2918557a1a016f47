#include "georef/footprint.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

namespace gv {
namespace {

constexpr double kMinDepthShare = 0.25;  // of the centre's depth: the ground outline's far edge

cv::Matx33d Normalised(const cv::Matx33d& h, cv::Size size) {
  const double w = h(2, 0) * size.width / 2.0 + h(2, 1) * size.height / 2.0 + h(2, 2);
  return w < 0 ? cv::Matx33d(-h) : h;
}

double Depth(const cv::Matx33d& h, cv::Point2d p) {
  return h(2, 0) * p.x + h(2, 1) * p.y + h(2, 2);
}

cv::Matx22d Jacobian(const cv::Matx33d& h, cv::Point2d p) {
  const double w = Depth(h, p);
  const double x = (h(0, 0) * p.x + h(0, 1) * p.y + h(0, 2)) / w;
  const double y = (h(1, 0) * p.x + h(1, 1) * p.y + h(1, 2)) / w;
  return cv::Matx22d(h(0, 0) - x * h(2, 0), h(0, 1) - x * h(2, 1), h(1, 0) - y * h(2, 0),
                     h(1, 1) - y * h(2, 1)) *
         (1.0 / w);
}

std::vector<cv::Point2d> PhotoCorners(cv::Size size) {
  const double w = size.width, h = size.height;
  return {{0, 0}, {w, 0}, {w, h}, {0, h}};
}

}  // namespace

std::optional<cv::Point2d> ApplyHomography(const cv::Matx33d& h, cv::Point2d p) {
  const double w = Depth(h, p);
  if (!(std::abs(w) > 1e-12)) return std::nullopt;
  return cv::Point2d((h(0, 0) * p.x + h(0, 1) * p.y + h(0, 2)) / w,
                     (h(1, 0) * p.x + h(1, 1) * p.y + h(1, 2)) / w);
}

bool PlausibleGroundHomography(const cv::Matx33d& raw, cv::Size size) {
  const cv::Matx33d h = Normalised(raw, size);
  const double qx = size.width / 4.0, qy = size.height / 4.0;
  for (const cv::Point2d p : {cv::Point2d(qx, qy), cv::Point2d(3 * qx, qy),
                              cv::Point2d(3 * qx, 3 * qy), cv::Point2d(qx, 3 * qy)}) {
    if (!(Depth(h, p) > 0)) return false;
  }
  const cv::Matx22d j = Jacobian(h, {size.width / 2.0, size.height / 2.0});
  const double det = cv::determinant(j);
  if (!(det > 0)) return false;
  const double scale = std::sqrt(det);
  if (scale < 1.0 / 64 || scale > 64) return false;
  cv::Mat singular;
  cv::SVD::compute(cv::Mat(j), singular, cv::SVD::NO_UV);
  return singular.at<double>(0) <= 10 * singular.at<double>(1);
}

double BasemapPixelsPerPhotoPixel(const cv::Matx33d& h, cv::Size size) {
  return ScaleAt(h, {size.width / 2.0, size.height / 2.0});
}

double ScaleAt(const cv::Matx33d& h, cv::Point2d p) {
  if (Depth(h, p) == 0) return 0;
  return std::sqrt(std::abs(cv::determinant(Jacobian(h, p))));
}

std::vector<cv::Point2d> GroundOutline(const cv::Matx33d& raw, cv::Size size) {
  // Sutherland-Hodgman against the half-plane depth >= kMinDepthShare * centre depth.
  const cv::Matx33d h = Normalised(raw, size);
  const double limit = kMinDepthShare * Depth(h, {size.width / 2.0, size.height / 2.0});
  const auto corners = PhotoCorners(size);
  std::vector<cv::Point2d> out;
  for (std::size_t i = 0; i < corners.size(); ++i) {
    const cv::Point2d a = corners[i], b = corners[(i + 1) % corners.size()];
    const double da = Depth(h, a) - limit, db = Depth(h, b) - limit;
    if (da >= 0) out.push_back(a);
    if ((da >= 0) != (db >= 0)) out.push_back(a + (b - a) * (da / (da - db)));
  }
  return out;
}

cv::Rect2d BoundingBox(const std::vector<cv::Point2d>& points) {
  if (points.empty()) return {};
  double x0 = points[0].x, y0 = points[0].y, x1 = x0, y1 = y0;
  for (const auto& p : points) {
    x0 = std::min(x0, p.x);
    y0 = std::min(y0, p.y);
    x1 = std::max(x1, p.x);
    y1 = std::max(y1, p.y);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

std::optional<cv::Rect2d> FootprintBounds(const cv::Matx33d& h, cv::Size size) {
  std::vector<cv::Point2d> mapped;
  for (const auto& p : GroundOutline(h, size)) {
    const auto q = ApplyHomography(h, p);
    if (!q || !std::isfinite(q->x) || !std::isfinite(q->y)) return std::nullopt;
    mapped.push_back(*q);
  }
  if (mapped.size() < 3) return std::nullopt;
  return BoundingBox(mapped);
}

Status DescribeFootprint(const Basemap& map, const cv::Matx33d& raw,
                         const std::vector<std::pair<cv::Point2f, cv::Point2f>>& inliers,
                         GeorefResult& result) {
  const cv::Size size = result.photo_size;
  const cv::Matx33d h = Normalised(raw, size);
  const auto to_ground = [&](cv::Point2d basemap_px) {
    return map.crs().ToLatLon(map.MapFromPixel(basemap_px));
  };
  const double limit = kMinDepthShare * Depth(h, {size.width / 2.0, size.height / 2.0});
  const auto corners = PhotoCorners(size);
  for (std::size_t i = 0; i < corners.size(); ++i) {
    result.corners[i].reset();
    if (Depth(h, corners[i]) < limit) continue;
    if (auto ll = to_ground(*ApplyHomography(h, corners[i])); ll.ok()) result.corners[i] = *ll;
  }
  result.footprint.clear();
  for (const auto& p : GroundOutline(h, size)) {
    auto ll = to_ground(*ApplyHomography(h, p));
    if (!ll.ok()) return MakeError("footprint outside the basemap CRS's domain");
    result.footprint.push_back(*ll);
  }
  if (!result.footprint.empty()) result.footprint.push_back(result.footprint.front());
  const double pixel_m = map.info().pixel_size_m;
  result.basemap_pixel_m = pixel_m;
  result.basemap_crs = map.info().crs_name;
  result.gsd_m = BasemapPixelsPerPhotoPixel(h, size) * pixel_m;
  result.control_points.clear();
  double sum_sq = 0;
  for (const auto& [p, q] : inliers) {
    ControlPoint cp;
    cp.photo_px = p;
    cp.basemap_px = q;
    cp.map = map.MapFromPixel(q);
    auto ll = map.crs().ToLatLon(cp.map);
    if (!ll.ok()) continue;
    cp.position = *ll;
    const auto predicted = ApplyHomography(h, p);
    const double residual_px = predicted ? cv::norm(*predicted - cv::Point2d(q)) : 0;
    cp.residual_m = residual_px * pixel_m;
    sum_sq += residual_px * residual_px;
    result.control_points.push_back(cp);
  }
  const double n = static_cast<double>(std::max<std::size_t>(1, result.control_points.size()));
  result.rmse_px = std::sqrt(sum_sq / n);
  result.rmse_m = result.rmse_px * pixel_m;
  return OkStatus();
}

}  // namespace gv
