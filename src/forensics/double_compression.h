// Double JPEG compression by the JPEG ghost (Farid, "Exposing Digital Forgeries from JPEG
// Ghosts", IEEE TIFS 2009): a photo saved first at quality q1 and then at q2 > q1 differs
// least from its own re-saves near q1, a local minimum of the difference curve below q2.
// Cases with q1 > q2 leave no ghost and are not detected by this method.
#pragma once

#include <opencv2/core.hpp>
#include <optional>

#include "util/result.h"

namespace gv {

struct DoubleCompressionResult {
  bool detected = false;
  std::optional<int> first_quality;  // estimated q1 (IJG scale)
  double ghost_ratio = 1;            // depth of the deepest minimum: its difference over the
                                     // largest within 6 quality steps (smaller = deeper)
};

// `image`: the decoded JPEG (8-bit BGR or grey); `last_quality`: its estimated quality.
// A centre crop of at most 1024x1024, aligned to the 8x8 grid, is re-saved at qualities
// 30..last_quality - 4. Detected when the deepest minimum's ratio is below `max_ratio`.
Result<DoubleCompressionResult> DetectDoubleCompression(const cv::Mat& image, int last_quality,
                                                        double max_ratio = 0.2);

}  // namespace gv
