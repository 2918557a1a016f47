#include "redact/clean_copy.h"

#include <jpeglib.h>
#include <zlib.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "metadata/exiv2_reader.h"

namespace gv {
namespace {

void Put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v & 0xFF));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void Put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xFF));
}
void Put32Be(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xFF));
}

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};
void OnJpegError(j_common_ptr info) {
  auto* e = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, e->message);
  std::longjmp(e->jump, 1);
}

}  // namespace

std::vector<std::uint8_t> CaptureTimeExif(const CivilTime& t, std::optional<int> offset_s) {
  char when[20];
  std::snprintf(when, sizeof when, "%04d:%02d:%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  char offset[7] = "";
  if (offset_s) {
    const int m = std::abs(*offset_s) / 60;
    std::snprintf(offset, sizeof offset, "%c%02d:%02d", *offset_s < 0 ? '-' : '+', (m / 60) % 100,
                  m % 60);
  }
  // TIFF header, IFD0 (one entry: the EXIF IFD's offset), the EXIF IFD (one or two ASCII
  // entries), then their values.
  std::vector<std::uint8_t> b = {'I', 'I', 42, 0};
  Put32(b, 8);
  Put16(b, 1);
  Put16(b, 0x8769), Put16(b, 4), Put32(b, 1), Put32(b, 8 + 2 + 12 + 4);
  Put32(b, 0);  // no next IFD: no thumbnail
  const std::uint16_t entries = offset_s ? 2 : 1;
  const std::uint32_t values = 8 + 2 + 12 + 4 + 2 + 12u * entries + 4;
  Put16(b, entries);
  Put16(b, 0x9003), Put16(b, 2), Put32(b, 20), Put32(b, values);
  if (offset_s) Put16(b, 0x9011), Put16(b, 2), Put32(b, 7), Put32(b, values + 20);
  Put32(b, 0);
  b.insert(b.end(), when, when + 20);  // with its NUL
  if (offset_s) b.insert(b.end(), offset, offset + 7);
  return b;
}

Result<std::vector<std::uint8_t>> EncodeCleanJpeg(const cv::Mat& bgr, int quality,
                                                  const std::vector<std::uint8_t>& exif) {
  if (bgr.empty() || bgr.type() != CV_8UC3) return MakeError("expected 8-bit BGR pixels");
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  jpeg_compress_struct info{};
  JpegError error{};
  info.err = jpeg_std_error(&error.mgr);
  error.mgr.error_exit = OnJpegError;
  unsigned char* out = nullptr;
  unsigned long size = 0;
  if (setjmp(error.jump)) {
    jpeg_destroy_compress(&info);
    std::free(out);
    return MakeError(std::string("libjpeg: ") + error.message);
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, &out, &size);
  info.image_width = static_cast<JDIMENSION>(rgb.cols);
  info.image_height = static_cast<JDIMENSION>(rgb.rows);
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, std::clamp(quality, 1, 100), TRUE);
  for (int c = 0; c < 3; ++c) info.comp_info[c].h_samp_factor = info.comp_info[c].v_samp_factor = 1;
  info.optimize_coding = TRUE;
  info.write_JFIF_header = TRUE;
  jpeg_start_compress(&info, TRUE);
  if (!exif.empty()) {
    std::vector<std::uint8_t> app1 = {'E', 'x', 'i', 'f', 0, 0};
    app1.insert(app1.end(), exif.begin(), exif.end());
    jpeg_write_marker(&info, JPEG_APP0 + 1, app1.data(), static_cast<unsigned>(app1.size()));
  }
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = rgb.ptr<unsigned char>(static_cast<int>(info.next_scanline));
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  std::vector<std::uint8_t> bytes(out, out + size);
  std::free(out);
  return bytes;
}

Result<std::vector<std::uint8_t>> EncodeCleanPng(const cv::Mat& bgr,
                                                 const std::vector<std::uint8_t>& exif) {
  std::vector<std::uint8_t> png;
  if (!cv::imencode(".png", bgr, png)) return MakeError("OpenCV could not encode PNG");
  // Keep the critical chunks only (whatever the encoder adds), then the eXIf chunk.
  std::vector<std::uint8_t> out(png.begin(), png.begin() + 8);
  std::size_t at = 8;
  bool exif_written = exif.empty();
  while (at + 12 <= png.size()) {
    const std::uint32_t length = (std::uint32_t{png[at]} << 24) |
                                 (std::uint32_t{png[at + 1]} << 16) |
                                 (std::uint32_t{png[at + 2]} << 8) | png[at + 3];
    const std::string type(reinterpret_cast<const char*>(&png[at + 4]), 4);
    const std::size_t next = at + 12 + length;
    if (next > png.size()) return MakeError("OpenCV wrote a truncated PNG");
    if (type == "IDAT" && !exif_written) {  // once, before the image data
      exif_written = true;
      Put32Be(out, static_cast<std::uint32_t>(exif.size()));
      const std::size_t type_at = out.size();
      out.insert(out.end(), {'e', 'X', 'I', 'f'});
      out.insert(out.end(), exif.begin(), exif.end());
      Put32Be(out, static_cast<std::uint32_t>(
                       crc32(0, &out[type_at], static_cast<uInt>(4 + exif.size()))));
    }
    if (type == "IHDR" || type == "PLTE" || type == "IDAT" || type == "IEND")
      out.insert(out.end(), png.begin() + static_cast<std::ptrdiff_t>(at),
                 png.begin() + static_cast<std::ptrdiff_t>(next));
    at = next;
    if (type == "IEND") break;
  }
  return out;
}

