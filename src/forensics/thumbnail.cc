#include "forensics/thumbnail.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>
#include <optional>

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

// A camera's framing is seldom exact to the pixel: a crop a few pixels off centre, another
// resampler's half-pixel convention. An affine alignment (ECC) of the framed main image on
// the thumbnail refines it; it is kept only when it agrees better, stays near the framing
// (scale within 10 %, shift within a tenth of the thumbnail) and leaves most pixels inside.
// A global affine map cannot warp a local edit away. `diff` and `mean` (its mean over the
// pixels it covers) are replaced when it is kept; pixels the warp leaves uncovered are 0.
void Refine(const cv::Mat& main, const cv::Mat& thumb, cv::Mat& diff, double& mean) {
  cv::Mat warp = cv::Mat::eye(2, 3, CV_32F), main32, thumb32;
  main.convertTo(main32, CV_32F);
  thumb.convertTo(thumb32, CV_32F);
  try {
    // A shift of several pixels is beyond ECC's reach on fine texture: phase correlation first.
    const cv::Point2d shift = cv::phaseCorrelate(main32, thumb32);
    if (!std::isfinite(shift.x) || !std::isfinite(shift.y)) return;  // flat pictures
    warp.at<float>(0, 2) = static_cast<float>(-shift.x);
    warp.at<float>(1, 2) = static_cast<float>(-shift.y);
    cv::findTransformECC(
        thumb32, main32, warp, cv::MOTION_AFFINE,
        cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 100, 1e-6), cv::noArray(),
        3);
  } catch (const cv::Exception&) {
    return;  // no convergence (flat or unrelated pictures): the framing stands as it is
  }
  const auto w = [&](int r, int c) { return static_cast<double>(warp.at<float>(r, c)); };
  const double sx = std::hypot(w(0, 0), w(1, 0)), sy = std::hypot(w(0, 1), w(1, 1));
  if (std::abs(std::log(sx)) > 0.1 || std::abs(std::log(sy)) > 0.1 || std::abs(w(0, 1)) > 0.1 ||
      std::abs(w(1, 0)) > 0.1 || std::abs(w(0, 2)) > 0.1 * main.cols ||
      std::abs(w(1, 2)) > 0.1 * main.rows)
    return;
  cv::Mat aligned, inside;
  cv::warpAffine(main, aligned, warp, main.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                 cv::BORDER_REPLICATE);
  cv::warpAffine(cv::Mat(main.size(), CV_8U, cv::Scalar(255)), inside, warp, main.size(),
                 cv::INTER_NEAREST | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, cv::Scalar(0));
  if (cv::countNonZero(inside) < 0.8 * static_cast<double>(main.total())) return;
  cv::Mat refined = cv::abs(Normalised(aligned) - Normalised(thumb));
  refined.setTo(0, inside == 0);
  const double refined_mean = cv::mean(refined, inside)[0];
  if (refined_mean < mean) {
    diff = refined;
    mean = refined_mean;
  }
}

}  // namespace

Result<ThumbnailComparison> CompareThumbnail(const std::vector<std::uint8_t>& thumbnail,
                                             const cv::Mat& image) {
  DecodeLimits limits;
  limits.max_pixels = 4'000'000;  // a thumbnail is small; refuse anything else
  auto thumb = DecodeImage(thumbnail, limits);
  if (!thumb.ok()) return MakeError("thumbnail: " + thumb.error().message);
  return CompareThumbnailPixels(*thumb, image);
}

