// Decoding with pixel limits: the dimensions are read from the file header and checked
// before any pixel is decoded, so a 60000x60000 "bomb" costs nothing.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <span>

#include "util/result.h"

namespace gv {

struct DecodeLimits {
  std::int64_t max_pixels = 200'000'000;  // width * height
  int max_side = 65'000;
  Status Check() const;
};

struct ImageSize {
  int width = 0, height = 0;
};

// Width and height from the header of a JPEG, PNG, GIF, BMP, WebP or TIFF image, or from a
// HEIF container (as coded, before its rotation).
Result<ImageSize> ReadImageSize(std::span<const std::uint8_t> data);

// Which pixels: as shown (the EXIF orientation applied, as OpenCV does by default), or as
// stored in the file (where a JPEG's 8x8 grid and its EXIF thumbnail are), in colour or
// grey (for a YCbCr JPEG the grey decoding is the stored luminance, without colour
// conversion).
enum class DecodeAs { kShown, kStored, kStoredGrey };

// Decodes to 8-bit BGR (grey for kStoredGrey) after checking ReadImageSize() against
// `limits`.
Result<cv::Mat> DecodeImage(std::span<const std::uint8_t> data, const DecodeLimits& limits = {},
                            DecodeAs as = DecodeAs::kShown);

// Where a rectangle of the stored pixel grid (`stored` is the stored image's size) appears
// in the picture as shown under EXIF `orientation` (1-8, as DecodeAs::kShown turns it;
// other values: unchanged).
cv::Rect ShownRect(const cv::Rect& r, cv::Size stored, int orientation);

}  // namespace gv
