// HEIF containers (iPhone HEIC originals, AVIF) through libheif: the primary image's size,
// its EXIF, XMP and ICC blocks, its thumbnail, and its pixels, decoded with the container's
// own orientation (irot/imir) applied or not. The one file that includes libheif.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <span>
#include <string>
#include <vector>

#include "util/result.h"

namespace gv {

struct HeifInfo {
  // As coded (the 'ispe' box), as exiftool reports them: libheif 1.15 does not say the
  // rotation (irot) without decoding; a rotation keeps the pixel count.
  int width = 0, height = 0;
  std::string codec;               // "HEVC", "AV1", ...
  std::vector<std::uint8_t> exif;  // from the TIFF header on (empty: none)
  std::vector<std::uint8_t> xmp;   // the XMP packet (empty: none)
  std::vector<std::uint8_t> icc;   // a raw ICC profile (empty: none or nclx only)
  int thumbnails = 0;
  bool alpha = false;
};

// Reads the container without decoding pixels. Error: not HEIF, or a container libheif
// refuses (the reason says why).
Result<HeifInfo> ReadHeifInfo(std::span<const std::uint8_t> bytes);

// Decodes the primary image (or its first thumbnail) to 8-bit BGR (grey with `grey`), with
// the container's rotation and mirroring applied (`shown`) or as coded. The caller checks
// the size against its limits first (ReadHeifInfo).
Result<cv::Mat> DecodeHeif(std::span<const std::uint8_t> bytes, bool shown, bool grey = false,
                           bool thumbnail = false);

}  // namespace gv