Result<ThumbnailComparison> CompareThumbnailPixels(const cv::Mat& thumbnail, const cv::Mat& image) {
  const cv::Mat* thumb = &thumbnail;
  if (thumb->cols < 16 || thumb->rows < 16) return MakeError("thumbnail too small to compare");
  if (image.empty()) return MakeError("no image to compare the thumbnail with");
  const cv::Size t = thumb->size();
  // Cameras frame a thumbnail of another aspect ratio in one of three ways: the whole picture
  // letterboxed (fitted, centred), the centre of the picture filling the thumbnail, or the
  // whole picture stretched. Each is compared; the one that agrees best is the camera's.
  struct Framing {
    ThumbnailFraming kind;
    cv::Rect image_part, thumb_part;
  };
  const double fit = std::min(static_cast<double>(t.width) / image.cols,
                              static_cast<double>(t.height) / image.rows);
  const double fill = std::max(static_cast<double>(t.width) / image.cols,
                               static_cast<double>(t.height) / image.rows);
  const cv::Size fitted(std::clamp(static_cast<int>(std::lround(image.cols * fit)), 1, t.width),
                        std::clamp(static_cast<int>(std::lround(image.rows * fit)), 1, t.height));
  const cv::Size covered(std::clamp(static_cast<int>(std::lround(t.width / fill)), 1, image.cols),
                         std::clamp(static_cast<int>(std::lround(t.height / fill)), 1, image.rows));
  const cv::Rect whole_image({0, 0}, image.size()), whole_thumb({0, 0}, t);
  std::vector<Framing> framings = {
      {ThumbnailFraming::kLetterbox, whole_image,
       cv::Rect((t.width - fitted.width) / 2, (t.height - fitted.height) / 2, fitted.width,
                fitted.height)},
      {ThumbnailFraming::kCentreCrop,
       cv::Rect((image.cols - covered.width) / 2, (image.rows - covered.height) / 2, covered.width,
                covered.height),
       whole_thumb},
      {ThumbnailFraming::kStretch, whole_image, whole_thumb}};
  std::optional<ThumbnailComparison> best;
  cv::Mat diff;
  cv::Rect best_part;
  for (const Framing& f : framings) {
    if (f.thumb_part.width < 8 || f.thumb_part.height < 8) continue;
    cv::Mat small, gray_main, gray_thumb;
    cv::resize(image(f.image_part), small, f.thumb_part.size(), 0, 0, cv::INTER_AREA);
    cv::cvtColor(small, gray_main, cv::COLOR_BGR2GRAY);
    cv::cvtColor((*thumb)(f.thumb_part), gray_thumb, cv::COLOR_BGR2GRAY);
    // A little blur: the two went through different resamplers and JPEG settings.
    cv::GaussianBlur(gray_main, gray_main, cv::Size(0, 0), 1.0);
    cv::GaussianBlur(gray_thumb, gray_thumb, cv::Size(0, 0), 1.0);
    cv::Mat d = cv::abs(Normalised(gray_main) - Normalised(gray_thumb));
    double mean = cv::mean(d)[0];
    Refine(gray_main, gray_thumb, d, mean);
    if (best && mean >= best->mean_difference) continue;
    best = ThumbnailComparison{};
    best->framing = f.kind;
    best->mean_difference = mean;
    diff = d;
    best_part = f.thumb_part;
  }
  if (!best) return MakeError("thumbnail and image too different in shape to compare");
  best->thumbnail_size = t;
  const BlockStats blocks = BlockMeans(diff, 8);
  cv::minMaxLoc(blocks.means, nullptr, &best->worst_block);
  best->worst_block_at = blocks.max_at + best_part.tl();
  cv::Mat best_diff = cv::Mat::zeros(t, CV_32F);
  diff.copyTo(best_diff(best_part));
  cv::Mat picture;
  best_diff.convertTo(picture, CV_8U, 255.0 / 3.0);  // 3 standard deviations = white
  cv::resize(picture, best->picture, cv::Size(), 4, 4, cv::INTER_NEAREST);
  return *best;
}

const char* ToString(ThumbnailFraming f) {
  switch (f) {
    case ThumbnailFraming::kLetterbox:
      return "letterbox";
    case ThumbnailFraming::kCentreCrop:
      return "centre_crop";
    case ThumbnailFraming::kStretch:
      return "stretch";
  }
  return "letterbox";
}

}  // namespace gv
