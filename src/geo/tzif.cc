#include "geo/tzif.h"

#include <algorithm>

#include "util/file.h"

namespace gv {
namespace {

struct Reader {
  std::span<const std::uint8_t> bytes;
  std::size_t pos = 0;
  bool Has(std::size_t n) const { return n <= bytes.size() && pos <= bytes.size() - n; }
  std::int64_t ReadBE(int width) {
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = (v << 8) | bytes[pos++];
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
  }
};

struct Counts {
  std::uint64_t isut, isstd, leap, time, type, chars;
};

bool ReadHeader(Reader& r, Counts& c, char& version) {
  if (!r.Has(44) || r.bytes[r.pos] != 'T' || r.bytes[r.pos + 1] != 'Z' ||
      r.bytes[r.pos + 2] != 'i' || r.bytes[r.pos + 3] != 'f') {
    return false;
  }
  version = static_cast<char>(r.bytes[r.pos + 4]);
  r.pos += 20;
  c.isut = static_cast<std::uint32_t>(r.ReadBE(4));
  c.isstd = static_cast<std::uint32_t>(r.ReadBE(4));
  c.leap = static_cast<std::uint32_t>(r.ReadBE(4));
  c.time = static_cast<std::uint32_t>(r.ReadBE(4));
  c.type = static_cast<std::uint32_t>(r.ReadBE(4));
  c.chars = static_cast<std::uint32_t>(r.ReadBE(4));
  return c.type >= 1 && c.type <= 256 && c.time <= 100000 && c.leap <= 10000;
}

std::uint64_t BlockSize(const Counts& c, int time_width) {
  return c.time * time_width + c.time + c.type * 6 + c.chars + c.leap * (time_width + 4) + c.isstd +
         c.isut;
}

}  // namespace

Result<ZoneRules> ZoneRules::Parse(std::span<const std::uint8_t> bytes, const std::string& name) {
  Reader r{bytes};
  Counts c{};
  char version = 0;
  if (!ReadHeader(r, c, version)) return MakeError(name + ": not a valid TZif file");
  int width = 4;
  if (version >= '2') {
    // Skip the 32-bit block and use the 64-bit one that follows.
    if (!r.Has(BlockSize(c, 4))) return MakeError(name + ": truncated TZif file");
    r.pos += BlockSize(c, 4);
    if (!ReadHeader(r, c, version)) return MakeError(name + ": bad second TZif header");
    width = 8;
  }
  if (!r.Has(BlockSize(c, width))) return MakeError(name + ": truncated TZif file");

  ZoneRules rules;
  rules.name_ = name;
  rules.transitions_.resize(c.time);
  for (auto& t : rules.transitions_) t = r.ReadBE(width);
  std::vector<std::uint8_t> index(c.time);
  for (auto& i : index) i = r.bytes[r.pos++];
  std::vector<int> type_offsets(c.type);
  std::vector<bool> type_dst(c.type);
  for (std::uint64_t i = 0; i < c.type; ++i) {
    type_offsets[i] = static_cast<int>(r.ReadBE(4));
    type_dst[i] = r.bytes[r.pos++] != 0;
    r.pos += 1;  // abbreviation index
    if (type_offsets[i] < -26 * 3600 || type_offsets[i] > 26 * 3600) {
      return MakeError(name + ": implausible UTC offset in TZif file");
    }
  }
  rules.offset_after_.resize(c.time);
  for (std::uint64_t i = 0; i < c.time; ++i) {
    if (index[i] >= c.type) return MakeError(name + ": bad type index in TZif file");
    rules.offset_after_[i] = type_offsets[index[i]];
  }
  if (!std::is_sorted(rules.transitions_.begin(), rules.transitions_.end())) {
    return MakeError(name + ": TZif transitions out of order");
  }
  // RFC 8536 3.2: local time before the first transition is type 0... unless it is DST,
  // in which case the first standard-time type is used.
  rules.initial_offset_ = type_offsets[0];
  if (type_dst[0]) {
    for (std::uint64_t i = 0; i < c.type; ++i) {
      if (!type_dst[i]) {
        rules.initial_offset_ = type_offsets[i];
        break;
      }
    }
  }
  return rules;
}

Result<ZoneRules> ZoneRules::Load(const std::string& zone, const std::filesystem::path& dir) {
  if (zone.empty() || zone.front() == '/' || zone.find("..") != std::string::npos ||
      zone.size() > 64) {
    return MakeError("invalid time zone name '" + zone + "'");
  }
  std::vector<std::uint8_t> bytes;
  const Status read = ReadFileBounded(dir / zone, 1 << 20, bytes);
  if (!read.ok()) return MakeError("time zone " + zone + ": " + read.error().message);
  return Parse(bytes, zone);
}

int ZoneRules::OffsetAtUtc(std::int64_t utc_seconds) const {
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (it == transitions_.begin()) return initial_offset_;
  return offset_after_[static_cast<std::size_t>(it - transitions_.begin() - 1)];
}

int ZoneRules::OffsetForLocal(std::int64_t local_seconds, bool* ambiguous) const {
  // Candidate offsets are those in force an hour or so either side; a local time is valid
  // for offset `o` when OffsetAtUtc(local - o) == o.
  const int before = OffsetAtUtc(local_seconds - 86400);
  const int after = OffsetAtUtc(local_seconds + 86400);
  const bool before_ok = OffsetAtUtc(local_seconds - before) == before;
  const bool after_ok = OffsetAtUtc(local_seconds - after) == after;
  if (ambiguous) *ambiguous = before_ok && after_ok && before != after;
  if (before_ok) return before;
  if (after_ok) return after;
  return before;  // in a gap: the offset before the jump
}

}  // namespace gv
