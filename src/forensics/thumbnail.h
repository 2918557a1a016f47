// The EXIF thumbnail against the main image: a camera writes both from the same exposure,
// so a thumbnail that shows something else means the main image changed afterwards.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

#include "util/result.h"

namespace gv {

struct ThumbnailComparison {
  cv::Size thumbnail_size;
  double mean_difference = 0;  // of brightness-normalised grey, in standard deviations
  double worst_block = 0;      // largest 8x8-block mean difference, same units
  cv::Point worst_block_at;    // in thumbnail pixels
  cv::Mat picture;             // 8-bit difference map at thumbnail size (x4 for viewing)
};

// Compares the embedded JPEG `thumbnail` with `image` (8-bit BGR). The main image is fitted
// into the thumbnail's frame the way cameras do (letterboxed when the aspects differ).
Result<ThumbnailComparison> CompareThumbnail(const std::vector<std::uint8_t>& thumbnail,
                                             const cv::Mat& image);

}  // namespace gv
