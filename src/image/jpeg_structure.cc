#include "image/jpeg_structure.h"

#include <algorithm>
#include <cmath>

namespace gv {
namespace {

constexpr std::array<std::uint16_t, 64> kStdLuma = {
    16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
    14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
    18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
constexpr std::array<std::uint16_t, 64> kStdChroma = {
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99,
    99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99};

std::uint16_t Be16(std::span<const std::uint8_t> d, std::size_t pos) {
  return static_cast<std::uint16_t>((d[pos] << 8) | d[pos + 1]);
}

Status ParseDqt(std::span<const std::uint8_t> body, JpegStructure& out) {
  std::size_t pos = 0;
  while (pos < body.size()) {
    const int pq = body[pos] >> 4, tq = body[pos] & 0x0F;
    ++pos;
    const std::size_t need = pq == 0 ? 64 : 128;
    if (pq > 1 || tq > 3 || body.size() - pos < need) return MakeError("malformed DQT segment");
    JpegQuantTable table;
    table.id = tq;
    for (int i = 0; i < 64; ++i) {
      const std::uint16_t v = pq == 0 ? body[pos + i] : Be16(body, pos + 2 * i);
      table.values[kJpegZigZag[i]] = v;
    }
    pos += need;
    std::erase_if(out.quant_tables, [&](const JpegQuantTable& t) { return t.id == tq; });
    out.quant_tables.push_back(table);
  }
  return OkStatus();
}

Status ParseSof(std::uint8_t marker, std::span<const std::uint8_t> body, JpegStructure& out) {
  if (body.size() < 6) return MakeError("malformed SOF segment");
  out.precision = body[0];
  out.height = Be16(body, 1);
  out.width = Be16(body, 3);
  out.components = body[5];
  out.progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
  if (out.components < 1 || body.size() < 6 + 3 * static_cast<std::size_t>(out.components))
    return MakeError("malformed SOF segment");
  out.luma_table_id = body[8];
  if (out.components == 3) {
    const int h0 = body[7] >> 4, v0 = body[7] & 15;
    const bool chroma_1x1 = body[10] == 0x11 && body[13] == 0x11;
    if (!chroma_1x1)
      out.subsampling = "other";
    else if (h0 == 1 && v0 == 1)
      out.subsampling = "4:4:4";
    else if (h0 == 2 && v0 == 1)
      out.subsampling = "4:2:2";
    else if (h0 == 2 && v0 == 2)
      out.subsampling = "4:2:0";
    else if (h0 == 4 && v0 == 1)
      out.subsampling = "4:1:1";
    else
      out.subsampling = "other";
  }
  return OkStatus();
}

}  // namespace

namespace {

std::array<std::uint16_t, 64> ComputeIjgTable(int quality, bool chroma) {
  const int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
  std::array<std::uint16_t, 64> out{};
  const auto& base = chroma ? kStdChroma : kStdLuma;
  for (int i = 0; i < 64; ++i) {
    const long v = (static_cast<long>(base[i]) * scale + 50) / 100;
    out[i] = static_cast<std::uint16_t>(std::clamp<long>(v, 1, 255));
  }
  return out;
}

using TableSet = std::array<std::array<std::uint16_t, 64>, 200>;  // [chroma * 100 + quality - 1]

const TableSet& AllIjgTables() {
  static const TableSet tables = [] {
    TableSet t{};
    for (int q = 1; q <= 100; ++q) {
      t[q - 1] = ComputeIjgTable(q, false);
      t[100 + q - 1] = ComputeIjgTable(q, true);
    }
    return t;
  }();
  return tables;
}

}  // namespace

std::array<std::uint16_t, 64> IjgTable(int quality, bool chroma) {
  return AllIjgTables()[(chroma ? 100 : 0) + std::clamp(quality, 1, 100) - 1];
}

bool JpegStructure::HasApp(std::uint8_t marker, const std::string& id_prefix) const {
  return std::any_of(segments.begin(), segments.end(), [&](const JpegSegment& s) {
    return s.marker == marker && s.app_id.compare(0, id_prefix.size(), id_prefix) == 0;
  });
}

const JpegQuantTable* JpegStructure::LuminanceTable() const {
  for (const auto& t : quant_tables)
    if (t.id == luma_table_id) return &t;
  return nullptr;
}

std::optional<int> JpegStructure::EstimatedQuality() const {
  const JpegQuantTable* it = LuminanceTable();
  if (it == nullptr) return std::nullopt;
  // Pick the IJG quality whose luminance table is closest (sum of absolute differences).
  int best = 1;
  long best_err = -1;
  for (int q = 1; q <= 100; ++q) {
    const auto& ref = AllIjgTables()[q - 1];
    long err = 0;
    for (int i = 0; i < 64; ++i) err += std::labs(static_cast<long>(ref[i]) - it->values[i]);
    if (best_err < 0 || err < best_err) {
      best_err = err;
      best = q;
    }
  }
  return best;
}

bool JpegStructure::StandardTables() const {
  const auto q = EstimatedQuality();
  if (!q || quant_tables.empty()) return false;
  return std::all_of(quant_tables.begin(), quant_tables.end(), [&](const JpegQuantTable& t) {
    return t.id <= 1 && t.values == IjgTable(*q, t.id == 1);
  });
}

Result<JpegStructure> ParseJpegStructure(std::span<const std::uint8_t> data) {
  if (data.size() < 4 || data[0] != 0xFF || data[1] != 0xD8)
    return MakeError("not a JPEG (no SOI marker)");
  JpegStructure out;
  std::size_t pos = 2;
  bool seen_sof = false;
  while (true) {
    // Skip fill bytes; a marker is 0xFF followed by a non-0xFF, non-zero byte.
    while (pos < data.size() && data[pos] != 0xFF) ++pos;  // tolerate garbage between segments
    while (pos + 1 < data.size() && data[pos + 1] == 0xFF) ++pos;
    if (pos + 1 >= data.size()) return MakeError("truncated JPEG: no start of scan");
    const std::uint8_t marker = data[pos + 1];
    JpegSegment seg;
    seg.marker = marker;
    seg.offset = pos;
    if (marker == 0xD9) return MakeError("JPEG ends before any image data");
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0x00) {
      out.segments.push_back(seg);
      pos += 2;
      continue;
    }
    if (pos + 4 > data.size()) return MakeError("truncated JPEG segment header");
    seg.length = Be16(data, pos + 2);
    if (seg.length < 2 || pos + 2 + seg.length > data.size()) {
      return MakeError("JPEG segment length " + std::to_string(seg.length) +
                       " runs past the end of the file");
    }
    const auto body = data.subspan(pos + 4, seg.length - 2);
    if (marker >= 0xE0 && marker <= 0xEF) {
      const auto nul =
          std::find(body.begin(), body.begin() + std::min<std::size_t>(body.size(), 64), 0);
      seg.app_id.assign(body.begin(), nul);
    } else if (marker == 0xFE) {
      out.comments.emplace_back(body.begin(), body.end());
    } else if (marker == 0xDB) {
      if (auto st = ParseDqt(body, out); !st.ok()) return st.error();
    } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
               marker != 0xCC) {
      if (auto st = ParseSof(marker, body, out); !st.ok()) return st.error();
      seen_sof = true;
    }
    out.segments.push_back(seg);
    pos += 2 + seg.length;
    if (marker == 0xDA) break;
  }
  if (!seen_sof) return MakeError("JPEG has no frame header (SOF)");
  // Find the last EOI; anything after it is trailing data (appended files, MPF images are
  // before it in well-formed files).
  for (std::size_t i = data.size() - 1; i > pos; --i) {
    if (data[i] == 0xD9 && data[i - 1] == 0xFF) {
      out.has_eoi = true;
      out.trailing_bytes = data.size() - (i + 1);
      break;
    }
  }
  return out;
}

}  // namespace gv
