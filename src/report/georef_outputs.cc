#include "report/georef_outputs.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "georef/footprint.h"
#include "match/pair_match.h"

namespace gv {
namespace {

nlohmann::ordered_json LonLat(const LatLon& p) { return {p.lon_deg, p.lat_deg}; }

std::string Number(double v, int precision) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", precision, v);
  return buffer;
}

// Maps output pixels (corner convention) of a grid with `step` basemap pixels per output
// pixel starting at `origin` (basemap pixels) to basemap pixels.
cv::Matx33d GridToBasemap(cv::Point2d origin, double step) {
  return {step, 0, origin.x, 0, step, origin.y, 0, 0, 1};
}

}  // namespace

nlohmann::ordered_json GeorefJson(const GeorefResult& r) {
  nlohmann::ordered_json j;
  j["ok"] = r.ok;
  j["method"] =
      r.method.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.method);
  j["message"] =
      r.message.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.message);
  j["basemap"] = r.basemap.empty() ? nlohmann::ordered_json(nullptr)
                                   : nlohmann::ordered_json(r.basemap.string());
  j["inliers"] = r.inliers;
  j["tentative_matches"] = r.tentative;
  j["inlier_ratio"] = r.inlier_ratio;
  j["best_candidate_inliers"] = r.best_candidate_inliers;
  if (r.ok) {
    j["basemap_crs"] = r.basemap_crs;
    nlohmann::ordered_json corners = nlohmann::ordered_json::array();
    for (const auto& c : r.corners)
      corners.push_back(c ? LonLat(*c) : nlohmann::ordered_json(nullptr));
    j["corners_lonlat"] = corners;
    nlohmann::ordered_json ring = nlohmann::ordered_json::array();
    for (const auto& p : r.footprint) ring.push_back(LonLat(p));
    j["footprint"] = {{"type", "Polygon"}, {"coordinates", {ring}}};
    j["rmse_m"] = r.rmse_m;
    j["rmse_px"] = r.rmse_px;
    j["gsd_m"] = r.gsd_m;
    j["basemap_pixel_m"] = r.basemap_pixel_m;
    nlohmann::ordered_json h = nlohmann::ordered_json::array();
    for (int row = 0; row < 3; ++row)
      h.push_back({r.homography(row, 0), r.homography(row, 1), r.homography(row, 2)});
    j["homography"] = h;
    j["control_points"] = r.control_points.size();
    if (r.method == "area") {
      j["fields_correlation"] = r.fields_correlation;
      j["weak_place"] = r.weak_place;
    }
  } else {
    j["corners_lonlat"] = nullptr;
    j["footprint"] = nullptr;
  }
  j["levels_searched"] = r.levels_searched;
  return j;
}

std::vector<VectorFeature> GeorefFeatures(const GeorefResult& r, const std::string& file,
                                          const std::string& sha256) {
  std::vector<VectorFeature> out;
  if (!r.ok) return out;
  VectorFeature footprint;
  footprint.polygon = true;
  for (const auto& p : r.footprint) footprint.coordinates.emplace_back(p.lon_deg, p.lat_deg);
  footprint.fields = {{"kind", "footprint"},
                      {"file", file},
                      {"sha256", sha256},
                      {"basemap", r.basemap.string()},
                      {"inliers", std::to_string(r.inliers)},
                      {"rmse_m", Number(r.rmse_m, 2)},
                      {"gsd_m", Number(r.gsd_m, 3)}};
  out.push_back(std::move(footprint));
  for (const auto& cp : r.control_points) {
    VectorFeature point;
    point.coordinates.emplace_back(cp.position.lon_deg, cp.position.lat_deg);
    point.fields = {{"kind", "control_point"},
                    {"file", file},
                    {"sha256", sha256},
                    {"basemap", r.basemap.string()},
                    {"photo_x", Number(cp.photo_px.x, 2)},
                    {"photo_y", Number(cp.photo_px.y, 2)},
                    {"map_x", Number(cp.map.x, 3)},
                    {"map_y", Number(cp.map.y, 3)},
                    {"residual_m", Number(cp.residual_m, 2)}};
    out.push_back(std::move(point));
  }
  return out;
}