namespace {

// Every segment to the end, scans included (ParseJpegStructure, made for evidence, stops at
// the first scan): a segment hidden between two scans must not pass either.
Status ScanJpeg(std::span<const std::uint8_t> b, bool time_allowed) {
  if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) return MakeError("not a JPEG stream");
  std::size_t at = 2;
  while (true) {
    if (at + 2 > b.size()) return MakeError("the JPEG stream ends without its end marker");
    if (b[at] != 0xFF)
      return MakeError("bytes between JPEG segments at offset " + std::to_string(at));
    const std::uint8_t m = b[at + 1];
    if (m == 0xD9) {
      if (at + 2 != b.size())
        return MakeError(std::to_string(b.size() - at - 2) + " bytes after the end of the image");
      return OkStatus();
    }
    if (at + 4 > b.size()) return MakeError("truncated JPEG segment");
    const std::size_t length = (std::size_t{b[at + 2]} << 8) | b[at + 3];
    if (length < 2 || at + 2 + length > b.size()) return MakeError("truncated JPEG segment");
    const auto payload = b.subspan(at + 4, length - 2);
    const auto starts = [&](const char* id, std::size_t n) {
      return payload.size() >= n && std::memcmp(payload.data(), id, n) == 0;
    };
    char name[16];
    std::snprintf(name, sizeof name, "0x%02X", m);
    if (m == 0xE0) {
      if (!starts("JFIF\0", 5)) return MakeError("an APP0 segment that is not JFIF");
      if (payload.size() > 14 && (payload[12] != 0 || payload[13] != 0))
        return MakeError("a JFIF thumbnail");
    } else if (m == 0xE1) {
      if (!time_allowed || !starts("Exif\0\0", 6))
        return MakeError("an APP1 segment (EXIF or XMP)");
    } else if (m >= 0xE2 && m <= 0xEF) {
      return MakeError("an APP" + std::to_string(m - 0xE0) + " segment");
    } else if (m == 0xFE) {
      return MakeError("a comment segment");
    } else if (m != 0xDB && m != 0xC4 && m != 0xC0 && m != 0xC1 && m != 0xC2 && m != 0xDD &&
               m != 0xDA) {
      return MakeError(std::string("an unexpected JPEG marker ") + name);
    }
    at += 2 + length;
    if (m == 0xDA) {  // entropy-coded data: up to the next marker that is not a restart or stuffing
      while (at + 1 < b.size() &&
             !(b[at] == 0xFF && b[at + 1] != 0x00 && !(b[at + 1] >= 0xD0 && b[at + 1] <= 0xD7)))
        ++at;
    }
  }
}

Status ScanPng(std::span<const std::uint8_t> b, bool time_allowed) {
  static const std::uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (b.size() < 8 || std::memcmp(b.data(), sig, 8) != 0) return MakeError("not a PNG stream");
  std::size_t at = 8;
  while (at + 12 <= b.size()) {
    const std::uint32_t length = (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
                                 (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
    const std::string type(reinterpret_cast<const char*>(&b[at + 4]), 4);
    if (at + 12 + length > b.size()) return MakeError("truncated PNG chunk " + type);
    if (!(type == "IHDR" || type == "PLTE" || type == "IDAT" || type == "IEND" ||
          (type == "eXIf" && time_allowed)))
      return MakeError("a PNG " + type + " chunk");
    at += 12 + length;
    if (type == "IEND") {
      if (at != b.size()) return MakeError(std::to_string(b.size() - at) + " bytes after IEND");
      return OkStatus();
    }
  }
  return MakeError("the PNG stream ends without IEND");
}

}  // namespace

Status VerifyCleanCopy(std::span<const std::uint8_t> bytes, bool time_allowed,
                       const std::vector<std::string>& forbidden) {
  const bool png = bytes.size() >= 8 && bytes[0] == 0x89 && bytes[1] == 'P';
  if (Status s = png ? ScanPng(bytes, time_allowed) : ScanJpeg(bytes, time_allowed); !s.ok())
    return MakeError("the copy holds " + s.error().message);
  auto present = MetadataPresent(bytes);
  if (!present.ok()) return MakeError("exiv2 cannot read the copy: " + present.error().message);
  for (const auto& key : *present)
    if (!time_allowed || (key != "Exif.Photo.DateTimeOriginal" &&
                          key != "Exif.Photo.OffsetTimeOriginal" && key != "Exif.Image.ExifTag"))
      return MakeError("exiv2 reads " + key + " in the copy");
  const std::string_view all(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  for (const auto& f : forbidden)
    if (f.size() >= 4 && all.find(f) != std::string_view::npos)
      return MakeError("the copy's bytes hold \"" + f + "\" from the original");
  return OkStatus();
}

}  // namespace gv
