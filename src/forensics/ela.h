// Error level analysis (Krawetz, "A Picture's Worth", Black Hat 2007): the photo is saved
// again as JPEG at a known quality and the per-pixel difference shows where compression
// history differs, e.g. a region pasted from another image or saved at another quality.
#pragma once

#include <opencv2/core.hpp>

#include "util/result.h"

namespace gv {

struct ElaOptions {
  int quality = 90;  // of the re-save
  int block = 16;    // pixels a side of the blocks the score compares
  Status Check() const;
};

struct ElaResult {
  cv::Mat picture;          // 8-bit grey, scaled so that the 99th percentile is white
  double mean_error = 0;    // mean absolute difference (0..255)
  double unevenness = 0;    // (99th percentile - median) / (median + 1) of block means
  cv::Point hottest_block;  // top-left pixel of the block with the highest mean
};

// `bgr`: 8-bit BGR or grey.
Result<ElaResult> ErrorLevelAnalysis(const cv::Mat& bgr, const ElaOptions& options = {});

}  // namespace gv
