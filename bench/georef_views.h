// Synthetic "photos of the ground" cut from a georeferenced raster with a known
// homography, for the georef evaluation, benchmark and tests: rotation, scale, perspective
// tilt, brightness, blur and JPEG compression, from a seeded generator. Ground truth is
// exact: the view's corners in the source raster's pixels (GDAL corner convention).
#pragma once

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <random>
#include <vector>

namespace gv::bench {

struct ViewParams {
  cv::Size size{320, 240};
  double rotation_deg = 0;  // of the view relative to north-up
  double scale = 1;         // source pixels per view pixel at the centre (before tilt)
  double tilt_deg = 0;      // perspective tilt of the virtual camera
  double tilt_azimuth_deg = 0;
  double gain = 1, offset = 0;  // brightness change
  double blur_sigma = 0;
  int jpeg_quality = 90;  // 0: no JPEG round trip
};

struct View {
  cv::Mat image;                       // 8-bit BGR, after the JPEG round trip
  std::vector<std::uint8_t> jpeg;      // encoded bytes (empty when jpeg_quality == 0)
  cv::Matx33d source_from_view;        // view pixels -> source pixels (corner convention)
  std::array<cv::Point2d, 4> corners;  // view corners in source pixels: TL, TR, BR, BL
  double valid_share = 0;              // share of the view's pixels with source data
};

// Cuts a view centred on `centre` (source pixels) from `source` (BGR) and its validity
// mask (CV_8UC1, 255 = data).
View CutView(const cv::Mat& source, const cv::Mat& mask, cv::Point2d centre, const ViewParams& p);

// The view's up direction at its centre, in source pixels (degrees clockwise from the
// source's pixel up), and its scale there (source pixels per view pixel, the square root of
// the Jacobian's determinant): what a heading and a ground sample distance describe.
struct UpAndScale {
  double up_deg = 0, scale = 1;
};
UpAndScale ViewUpAndScale(const View& v, cv::Size size);

// Random parameters within the evaluation's ranges: rotation 0-360 deg, scale 0.5-2
// (log-uniform), tilt 0-45 deg, gain 0.7-1.3, offset +-20, blur 0-1.5 px, JPEG 60-95.
ViewParams RandomViewParams(std::mt19937_64& rng, cv::Size size);

}  // namespace gv::bench
