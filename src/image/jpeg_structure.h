// Bounds-checked JPEG marker parser (ITU T.81). Reads the marker segments up to the first
// start-of-scan, then looks for the end-of-image marker at the end of the data. Every
// segment length is checked against the buffer; malformed input gives an Error, never a
// read out of bounds. No pixel data is decoded.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/result.h"

namespace gv {

struct JpegSegment {
  std::uint8_t marker = 0;  // second byte of the marker (0xE1 = APP1)
  std::size_t offset = 0;   // offset of the 0xFF byte
  std::size_t length = 0;   // segment length field (includes the 2 length bytes), 0 if none
  std::string app_id;       // for APPn: the NUL-terminated identifier ("Exif", "JFIF"...)
};

// Natural (row-major 8x8) index of each zig-zag position: kJpegZigZag[k] for the k-th
// coefficient in the order JPEG stores them.
inline constexpr std::array<std::uint8_t, 64> kJpegZigZag = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

struct JpegQuantTable {
  int id = 0;
  std::array<std::uint16_t, 64> values{};  // natural (zig-zag decoded) order
};

struct JpegStructure {
  int width = 0, height = 0, components = 0, precision = 8;
  int luma_table_id = 0;  // quantisation table of the first component (Y), from the SOF
  bool progressive = false;
  std::string subsampling;  // "4:2:0", "4:2:2", "4:4:4", "4:1:1", "other", "" (gray)
  std::vector<JpegSegment> segments;
  std::vector<JpegQuantTable> quant_tables;
  std::vector<std::string> comments;
  bool has_eoi = false;            // an EOI marker ends the file (maybe before trailing data)
  std::size_t trailing_bytes = 0;  // bytes after the last EOI

  bool HasApp(std::uint8_t marker, const std::string& id_prefix) const;
  // The first component's (luminance) quantisation table, if the file defines it.
  const JpegQuantTable* LuminanceTable() const;
  // IJG-scale quality (1..100) estimated from the luminance table, if there is one.
  std::optional<int> EstimatedQuality() const;
  // True when every table equals the IJG standard table at EstimatedQuality().
  bool StandardTables() const;
};

Result<JpegStructure> ParseJpegStructure(std::span<const std::uint8_t> data);

// IJG (libjpeg) standard luminance/chrominance tables scaled to `quality` (1..100).
std::array<std::uint16_t, 64> IjgTable(int quality, bool chroma);

}  // namespace gv
