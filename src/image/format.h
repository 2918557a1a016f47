// Image format detection by content (magic bytes), never by file name.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace gv {

enum class ImageFormat {
  kUnknown,
  kJpeg,
  kPng,
  kTiff,
  kWebp,
  kHeif,
  kGif,
  kBmp,
  kIsoVideo,
  kMatroska,
  kPdf
};

ImageFormat DetectFormat(std::span<const std::uint8_t> head);
// "JPEG", "PNG", ... ; "unknown" for kUnknown.
std::string FormatName(ImageFormat format);
// Formats whose metadata geoverify reads with exiv2. Others (video containers in
// particular, whose exiv2 0.27 parsers crash on hostile files) are refused before exiv2
// sees a byte.
bool IsSupportedForMetadata(ImageFormat format);
// Video containers (ISO-BMFF/QuickTime, Matroska/WebM): read by video/ (FFmpeg).
bool IsVideo(ImageFormat format);

}  // namespace gv
