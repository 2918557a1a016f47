#include "image/decode.h"

#include <algorithm>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <optional>

#include "image/format.h"
#include "image/heif.h"
#include "image/jpeg_structure.h"

namespace gv {
namespace {

std::uint32_t Be32(std::span<const std::uint8_t> d, std::size_t p) {
  return (std::uint32_t{d[p]} << 24) | (std::uint32_t{d[p + 1]} << 16) |
         (std::uint32_t{d[p + 2]} << 8) | d[p + 3];
}
std::uint32_t Le32(std::span<const std::uint8_t> d, std::size_t p) {
  return (std::uint32_t{d[p + 3]} << 24) | (std::uint32_t{d[p + 2]} << 16) |
         (std::uint32_t{d[p + 1]} << 8) | d[p];
}
std::uint32_t Le16(std::span<const std::uint8_t> d, std::size_t p) {
  return std::uint32_t{d[p + 1]} << 8 | d[p];
}

Result<ImageSize> WebpSize(std::span<const std::uint8_t> d) {
  if (d.size() < 30) return MakeError("truncated WebP header");
  const std::string chunk(d.begin() + 12, d.begin() + 16);
  if (chunk == "VP8X")
    return ImageSize{static_cast<int>((Le32(d, 24) & 0xFFFFFF) + 1),
                     static_cast<int>((Le32(d, 27) & 0xFFFFFF) + 1)};
  if (chunk == "VP8L") {
    const std::uint32_t bits = Le32(d, 21);
    return ImageSize{static_cast<int>((bits & 0x3FFF) + 1),
                     static_cast<int>(((bits >> 14) & 0x3FFF) + 1)};
  }
  if (chunk == "VP8 ")
    return ImageSize{static_cast<int>(Le16(d, 26) & 0x3FFF),
                     static_cast<int>(Le16(d, 28) & 0x3FFF)};
  return MakeError("unknown WebP chunk");
}

// Width and height from the first image file directory of a classic TIFF (either byte
// order; DetectFormat does not take BigTIFF): tags 256 and 257, SHORT or LONG. Every offset
// is checked against the data; the image OpenCV decodes is this first one.
Result<ImageSize> TiffSize(std::span<const std::uint8_t> d) {
  if (d.size() < 8) return MakeError("truncated TIFF header");
  const bool le = d[0] == 'I';
  const auto u = [&](std::uint64_t p, int n) -> std::optional<std::uint32_t> {
    if (p > d.size() || d.size() - p < static_cast<std::uint64_t>(n)) return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i)
      v = (v << 8) | d[static_cast<std::size_t>(p) + static_cast<std::size_t>(le ? n - 1 - i : i)];
    return v;
  };
  const std::uint64_t ifd = *u(4, 4);
  const auto entries = u(ifd, 2);
  if (!entries) return MakeError("TIFF directory offset past the end of the file");
  std::uint32_t width = 0, height = 0;
  for (std::uint64_t i = 0; i < *entries; ++i) {
    const std::uint64_t at = ifd + 2 + i * 12;
    const auto tag = u(at, 2), type = u(at + 2, 2);
    if (!tag || !type) return MakeError("TIFF directory runs past the end of the file");
    if (*tag != 256 && *tag != 257) continue;
    if (*type != 3 && *type != 4) return MakeError("TIFF image size of an unexpected type");
    const auto value = u(at + 8, *type == 3 ? 2 : 4);
    if (!value) return MakeError("TIFF directory runs past the end of the file");
    (*tag == 256 ? width : height) = *value;
  }
  if (width == 0 || height == 0) return MakeError("TIFF without image width and height");
  return ImageSize{static_cast<int>(std::min<std::uint32_t>(width, INT32_MAX)),
                   static_cast<int>(std::min<std::uint32_t>(height, INT32_MAX))};
}

}  // namespace

Status DecodeLimits::Check() const {
  if (max_pixels <= 0 || max_side <= 0) return MakeError("decode limits must be positive");
  return OkStatus();
}

