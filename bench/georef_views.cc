#include "georef_views.h"

#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace gv::bench {
namespace {

constexpr double kPi = 3.14159265358979323846;

cv::Point2d Apply(const cv::Matx33d& h, cv::Point2d p) {
  const cv::Vec3d q = h * cv::Vec3d(p.x, p.y, 1);
  return {q[0] / q[2], q[1] / q[2]};
}

// View <- source for a frontal view: rotate and scale about `centre`, centre to the middle.
cv::Matx33d Frontal(cv::Point2d centre, const ViewParams& p) {
  const double a = p.rotation_deg * kPi / 180, k = 1.0 / p.scale;
  const double c = std::cos(a) * k, s = std::sin(a) * k;
  const double cx = p.size.width / 2.0, cy = p.size.height / 2.0;
  return {c, -s, cx - c * centre.x + s * centre.y, s, c, cy - s * centre.x - c * centre.y, 0, 0, 1};
}

// A camera rotated by `tilt` about an axis in the image plane (azimuth `azimuth`), with
// focal length = view width, re-centred so the view's centre stays put and rescaled so the
// scale at the centre is unchanged (the tilt then only changes the shape).
cv::Matx33d Tilt(const ViewParams& p) {
  const double f = p.size.width, cx = p.size.width / 2.0, cy = p.size.height / 2.0;
  const double t = p.tilt_deg * kPi / 180, az = p.tilt_azimuth_deg * kPi / 180;
  const cv::Vec3d axis(std::cos(az), std::sin(az), 0);
  cv::Matx33d r;
  cv::Rodrigues(axis * t, r);
  const cv::Matx33d k(f, 0, cx, 0, f, cy, 0, 0, 1);
  cv::Matx33d h = k * r * k.inv();
  const cv::Point2d moved = Apply(h, {cx, cy});
  const cv::Matx33d back(1, 0, cx - moved.x, 0, 1, cy - moved.y, 0, 0, 1);
  h = back * h;
  // Jacobian at the centre (which maps to itself).
  const double w = h(2, 0) * cx + h(2, 1) * cy + h(2, 2);
  const cv::Matx22d j = cv::Matx22d(h(0, 0) - cx * h(2, 0), h(0, 1) - cx * h(2, 1),
                                    h(1, 0) - cy * h(2, 0), h(1, 1) - cy * h(2, 1)) *
                        (1.0 / w);
  const double m = 1.0 / std::sqrt(cv::determinant(j));
  const cv::Matx33d about_centre(m, 0, cx * (1 - m), 0, m, cy * (1 - m), 0, 0, 1);
  return about_centre * h;
}

}  // namespace

View CutView(const cv::Mat& source, const cv::Mat& mask, cv::Point2d centre, const ViewParams& p) {
  View v;
  const cv::Matx33d view_from_source = Tilt(p) * Frontal(centre, p);
  v.source_from_view = view_from_source.inv();
  const double w = p.size.width, h = p.size.height;
  const cv::Point2d corners[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  for (int i = 0; i < 4; ++i) v.corners[i] = Apply(v.source_from_view, corners[i]);
  // OpenCV maps pixel centres: shift by half a pixel on both sides.
  const cv::Matx33d half(1, 0, 0.5, 0, 1, 0.5, 0, 0, 1), minus(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1);
  const cv::Mat m(minus * v.source_from_view * half);
  cv::Mat image, valid, smoothed;
  // Anti-aliasing, as a camera's optics would, when the view is coarser than the source
  // (into a new buffer: the source is shared by every view).
  if (p.scale > 1.2)
    cv::GaussianBlur(source, smoothed, cv::Size(), 0.5 * std::sqrt(p.scale * p.scale - 1));
  else
    smoothed = source;
  cv::warpPerspective(smoothed, image, m, p.size, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                      cv::BORDER_CONSTANT);
  cv::warpPerspective(mask, valid, m, p.size, cv::INTER_NEAREST | cv::WARP_INVERSE_MAP,
                      cv::BORDER_CONSTANT);
  v.valid_share = cv::countNonZero(valid) / static_cast<double>(valid.total());
  if (p.blur_sigma > 0.05) cv::GaussianBlur(image, image, cv::Size(), p.blur_sigma);
  image.convertTo(image, -1, p.gain, p.offset);
  if (p.jpeg_quality > 0) {
    cv::imencode(".jpg", image, v.jpeg, {cv::IMWRITE_JPEG_QUALITY, p.jpeg_quality});
    v.image = cv::imdecode(v.jpeg, cv::IMREAD_COLOR);
  } else {
    v.image = image;
  }
  return v;
}

UpAndScale ViewUpAndScale(const View& v, cv::Size size) {
  const auto apply = [&](cv::Point2d p) {
    const cv::Vec3d q = v.source_from_view * cv::Vec3d(p.x, p.y, 1);
    return cv::Point2d(q[0] / q[2], q[1] / q[2]);
  };
  const cv::Point2d c(size.width / 2.0, size.height / 2.0);
  const cv::Point2d a = apply(c), up = apply(c + cv::Point2d(0, -1)) - a,
                    right = apply(c + cv::Point2d(1, 0)) - a;
  UpAndScale out;
  out.up_deg = std::atan2(up.x, -up.y) * 180 / CV_PI;
  out.scale = std::sqrt(std::abs(right.x * up.y - right.y * up.x));
  return out;
}

ViewParams RandomViewParams(std::mt19937_64& rng, cv::Size size) {
  std::uniform_real_distribution<double> u(0, 1);
  ViewParams p;
  p.size = size;
  p.rotation_deg = 360 * u(rng);
  p.scale = std::exp(std::log(0.5) + (std::log(2.0) - std::log(0.5)) * u(rng));
  p.tilt_deg = 45 * u(rng);
  p.tilt_azimuth_deg = 360 * u(rng);
  p.gain = 0.7 + 0.6 * u(rng);
  p.offset = -20 + 40 * u(rng);
  p.blur_sigma = 1.5 * u(rng);
  p.jpeg_quality = 60 + static_cast<int>(36 * u(rng)) % 36;
  return p;
}

}  // namespace gv::bench
