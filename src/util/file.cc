#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <system_error>

namespace gv {
namespace fs = std::filesystem;

namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string UniqueSuffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(rd() % 1000000);
}

Status FsyncDir(const fs::path& dir) {
  Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return MakeError(dir.string() + ": " + ErrnoText(errno));
  ::fsync(fd.get());
  return OkStatus();
}

}  // namespace

Result<FileInfo> StatFile(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return MakeError(path.string() + ": " + ErrnoText(errno));
  FileInfo info;
  info.bytes = static_cast<std::uint64_t>(st.st_size);
  info.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  info.regular = S_ISREG(st.st_mode);
  return info;
}

Status ReadFileBounded(const fs::path& path, std::uint64_t max_bytes,
                       std::vector<std::uint8_t>& buffer) {
  buffer.clear();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return MakeError(path.string() + ": cannot open: " + ErrnoText(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return MakeError(path.string() + ": " + ErrnoText(errno));
  if (!S_ISREG(st.st_mode)) return MakeError(path.string() + ": not a regular file");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_bytes) {
    return MakeError(path.string() + ": file is " + std::to_string(size) +
                     " bytes, above the limit of " + std::to_string(max_bytes) + " bytes");
  }
  buffer.resize(size);
  std::uint64_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd.get(), buffer.data() + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(path.string() + ": read error: " + ErrnoText(errno));
    }
    if (n == 0) break;  // file shrank while reading
    done += static_cast<std::uint64_t>(n);
  }
  buffer.resize(done);
  return OkStatus();
}

Result<std::string> ReadTextFile(const std::filesystem::path& path, std::uint64_t max_bytes) {
  std::vector<std::uint8_t> buffer;
  if (Status st = ReadFileBounded(path, max_bytes, buffer); !st.ok()) return st.error();
  return std::string(buffer.begin(), buffer.end());
}

Status ReadFileHead(const fs::path& path, std::size_t max_bytes,
                    std::vector<std::uint8_t>& buffer) {
  buffer.assign(max_bytes, 0);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return MakeError(path.string() + ": cannot open: " + ErrnoText(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return MakeError(path.string() + ": not a regular file");
  std::size_t done = 0;
  while (done < max_bytes) {
    const ssize_t n = ::read(fd.get(), buffer.data() + done, max_bytes - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return MakeError(path.string() + ": read error: " + ErrnoText(errno));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  buffer.resize(done);
  return OkStatus();
}

Result<std::vector<std::vector<std::string>>> ReadTsv(const fs::path& path,
                                                      std::uint64_t max_bytes) {
  std::vector<std::uint8_t> bytes;
  if (auto st = ReadFileBounded(path, max_bytes, bytes); !st.ok()) return st.error();
  std::vector<std::vector<std::string>> rows;
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    for (std::size_t start = 0;;) {
      const std::size_t tab = line.find('\t', start);
      fields.emplace_back(
          line.substr(start, tab == std::string_view::npos ? line.size() - start : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

Status WriteFileAtomic(const fs::path& path, std::string_view content) {
  const fs::path temp =
      path.parent_path() / ("." + path.filename().string() + ".tmp-" + UniqueSuffix());
  {
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0) return MakeError(temp.string() + ": cannot create: " + ErrnoText(errno));
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::unlink(temp.c_str());
        return MakeError(temp.string() + ": write error: " + ErrnoText(err));
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
      const int err = errno;
      ::unlink(temp.c_str());
      return MakeError(temp.string() + ": fsync failed: " + ErrnoText(err));
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return MakeError(path.string() + ": rename failed: " + ErrnoText(err));
  }
  return FsyncDir(path.parent_path());
}

AtomicOutput::AtomicOutput(fs::path final_path) : final_path_(std::move(final_path)) {
  const std::string name = final_path_.filename().string();
  // Keep the extension last: GDAL picks drivers and behaviour from it.
  temp_path_ = final_path_.parent_path() / ("." + final_path_.stem().string() + ".tmp-" +
                                            UniqueSuffix() + final_path_.extension().string());
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_path_, ec);
  }
}

Status AtomicOutput::Commit() {
  {
    Fd fd(::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return MakeError(temp_path_.string() + ": " + ErrnoText(errno));
    ::fsync(fd.get());
  }
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    return MakeError(final_path_.string() + ": rename failed: " + ErrnoText(errno));
  }
  committed_ = true;
  return FsyncDir(final_path_.parent_path());
}

FileListing ListInputFiles(const std::vector<fs::path>& inputs, bool recursive) {
  FileListing out;
  for (const auto& input : inputs) {
    std::error_code ec;
    const auto status = fs::status(input, ec);
    if (ec || !fs::exists(status)) {
      out.errors.emplace_back(input, "no such file or folder");
      continue;
    }
    if (!fs::is_directory(status)) {
      out.files.push_back(input);
      continue;
    }
    std::vector<fs::path> found;
    const auto opts = fs::directory_options::skip_permission_denied;
    if (recursive) {
      for (fs::recursive_directory_iterator it(input, opts, ec), end; !ec && it != end;
           it.increment(ec)) {
        if (it->is_regular_file(ec)) found.push_back(it->path());
      }
    } else {
      for (fs::directory_iterator it(input, opts, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) found.push_back(it->path());
      }
    }
    if (ec) out.errors.emplace_back(input, "cannot list folder: " + ec.message());
    std::sort(found.begin(), found.end());
    out.files.insert(out.files.end(), found.begin(), found.end());
  }
  return out;
}

Status WriteStreamAtomic(const fs::path& path, const std::function<Status(std::ostream&)>& write) {
  AtomicOutput file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) return MakeError(file.temp_path().string() + ": cannot create: " + ErrnoText(errno));
    if (auto st = write(out); !st.ok()) return st;
    out.close();
    if (!out) return MakeError(file.temp_path().string() + ": cannot write: " + ErrnoText(errno));
  }
  return file.Commit();
}

}  // namespace gv
