#include "metadata/vendor_blocks.h"

#include <cstring>
#include <string_view>

#include "util/text.h"

namespace gv {
namespace {

std::uint16_t Le16(std::span<const std::uint8_t> d, std::size_t p) {
  return static_cast<std::uint16_t>(d[p] | (d[p + 1] << 8));
}
std::uint32_t Le32(std::span<const std::uint8_t> d, std::size_t p) {
  return std::uint32_t{d[p]} | (std::uint32_t{d[p + 1]} << 8) | (std::uint32_t{d[p + 2]} << 16) |
         (std::uint32_t{d[p + 3]} << 24);
}

// CIFF heap (Canon Raw v1 spec): the last 4 bytes give the offset of the record table,
// which holds a 16-bit count and 10-byte records {tag, size, offset}.
void WalkCiffHeap(std::span<const std::uint8_t> heap, int depth, VendorInfo& out) {
  if (depth > 8 || heap.size() < 6) return;
  const std::uint32_t table = Le32(heap, heap.size() - 4);
  if (table > heap.size() - 6) return;
  const std::uint16_t count = Le16(heap, table);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t rec = table + 2 + 10 * i;
    if (rec + 10 > heap.size() - 4) return;
    const std::uint16_t tag = Le16(heap, rec);
    const bool in_record = (tag & 0xC000) == 0x4000;
    const std::uint16_t type = tag & 0x3800;
    const std::uint32_t size = Le32(heap, rec + 2), offset = Le32(heap, rec + 6);
    std::span<const std::uint8_t> data;
    if (in_record) {
      data = heap.subspan(rec + 2, 8);
    } else if ((tag & 0xC000) == 0 && offset <= heap.size() && size <= heap.size() - offset) {
      data = heap.subspan(offset, size);
    } else {
      continue;
    }
    if (type == 0x2800 || type == 0x3000) {
      if (!in_record) WalkCiffHeap(data, depth + 1, out);
    } else if ((tag & 0x3FFF) == 0x080a) {  // CanonRawMakeModel: "make\0model\0"
      const std::string text(data.begin(), data.end());
      out.make = Trim(SanitizeUtf8(text.c_str()));
      const std::size_t nul = text.find('\0');
      if (nul != std::string::npos && nul + 1 < text.size())
        out.model = Trim(SanitizeUtf8(text.c_str() + nul + 1));
    } else if ((tag & 0x3FFF) == 0x180e && data.size() >= 4) {  // TimeStamp: Unix seconds
      const std::uint32_t t = Le32(data, 0);
      if (t != 0 && t != 0xFFFFFFFF) out.datetime_original = FromEpochSeconds(t);
    }
  }
}

}  // namespace

VendorInfo ParseCiffApp0(std::span<const std::uint8_t> body) {
  VendorInfo out;
  if (body.size() < 14 || body[0] != 'I' || body[1] != 'I' ||
      std::memcmp(body.data() + 6, "HEAP", 4) != 0) {
    return out;
  }
  const std::uint32_t header = Le32(body, 2);
  if (header >= body.size()) return out;
  WalkCiffHeap(body.subspan(header), 0, out);
  return out;
}

VendorInfo ParsePictureInfoApp12(std::span<const std::uint8_t> body) {
  VendorInfo out;
  const std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
  if (text.find("[picture info]") == std::string_view::npos) return out;
  const std::size_t key = text.find("TimeDate=");
  if (key == std::string_view::npos) return out;
  std::uint64_t seconds = 0;
  std::size_t i = key + 9, digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 12; ++i, ++digits) {
    seconds = seconds * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  if (digits > 0 && digits < 12 && seconds > 0)
    out.datetime_original = FromEpochSeconds(static_cast<std::int64_t>(seconds));
  return out;
}

VendorInfo ParseReconyxMakerNote(std::span<const std::uint8_t> note) {
  VendorInfo out;
  // HyperFire layout (little-endian 16-bit words): version 0xf101 at word 0, capture time
  // at words 0x0b..0x10 as seconds, minutes, hours, month, day, year; serial number as
  // UTF-16 at word 0x15 (15 code units).
  if (note.size() < 0x2a + 30 || Le16(note, 0) != 0xf101) return out;
  CivilTime t;
  t.second = Le16(note, 0x16);
  t.minute = Le16(note, 0x18);
  t.hour = Le16(note, 0x1a);
  t.month = Le16(note, 0x1c);
  t.day = Le16(note, 0x1e);
  t.year = Le16(note, 0x20);
  if (t.year >= 1990 && t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour < 24 &&
      t.minute < 60 && t.second < 60) {
    out.datetime_original = t;
  }
  std::string serial;
  for (std::size_t i = 0; i < 15; ++i) {
    const std::uint16_t c = Le16(note, 0x2a + 2 * i);
    if (c == 0) break;
    serial += c < 0x80 ? static_cast<char>(c) : '?';
  }
  out.serial = SanitizeUtf8(serial);
  return out;
}

}  // namespace gv
