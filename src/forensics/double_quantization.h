// Double JPEG compression from the DCT coefficient histograms (Lukáš & Fridrich, "Estimation
// of primary quantization matrix in double compressed JPEG images", DFRWS 2003; the
// periodicity it models is Popescu & Farid's, "Statistical tools for digital forensics",
// 2004). A JPEG saved twice on the same 8x8 grid has coefficients quantised first with step
// a and then with step b; unless a divides b, the histogram of the final integers shows a
// periodic pattern of over- and under-filled (or empty) bins, in either direction (a < b or
// a > b). The histogram of the single-compressed photo is estimated from the decoded
// luminance shifted by 4 pixels (off the grid, the quantisation is no longer visible), then
// quantised again under each candidate first step; the step whose simulated histogram
// fits the observed one best is the estimate. Only grid-aligned recompression is covered: a
// photo cropped between the two saves is not.
#pragma once

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <span>

#include "forensics/double_compression.h"
#include "image/decode.h"
#include "util/result.h"

namespace gv {

struct DoubleQuantizationResult {
  bool detected = false;
  // Per analysed frequency, 1 - (misfit of the best first step that does not divide the
  // last one) / (misfit of a single compression), averaged, with the first steps all finer
  // than the last ones or all coarser (the better of the two): 0 = one compression explains
  // the histograms as well as two.
  double fit_gain = 0;
  // The same with one IJG first quality for all frequencies (summed misfits).
  double ijg_gain = 0;
  std::optional<int> first_quality;  // the IJG quality that explains them best, if detected
  int frequencies = 0;               // frequencies with enough non-zero coefficients
  // When detected: how far the 32 px region that looks least double compressed (per 8x8
  // block, the likelihood of its coefficients under the double model against the single
  // one, averaged over the 3x3 regions around it) stands out, as a robust z-score, and
  // its top-left pixel. A splice from another picture keeps its own grid and looks singly
  // compressed.
  double single_region_z = 0;
  cv::Point single_region_at;
};

// The thresholds sit above the highest value of single saves: fit_gain 0.27 and ijg_gain
// 0.15 on the 25 camera originals and 48 libjpeg saves of scripts/eval-forensics, fit_gain
// 0.295 on the synthetic textures of the tests (saved at 60). Tuned on those sets: their
// 0 % false positives are not an independent figure.
struct DoubleQuantizationOptions {
  int max_side = 2048;         // centre crop analysed (aligned to the 8x8 grid)
  int frequencies = 20;        // AC frequencies analysed, in zig-zag order from the lowest
  double min_fit_gain = 0.31;  // detected when fit_gain or ijg_gain reaches its threshold
  double min_ijg_gain = 0.16;
};

// `luminance`: the decoded Y channel (8-bit, decoded without colour conversion: the
// grey decoding of a JPEG); `table`: the luminance quantisation table of the file in natural
// order (JpegQuantTable::values).
Result<DoubleQuantizationResult> DetectDoubleQuantization(
    const cv::Mat& luminance, const std::array<std::uint16_t, 64>& table,
    const DoubleQuantizationOptions& options = {});

// Both tests of a second save, on a JPEG file as `geoverify forensics` runs them: the DCT
// histograms above and the JPEG ghost (forensics/double_compression.h), on the stored
// luminance (EXIF orientation not applied: turning the picture would move the grid) and the
// luminance table the frame header gives. Each is empty when it could not run.
struct RecompressionEvidence {
  int last_quality = 0;  // IJG estimate of the file's own quality
  std::optional<DoubleQuantizationResult> dct;
  std::optional<DoubleCompressionResult> ghost;
  bool Detected() const;
  std::optional<int> FirstQuality() const;  // the DCT histograms', else the ghost's
};

// An error when the bytes are no JPEG with a luminance table, cannot be decoded, or neither
// test can run (too small).
Result<RecompressionEvidence> TestRecompression(std::span<const std::uint8_t> jpeg_bytes,
                                                const DecodeLimits& limits = {});

}  // namespace gv
