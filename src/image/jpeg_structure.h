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

struct JpegQuantTable {
  int id = 0;
  std::array<std::uint16_t, 64> values{};  // natural (zig-zag decoded) order
};

struct JpegStructure {
  int width = 0, height = 0, components = 0, precision = 8;
  bool progressive = false;
  std::string subsampling;  // "4:2:0", "4:2:2", "4:4:4", "4:1:1", "other", "" (gray)
  std::vector<JpegSegment> segments;
  std::vector<JpegQuantTable> quant_tables;
  std::vector<std::string> comments;
  bool has_eoi = false;            // an EOI marker ends the file (maybe before trailing data)
  std::size_t trailing_bytes = 0;  // bytes after the last EOI

  bool HasApp(std::uint8_t marker, const std::string& id_prefix) const;
  // IJG-scale quality (1..100) estimated from the luminance table, if there is one.
  std::optional<int> EstimatedQuality() const;
  // True when every table equals the IJG standard table at EstimatedQuality().
  bool StandardTables() const;
};

Result<JpegStructure> ParseJpegStructure(std::span<const std::uint8_t> data);

// IJG (libjpeg) standard luminance/chrominance tables scaled to `quality` (1..100).
std::array<std::uint16_t, 64> IjgTable(int quality, bool chroma);

}  // namespace gv