Status WriteWarpedPhoto(const std::filesystem::path& out, const cv::Mat& photo,
                        const GeorefResult& r, const Basemap& map, const std::string& file,
                        const std::string& sha256, int max_side) {
  if (!r.ok) return MakeError(out.string() + ": nothing to warp (photo not registered)");
  const auto bounds = FootprintBounds(r.homography, r.photo_size);
  if (!bounds) return MakeError(out.string() + ": degenerate footprint");
  double step = std::max(1e-3, BasemapPixelsPerPhotoPixel(r.homography, r.photo_size));
  step = std::max(step, std::max(bounds->width, bounds->height) / max_side);
  const cv::Size size(std::max(1, static_cast<int>(std::ceil(bounds->width / step))),
                      std::max(1, static_cast<int>(std::ceil(bounds->height / step))));
  const cv::Matx33d grid = GridToBasemap(bounds->tl(), step);
  const cv::Matx33d half(1, 0, 0.5, 0, 1, 0.5, 0, 0, 1),
      minus_half(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1);
  // OpenCV maps pixel centres; our homography maps pixel corners.
  const cv::Matx33d photo_from_output = minus_half * r.homography.inv() * grid * half;
  cv::Mat warped, alpha;
  cv::warpPerspective(photo, warped, cv::Mat(photo_from_output), size,
                      cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT);
  cv::warpPerspective(cv::Mat(photo.size(), CV_8UC1, cv::Scalar(255)), alpha,
                      cv::Mat(photo_from_output), size, cv::INTER_NEAREST | cv::WARP_INVERSE_MAP,
                      cv::BORDER_CONSTANT);
  // Only the part of the photo on the ground (an oblique photo's sky would fold back).
  std::vector<cv::Point> outline;
  const cv::Matx33d output_from_basemap = grid.inv();
  for (const auto& p : GroundOutline(r.homography, r.photo_size)) {
    const auto q = ApplyHomography(output_from_basemap * r.homography, p);
    if (q)
      outline.emplace_back(static_cast<int>(std::lround(q->x)),
                           static_cast<int>(std::lround(q->y)));
  }
  cv::Mat ground(size, CV_8UC1, cv::Scalar(0));
  if (outline.size() >= 3)
    cv::fillPoly(ground, std::vector<std::vector<cv::Point>>{outline}, cv::Scalar(255));
  cv::bitwise_and(alpha, ground, alpha);
  cv::Mat bgr = warped;
  if (warped.channels() == 1) cv::cvtColor(warped, bgr, cv::COLOR_GRAY2BGR);
  const auto& g = map.info().map_from_pixel;
  const cv::Point2d o = bounds->tl();
  const std::array<double, 6> gt{g[0] + g[1] * o.x + g[2] * o.y, g[1] * step, g[2] * step,
                                 g[3] + g[4] * o.x + g[5] * o.y, g[4] * step, g[5] * step};
  return WriteGeoTiffRgba(out, bgr, alpha, gt, map.info().crs_wkt,
                          {{"GEOVERIFY_EVIDENCE_FILE", file},
                           {"GEOVERIFY_EVIDENCE_SHA256", sha256},
                           {"GEOVERIFY_BASEMAP", r.basemap.string()},
                           {"GEOVERIFY_INLIERS", std::to_string(r.inliers)},
                           {"GEOVERIFY_RMSE_M", Number(r.rmse_m, 2)}});
}

Result<cv::Mat> DrawGeoref(const cv::Mat& photo, const GeorefResult& r, const Basemap& map,
                           int max_side) {
  const auto bounds = r.ok ? FootprintBounds(r.homography, r.photo_size) : std::nullopt;
  if (!bounds) return MakeError("nothing to draw (photo not registered)");
  const double margin = 0.1 * std::max(bounds->width, bounds->height);
  const cv::Rect2d window(bounds->x - margin, bounds->y - margin, bounds->width + 2 * margin,
                          bounds->height + 2 * margin);
  const double scale = std::min(1.0, max_side / std::max(window.width, window.height));
  const cv::Size size(std::max(1, static_cast<int>(std::lround(window.width * scale))),
                      std::max(1, static_cast<int>(std::lround(window.height * scale))));
  auto area = map.ReadColour(window, size);
  if (!area.ok()) return area.error();
  const auto to_area = [&](cv::Point2d basemap_px) {
    return cv::Point2f(static_cast<float>((basemap_px.x - window.x) * scale),
                       static_cast<float>((basemap_px.y - window.y) * scale));
  };
  std::vector<cv::Point> outline;
  for (const auto& p : GroundOutline(r.homography, r.photo_size)) {
    if (auto q = ApplyHomography(r.homography, p)) outline.push_back(to_area(*q));
  }
  cv::polylines(*area, std::vector<std::vector<cv::Point>>{outline}, true, cv::Scalar(0, 0, 255), 2,
                cv::LINE_AA);
  PairMatch shown;
  // At most about 150 lines, evenly sampled, so the picture stays readable.
  const std::size_t every = std::max<std::size_t>(1, r.control_points.size() / 150);
  for (std::size_t i = 0; i < r.control_points.size(); i += every) {
    const ControlPoint& cp = r.control_points[i];
    shown.inlier_points.emplace_back(cv::Point2f(cp.photo_px - cv::Point2d(0.5, 0.5)),
                                     to_area(cp.basemap_px));
  }
  cv::Mat photo_bgr = photo;
  if (photo.channels() == 1) cv::cvtColor(photo, photo_bgr, cv::COLOR_GRAY2BGR);
  return DrawMatches(photo_bgr, *area, shown, max_side);
}

}  // namespace gv
