#include "util/scratch_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gv {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

Result<std::shared_ptr<ScratchFile>> ScratchFile::Create(const std::filesystem::path& dir,
                                                         const std::string& what) {
  std::error_code ec;
  const std::filesystem::path temp = std::filesystem::temp_directory_path(ec);
  std::string tried;
  for (const std::filesystem::path& where : {dir, ec ? std::filesystem::path() : temp}) {
    if (where.empty()) continue;
    const int fd = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return std::shared_ptr<ScratchFile>(new ScratchFile(fd, what));
    tried += (tried.empty() ? "" : "; ") + where.string() + ": " + ErrnoText();
  }
  if (tried.empty()) return MakeError("no temporary folder for " + what + ": " + ec.message());
  return MakeError("cannot make a temporary file for " + what + " (" + tried + ")");
}

ScratchFile::~ScratchFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t ScratchFile::size() const {
  std::lock_guard lock(mutex_);
  return end_;
}

Result<std::uint64_t> ScratchFile::Append(std::span<const std::uint8_t> bytes) {
  std::lock_guard lock(mutex_);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(end_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return MakeError("cannot write " + what_ + " to the temporary file: " + ErrnoText());
    done += static_cast<std::size_t>(n);
  }
  const std::uint64_t offset = end_;
  end_ += bytes.size();
  return offset;
}

Result<std::vector<std::uint8_t>> ScratchFile::Read(std::uint64_t offset,
                                                    std::uint64_t size) const {
  {
    std::lock_guard lock(mutex_);
    if (offset > end_ || size > end_ - offset)
      return MakeError(what_ + " outside the temporary file");
  }
  std::vector<std::uint8_t> buffer(size);
  std::size_t done = 0;
  while (done < buffer.size()) {
    const ssize_t n =
        ::pread(fd_, buffer.data() + done, buffer.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return MakeError("cannot read " + what_ + " back from the temporary file: " + ErrnoText());
    done += static_cast<std::size_t>(n);
  }
  return buffer;
}

Result<std::vector<std::uint8_t>> ScratchBytes::Load() const {
  if (!file) return MakeError("nothing kept");
  return file->Read(offset, size);
}

}  // namespace gv
