#include "forensics/thumbnail.h"

#include <algorithm>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "forensics/block_stats.h"
#include "image/decode.h"

namespace gv {
namespace {

cv::Mat Normalised(const cv::Mat& gray) {
  cv::Mat f;
  gray.convertTo(f, CV_32F);
  cv::Scalar mean, sd;
  cv::meanStdDev(f, mean, sd);
  return (f - mean[0]) / std::max(1.0, sd[0]);
}

}  // namespace

Result<ThumbnailComparison> CompareThumbnail(const std::vector<std::uint8_t>& thumbnail,
                                             const cv::Mat& image) {
  DecodeLimits limits;
  limits.max_pixels = 4'000'000;  // a thumbnail is small; refuse anything else
  auto thumb = DecodeImage(thumbnail, limits);
  if (!thumb.ok()) return MakeError("thumbnail: " + thumb.error().message);
  if (thumb->cols < 16 || thumb->rows < 16) return MakeError("thumbnail too small to compare");
  // Fit the main image into the thumbnail frame, centred.
  const double fit = std::min(static_cast<double>(thumb->cols) / image.cols,
                              static_cast<double>(thumb->rows) / image.rows);
  const cv::Size fitted(std::max(1, static_cast<int>(std::lround(image.cols * fit))),
                        std::max(1, static_cast<int>(std::lround(image.rows * fit))));
  const cv::Rect area((thumb->cols - fitted.width) / 2, (thumb->rows - fitted.height) / 2,
                      fitted.width, fitted.height);
  cv::Mat small, gray_main, gray_thumb;
  cv::resize(image, small, fitted, 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, gray_main, cv::COLOR_BGR2GRAY);
  cv::cvtColor((*thumb)(area), gray_thumb, cv::COLOR_BGR2GRAY);
  // A little blur: the two went through different resamplers and JPEG settings.
  cv::GaussianBlur(gray_main, gray_main, cv::Size(0, 0), 1.0);
  cv::GaussianBlur(gray_thumb, gray_thumb, cv::Size(0, 0), 1.0);
  const cv::Mat diff = cv::abs(Normalised(gray_main) - Normalised(gray_thumb));
  ThumbnailComparison c;
  c.thumbnail_size = thumb->size();
  c.mean_difference = cv::mean(diff)[0];
  const BlockStats blocks = BlockMeans(diff, 8);
  cv::minMaxLoc(blocks.means, nullptr, &c.worst_block);
  c.worst_block_at = blocks.max_at + area.tl();
  cv::Mat picture;
  diff.convertTo(picture, CV_8U, 255.0 / 3.0);  // 3 standard deviations = white
  cv::resize(picture, c.picture, cv::Size(), 4, 4, cv::INTER_NEAREST);
  return c;
}

}  // namespace gv
