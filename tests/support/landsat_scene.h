// The Landsat crop of tests/data (CC0) opened as a basemap, with its pixels and validity
// mask in memory, for tests that cut views from it (bench/georef_views.h).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <opencv2/imgproc.hpp>

#include "geo/basemap.h"
#include "georef/registration.h"
#include "georef_views.h"

namespace gv::test {

inline const std::filesystem::path kLandsatCrop =
    std::filesystem::path(GEOVERIFY_TEST_DATA) / "landsat_rgb_byte_crop.tif";

struct LandsatScene {
  std::unique_ptr<Basemap> map;
  cv::Mat colour, mask;  // BGR pixels and 255 where the raster has data
};

inline LandsatScene LoadLandsatScene() {
  LandsatScene s;
  auto map = Basemap::Open(kLandsatCrop);
  if (!map.ok()) {
    ADD_FAILURE() << map.error().message;
    return s;
  }
  s.map = std::move(*map);
  const cv::Rect2d all(0, 0, s.map->info().width, s.map->info().height);
  const cv::Size size(s.map->info().width, s.map->info().height);
  s.colour = *s.map->ReadColour(all, size);
  s.mask = s.map->Read(all, size)->mask;
  return s;
}

// A 200x150 JPEG photo of the crop's ground: rotated 250 deg, 1.1 crop pixels a photo pixel,
// tilted 15 deg, quality 85, centred on crop pixel (170, 150). Registers on the crop.
inline std::vector<std::uint8_t> GroundViewJpeg(const LandsatScene& scene) {
  bench::ViewParams p;
  p.size = {200, 150};
  p.rotation_deg = 250;
  p.scale = 1.1;
  p.tilt_deg = 15;
  p.jpeg_quality = 85;
  return bench::CutView(scene.colour, scene.mask, {170, 150}, p).jpeg;
}

// The view as another year would show it: its greys folded by a curve that is not monotonic
// (dark fields turn light and light ones dark, as a change of crop or water does), so that
// the gradients keep their lines but not their signs. SIFT finds nothing in common.
inline cv::Mat AnotherYear(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::Mat lut(1, 256, CV_8U);
  for (int i = 0; i < 256; ++i)
    lut.at<uchar>(i) = cv::saturate_cast<uchar>(128 + 120 * std::sin(i / 255.0 * 3 * CV_PI));
  cv::LUT(gray, lut, gray);
  cv::Mat out;
  cv::cvtColor(gray, out, cv::COLOR_GRAY2BGR);
  return out;
}

// A view of the crop's ground as another year shows it, with its true heading (of the
// photo's up direction, clockwise from north) and ground sample distance: what priors
// estimate.
struct PriorCase {
  bench::View view;
  cv::Mat photo;
  double heading_deg = 0, gsd_m = 0;  // the truth
};

// A 200x150 view turned 40 deg, 0.8 crop pixels a view pixel, tilted 12 deg, JPEG 85.
inline bench::ViewParams SlightlyTilted() {
  bench::ViewParams p;
  p.size = {200, 150};
  p.rotation_deg = 40;
  p.scale = 0.8;
  p.tilt_deg = 12;
  p.tilt_azimuth_deg = 200;
  p.jpeg_quality = 85;
  return p;
}

inline PriorCase AnotherYearView(const LandsatScene& s,
                                 const bench::ViewParams& p = SlightlyTilted()) {
  PriorCase c;
  c.view = bench::CutView(s.colour, s.mask, {160, 160}, p);
  c.photo = AnotherYear(c.view.image);
  const auto truth = bench::ViewUpAndScale(c.view, p.size);
  const cv::Matx33d& h = c.view.source_from_view;
  const cv::Vec3d centre = h * cv::Vec3d(p.size.width / 2.0, p.size.height / 2.0, 1);
  c.heading_deg = std::fmod(
      truth.up_deg - NorthInPixels(*s.map, {centre[0] / centre[2], centre[1] / centre[2]}) + 720,
      360);
  c.gsd_m = truth.scale * s.map->info().pixel_size_m;
  return c;
}

// The photo blurred (Gaussian, `sigma` px) with Gaussian noise of `noise_sd` grey levels
// added (seeded: the same every run): a photo whose fields correlate weakly.
inline cv::Mat BlurredAndNoisy(const cv::Mat& photo, double sigma, double noise_sd) {
  cv::Mat noise(photo.size(), CV_32FC(photo.channels())), soft;
  cv::RNG rng(7);
  rng.fill(noise, cv::RNG::NORMAL, 0, noise_sd);
  cv::GaussianBlur(photo, soft, cv::Size(0, 0), sigma);
  soft.convertTo(soft, CV_32F);
  soft += noise;
  soft.convertTo(soft, CV_8U);
  return soft;
}

}  // namespace gv::test
