// The EXIF thumbnail against the main image: a camera writes both from the same exposure,
// so a thumbnail that shows something else means the main image changed afterwards.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

#include "util/result.h"

namespace gv {

// How the camera framed the picture in a thumbnail of another aspect ratio.
enum class ThumbnailFraming { kLetterbox, kCentreCrop, kStretch };
const char* ToString(ThumbnailFraming f);  // "letterbox", "centre_crop", "stretch"

struct ThumbnailComparison {
  cv::Size thumbnail_size;
  ThumbnailFraming framing = ThumbnailFraming::kLetterbox;  // the one that agrees best
  double mean_difference = 0;  // of brightness-normalised grey, in standard deviations
  double worst_block = 0;      // largest 8x8-block mean difference, same units
  cv::Point worst_block_at;    // in thumbnail pixels
  cv::Mat picture;             // 8-bit difference map at thumbnail size (x4 for viewing; 0 outside)
};

// Compares the embedded JPEG `thumbnail` with `image` (8-bit BGR). The main image is framed
// in the thumbnail each way cameras do (letterboxed, centre-cropped, stretched) and the
// framing that agrees best is compared: an edit shows in all three, a framing only in some.
Result<ThumbnailComparison> CompareThumbnail(const std::vector<std::uint8_t>& thumbnail,
                                             const cv::Mat& image);
// The same with the thumbnail already decoded (a HEIF thumbnail item), 8-bit BGR.
Result<ThumbnailComparison> CompareThumbnailPixels(const cv::Mat& thumbnail, const cv::Mat& image);

}  // namespace gv
