// Files: evidence is only ever opened read-only; outputs are written atomically
// (a temporary file in the same folder, fsync, then rename), so a crash never leaves
// a half-written output behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace gv {

struct FileInfo {
  std::uint64_t bytes = 0;
  std::int64_t mtime_ns = 0;  // modification time, ns since the Unix epoch
  bool regular = false;
};

// stat() of `path` (following symlinks). Error names the file.
Result<FileInfo> StatFile(const std::filesystem::path& path);

// Reads the whole file opened O_RDONLY. Fails, naming the file, if it is not a regular
// file or is larger than `max_bytes`; never reads more than max_bytes + 1 bytes.
// `buffer` is reused (resized) to avoid reallocations in batch loops.
Status ReadFileBounded(const std::filesystem::path& path, std::uint64_t max_bytes,
                       std::vector<std::uint8_t>& buffer);

// The whole file as text (read as ReadFileBounded does). Error names the file.
Result<std::string> ReadTextFile(const std::filesystem::path& path, std::uint64_t max_bytes);

// Reads at most the first `max_bytes` bytes of a regular file opened O_RDONLY (to sniff a
// format without reading a large file whole).
Status ReadFileHead(const std::filesystem::path& path, std::size_t max_bytes,
                    std::vector<std::uint8_t>& buffer);
// The rows of a tab-separated text file read whole (bounded by max_bytes): one vector of
// fields per line; empty lines and lines starting with '#' are left out.
Result<std::vector<std::vector<std::string>>> ReadTsv(const std::filesystem::path& path,
                                                      std::uint64_t max_bytes);
// Writes `content` to `path` atomically: temp file in the same folder, fsync, rename.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view content);

// Writes `path` atomically as `write` streams it (an output too large to hold whole in
// memory): temp file in the same folder, then fsync and rename when `write` succeeds and the
// stream took every byte; else the temp file is removed and the error returned.
Status WriteStreamAtomic(const std::filesystem::path& path,
                         const std::function<Status(std::ostream&)>& write);

// An output file written by a third-party library (GDAL) that takes a path: write to
// temp_path(), then Commit() renames it onto the final path. Without Commit() the temp
// file is removed when the object is destroyed. Not copyable.
class AtomicOutput {
 public:
  explicit AtomicOutput(std::filesystem::path final_path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temp_path() const { return temp_path_; }
  const std::filesystem::path& final_path() const { return final_path_; }
  Status Commit();

 private:
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  bool committed_ = false;
};

// Lists regular files under the given paths (files are taken as they are; folders are
// listed, recursively when `recursive`), sorted by path within each folder. Errors for
// paths that do not exist are returned in `errors` as (path, reason).
struct FileListing {
  std::vector<std::filesystem::path> files;
  std::vector<std::pair<std::filesystem::path, std::string>> errors;
};
FileListing ListInputFiles(const std::vector<std::filesystem::path>& inputs, bool recursive);

}  // namespace gv
