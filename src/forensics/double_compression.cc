#include "forensics/double_compression.h"

#include <algorithm>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace gv {

Result<DoubleCompressionResult> DetectDoubleCompression(const cv::Mat& image, int last_quality,
                                                        double max_ratio) {
  if (image.empty()) return MakeError("empty image");
  if (last_quality < 1 || last_quality > 100) return MakeError("quality must be within 1..100");
  cv::Mat gray = image;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  // Centre crop on the 8x8 grid, so the re-saves quantise the same blocks as the original.
  const int w = std::min(1024, gray.cols / 8 * 8), h = std::min(1024, gray.rows / 8 * 8);
  if (w < 64 || h < 64) return MakeError("image too small for the JPEG ghost");
  const int x = (gray.cols - w) / 2 / 8 * 8, y = (gray.rows - h) / 2 / 8 * 8;
  const cv::Mat crop = gray(cv::Rect(x, y, w, h)).clone();
  constexpr int kLowest = 30;
  std::vector<double> curve;
  for (int q = kLowest; q <= 100; ++q) {
    std::vector<std::uint8_t> bytes;
    cv::imencode(".jpg", crop, bytes, {cv::IMWRITE_JPEG_QUALITY, q});
    cv::Mat again = cv::imdecode(bytes, cv::IMREAD_GRAYSCALE), diff;
    cv::absdiff(crop, again, diff);
    diff.convertTo(diff, CV_32F);
    curve.push_back(cv::mean(diff.mul(diff))[0]);
  }
  DoubleCompressionResult r;
  const int n = static_cast<int>(curve.size());
  for (int i = 1; i + 1 < n && kLowest + i <= last_quality - 4; ++i) {
    const double v = curve[static_cast<std::size_t>(i)];
    if (!(v < curve[static_cast<std::size_t>(i - 1)] && v < curve[static_cast<std::size_t>(i + 1)]))
      continue;
    double high = 0;
    for (int k = std::max(0, i - 6); k <= std::min(n - 1, i + 6); ++k)
      high = std::max(high, curve[static_cast<std::size_t>(k)]);
    const double ratio = high > 0 ? v / high : 1;
    if (ratio < r.ghost_ratio) {
      r.ghost_ratio = ratio;
      r.first_quality = kLowest + i;
    }
  }
  r.detected = r.ghost_ratio < max_ratio;
  if (!r.detected) r.first_quality.reset();
  return r;
}

}  // namespace gv
