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
  // The primary image's transformations from the container (ISO/IEC 23008-12 'irot' and
  // 'imir' properties, read by a bounds-checked walk of meta/pitm/iprp), applied in order to
  // the coded image to show it: `rotation_ccw` degrees counter-clockwise (0, 90, 180, 270)
  // and a mirror about the vertical axis (`mirror` "left-right") or the horizontal one
  // ("top-bottom"), "" for none; `mirror_first` when the mirror comes before the rotation.
  int rotation_ccw = 0;
  std::string mirror;
  bool mirror_first = false;
};

// The transformations of the primary item (the HeifInfo fields above) from the container's
// boxes alone. Bounds-checked: a damaged box yields no transformation, never a read past
// the end.
void ReadHeifTransforms(std::span<const std::uint8_t> bytes, HeifInfo& info);

// Reads the container without decoding pixels. Error: not HEIF, or a container libheif
// refuses (the reason says why).
Result<HeifInfo> ReadHeifInfo(std::span<const std::uint8_t> bytes);

// Decodes the primary image (or its first thumbnail) to 8-bit BGR (grey with `grey`), with
// the container's rotation and mirroring applied (`shown`) or as coded. The caller checks
// the size against its limits first (ReadHeifInfo).
Result<cv::Mat> DecodeHeif(std::span<const std::uint8_t> bytes, bool shown, bool grey = false,
                           bool thumbnail = false);

}  // namespace gv