Result<ImageSize> ReadImageSize(std::span<const std::uint8_t> d) {
  switch (DetectFormat(d)) {
    case ImageFormat::kJpeg: {
      auto jpeg = ParseJpegStructure(d);
      if (!jpeg.ok()) return jpeg.error();
      return ImageSize{jpeg->width, jpeg->height};
    }
    case ImageFormat::kPng:
      if (d.size() < 24) return MakeError("truncated PNG header");
      return ImageSize{static_cast<int>(std::min<std::uint32_t>(Be32(d, 16), INT32_MAX)),
                       static_cast<int>(std::min<std::uint32_t>(Be32(d, 20), INT32_MAX))};
    case ImageFormat::kGif:
      if (d.size() < 10) return MakeError("truncated GIF header");
      return ImageSize{static_cast<int>(Le16(d, 6)), static_cast<int>(Le16(d, 8))};
    case ImageFormat::kBmp: {
      if (d.size() < 26) return MakeError("truncated BMP header");
      const auto h = static_cast<std::int32_t>(Le32(d, 22));
      return ImageSize{static_cast<int>(std::min<std::uint32_t>(Le32(d, 18), INT32_MAX)),
                       h == INT32_MIN ? INT32_MAX : std::abs(h)};
    }
    case ImageFormat::kWebp:
      return WebpSize(d);
    case ImageFormat::kTiff:
      return TiffSize(d);
    case ImageFormat::kHeif: {
      auto info = ReadHeifInfo(d);
      if (!info.ok()) return info.error();
      return ImageSize{info->width, info->height};
    }
    case ImageFormat::kUnknown:
      return MakeError("not an image geoverify can decode (format not recognised)");
    default:
      return MakeError(FormatName(DetectFormat(d)) +
                       " pixels cannot be decoded here (no decoder in this build)");
  }
}

Result<cv::Mat> DecodeImage(std::span<const std::uint8_t> data, const DecodeLimits& limits,
                            DecodeAs as) {
  if (auto st = limits.Check(); !st.ok()) return st.error();
  auto size = ReadImageSize(data);
  if (!size.ok()) return size.error();
  if (size->width <= 0 || size->height <= 0) return MakeError("image has zero width or height");
  if (size->width > limits.max_side || size->height > limits.max_side ||
      static_cast<std::int64_t>(size->width) * size->height > limits.max_pixels) {
    char limit[96];
    std::snprintf(limit, sizeof limit, " (%.2f megapixels, %d px a side)",
                  static_cast<double>(limits.max_pixels) / 1e6, limits.max_side);
    return MakeError("image is " + std::to_string(size->width) + "x" +
                     std::to_string(size->height) + " pixels, above the decoding limit" + limit);
  }
  if (DetectFormat(data) == ImageFormat::kHeif)
    return DecodeHeif(data, as == DecodeAs::kShown, as == DecodeAs::kStoredGrey);
  try {
    const cv::Mat raw(1, static_cast<int>(data.size()), CV_8U,
                      const_cast<std::uint8_t*>(data.data()));
    const int flags = as == DecodeAs::kShown ? cv::IMREAD_COLOR
                      : as == DecodeAs::kStored
                          ? cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION
                          : cv::IMREAD_GRAYSCALE | cv::IMREAD_IGNORE_ORIENTATION;
    cv::Mat image = cv::imdecode(raw, flags);
    if (image.empty()) return MakeError("image data could not be decoded");
    return image;
  } catch (const cv::Exception& e) {
    return MakeError(std::string("image decoding failed: ") + e.what());
  }
}

cv::Rect ShownRect(const cv::Rect& r, cv::Size stored, int orientation) {
  const int w = stored.width, h = stored.height;
  const int right = w - r.x - r.width, bottom = h - r.y - r.height;  // distances to the far edges
  switch (orientation) {
    case 2:
      return {right, r.y, r.width, r.height};  // mirrored left-right
    case 3:
      return {right, bottom, r.width, r.height};  // turned 180 degrees
    case 4:
      return {r.x, bottom, r.width, r.height};  // mirrored top-bottom
    case 5:
      return {r.y, r.x, r.height, r.width};  // transposed
    case 6:
      return {bottom, r.x, r.height, r.width};  // turned 90 degrees clockwise
    case 7:
      return {bottom, right, r.height, r.width};  // transversed
    case 8:
      return {r.y, right, r.height, r.width};  // turned 90 degrees anticlockwise
    default:
      return r;
  }
}

}  // namespace gv
