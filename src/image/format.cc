#include "image/format.h"

#include <cstring>

namespace gv {
namespace {
bool StartsWith(std::span<const std::uint8_t> head, std::size_t offset, const char* magic) {
  const std::size_t n = std::strlen(magic);
  return head.size() >= offset + n && std::memcmp(head.data() + offset, magic, n) == 0;
}
}  // namespace

ImageFormat DetectFormat(std::span<const std::uint8_t> head) {
  if (head.size() >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
    return ImageFormat::kJpeg;
  if (StartsWith(head, 0, "\x89PNG\r\n\x1a\n")) return ImageFormat::kPng;
  if (StartsWith(head, 0, "II*") || StartsWith(head, 0, "MM")) {
    if (head.size() >= 4 &&
        ((head[0] == 'I' && head[3] == 0) || (head[0] == 'M' && head[2] == 0 && head[3] == 42))) {
      return ImageFormat::kTiff;
    }
  }
  if (StartsWith(head, 0, "RIFF") && StartsWith(head, 8, "WEBP")) return ImageFormat::kWebp;
  if (StartsWith(head, 4, "ftyp")) {
    if (StartsWith(head, 8, "heic") || StartsWith(head, 8, "heix") || StartsWith(head, 8, "mif1") ||
        StartsWith(head, 8, "msf1") || StartsWith(head, 8, "avif")) {
      return ImageFormat::kHeif;
    }
    return ImageFormat::kIsoVideo;
  }
  // QuickTime files from before 'ftyp': a known top-level atom first.
  for (const char* atom : {"moov", "mdat", "wide", "pnot"})
    if (StartsWith(head, 4, atom) && head.size() >= 8 && head[0] == 0)
      return ImageFormat::kIsoVideo;
  if (StartsWith(head, 0, "\x1a\x45\xdf\xa3")) return ImageFormat::kMatroska;
  if (StartsWith(head, 0, "GIF87a") || StartsWith(head, 0, "GIF89a")) return ImageFormat::kGif;
  if (StartsWith(head, 0, "BM")) return ImageFormat::kBmp;
  if (StartsWith(head, 0, "%PDF")) return ImageFormat::kPdf;
  return ImageFormat::kUnknown;
}

std::string FormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kTiff:
      return "TIFF";
    case ImageFormat::kWebp:
      return "WEBP";
    case ImageFormat::kHeif:
      return "HEIF";
    case ImageFormat::kGif:
      return "GIF";
    case ImageFormat::kBmp:
      return "BMP";
    case ImageFormat::kIsoVideo:
      return "ISO-BMFF video";
    case ImageFormat::kMatroska:
      return "Matroska video";
    case ImageFormat::kPdf:
      return "PDF";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

bool IsSupportedForMetadata(ImageFormat format) {
  return format == ImageFormat::kJpeg || format == ImageFormat::kPng ||
         format == ImageFormat::kTiff || format == ImageFormat::kWebp ||
         format == ImageFormat::kHeif;
}

bool IsVideo(ImageFormat format) {
  return format == ImageFormat::kIsoVideo || format == ImageFormat::kMatroska;
}

}  // namespace gv
