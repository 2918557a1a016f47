// Reader for compiled IANA time-zone files (TZif, RFC 8536) such as those Debian's tzdata
// installs under /usr/share/zoneinfo. Every count and offset is checked against the file
// size. Only the transition table is used: Debian ships "fat" files whose transitions run
// to 2037; later instants take the offset of the last transition.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "util/result.h"

namespace gv {

class ZoneRules {
 public:
  // Parses TZif bytes (version 1 to 4). Error says what is malformed.
  static Result<ZoneRules> Parse(std::span<const std::uint8_t> bytes, const std::string& name);
  // Loads `zone` ("Asia/Yangon") from `zoneinfo_dir`. Rejects names with ".." or a
  // leading "/" so a name from metadata cannot escape the folder.
  static Result<ZoneRules> Load(const std::string& zone,
                                const std::filesystem::path& zoneinfo_dir = "/usr/share/zoneinfo");

  const std::string& name() const { return name_; }

  // UTC offset in seconds east of Greenwich in force at `utc_seconds` (Unix time).
  int OffsetAtUtc(std::int64_t utc_seconds) const;

  // Offset to subtract from a local civil time (as seconds since the epoch, read as if
  // UTC) to get UTC. In a gap (clocks jumped forward) the offset before the jump is used;
  // in an overlap (clocks fell back) the earlier instant. `ambiguous` tells which.
  int OffsetForLocal(std::int64_t local_seconds, bool* ambiguous = nullptr) const;

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // UTC instants, ascending
  std::vector<int> offset_after_;          // offset from transitions_[i] on
  int initial_offset_ = 0;                 // before the first transition
};

}  // namespace gv
