// Noise residual: a high-pass map of the photo and the noise level of each block, estimated
// with Immerkær's operator (Immerkær, "Fast Noise Variance Estimation", CVIU 1996). A
// region spliced in from another camera or processed differently tends to carry a noise
// level unlike the rest of the photo.
#pragma once

#include <opencv2/core.hpp>

#include "util/result.h"

namespace gv {

struct NoiseResult {
  cv::Mat picture;           // 8-bit: |residual|, scaled so that the 99th percentile is white
  cv::Mat block_sigma;       // CV_64F, noise sigma per block (grey levels)
  double median_sigma = 0;   // of the blocks
  double inconsistency = 0;  // median absolute deviation of block sigmas / median sigma
  double region_z = 0;       // robust z-score of the 3x3-block region whose noise is
                             // farthest from the photo's (either way): a splice's noise
  cv::Point most_different;  // top-left pixel of that region's centre block
};

// `image`: 8-bit BGR or grey; `block`: pixels a side (at least 8).
Result<NoiseResult> NoiseResidual(const cv::Mat& image, int block = 32);

}  // namespace gv
