// Evidence intake: the one way a command or pipeline step gets at a file. OpenEvidence reads
// the file once (opened read-only, bounded by max_bytes), hashes it (SHA-256) and detects its
// format from the content. Pixels are decoded on first use, after the header's dimensions
// have been checked against the decoding limits, and kept until released.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>
#include <vector>

#include "image/decode.h"
#include "image/format.h"
#include "util/result.h"

namespace gv {

struct EvidenceLimits {
  std::uint64_t max_bytes = 1ull << 30;  // larger files are refused (hash them by streaming)
  DecodeLimits decode;
  Status Check() const;
};

// One evidence file in memory. Movable, not copyable. Pixels() may be called from several
// threads (the first call decodes, the others wait).
class Evidence {
 public:
  Evidence(std::filesystem::path path, std::vector<std::uint8_t> bytes, const DecodeLimits& limits);
  Evidence(Evidence&&) noexcept = default;
  Evidence& operator=(Evidence&&) noexcept = default;

  const std::filesystem::path& path() const { return path_; }
  const std::string& sha256() const { return sha256_; }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  ImageFormat format() const { return format_; }
  const DecodeLimits& limits() const { return limits_; }

  // 8-bit BGR as shown (EXIF orientation applied); the error names the file and the reason
  // (format without decoder, over the pixel limits, corrupt data). Cached.
  const Result<cv::Mat>& Pixels() const;
  // Frees the decoded pixels (the next Pixels() decodes again); the bytes stay.
  void ReleasePixels();

 private:
  std::filesystem::path path_;
  std::vector<std::uint8_t> bytes_;
  std::string sha256_;
  ImageFormat format_ = ImageFormat::kUnknown;
  DecodeLimits limits_;
  struct Decoded {
    std::mutex mutex;
    std::optional<Result<cv::Mat>> pixels;
  };
  std::unique_ptr<Decoded> decoded_ = std::make_unique<Decoded>();
};

// Reads, hashes and sniffs `path`. Error (naming the file) when it cannot be opened, is not
// a regular file, or is larger than limits.max_bytes.
Result<Evidence> OpenEvidence(const std::filesystem::path& path, const EvidenceLimits& limits = {});

}  // namespace gv
