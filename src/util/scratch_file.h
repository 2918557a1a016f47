// Scratch space on disk for what a long run must keep until its end but not in memory (the
// photos' features until they are compared, the report's pictures until it is written): an
// unnamed temporary file (O_TMPFILE: no name, nothing left behind by a crash), appended to
// and read back by (offset, size).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "util/result.h"

namespace gv {

class ScratchFile {
 public:
  // An unnamed file in `dir`, or in the system's temporary folder when `dir` is empty or
  // cannot hold one (a file system without O_TMPFILE, no permission). Error (naming `what` is
  // kept there) when neither can.
  static Result<std::shared_ptr<ScratchFile>> Create(const std::filesystem::path& dir,
                                                     const std::string& what);
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Appends `bytes` (thread-safe); returns their offset.
  Result<std::uint64_t> Append(std::span<const std::uint8_t> bytes);
  // The `size` bytes at `offset`, as appended. Error outside what was appended.
  Result<std::vector<std::uint8_t>> Read(std::uint64_t offset, std::uint64_t size) const;
  std::uint64_t size() const;  // bytes appended so far

 private:
  ScratchFile(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}
  int fd_ = -1;
  std::string what_;
  mutable std::mutex mutex_;
  std::uint64_t end_ = 0;
};

// Bytes kept in a scratch file; copies share the file, which lives as long as any of them.
struct ScratchBytes {
  std::shared_ptr<ScratchFile> file;
  std::uint64_t offset = 0, size = 0;
  Result<std::vector<std::uint8_t>> Load() const;
};

}  // namespace gv
