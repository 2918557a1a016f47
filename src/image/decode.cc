#include "image/decode.h"

#include <opencv2/imgcodecs.hpp>

#include "image/format.h"
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
    default:
      return MakeError("cannot read the dimensions of this format before decoding");
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
    return MakeError("image is " + std::to_string(size->width) + "x" +
                     std::to_string(size->height) + " pixels, above the decoding limit");
  }
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
