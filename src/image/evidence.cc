#include "image/evidence.h"

#include "util/file.h"
#include "util/sha256.h"

namespace gv {

Status EvidenceLimits::Check() const {
  if (max_bytes == 0) return MakeError("max_bytes must be positive");
  return decode.Check();
}

Evidence::Evidence(std::filesystem::path path, std::vector<std::uint8_t> bytes,
                   const DecodeLimits& limits)
    : path_(std::move(path)), bytes_(std::move(bytes)), limits_(limits) {
  sha256_ = Sha256Hex(bytes_);
  format_ = DetectFormat(bytes_);
}

const Result<cv::Mat>& Evidence::Pixels() const {
  std::lock_guard lock(decoded_->mutex);
  if (!decoded_->pixels) {
    auto image = DecodeImage(bytes_, limits_);
    if (image.ok())
      decoded_->pixels.emplace(std::move(image).value());
    else
      decoded_->pixels.emplace(MakeError(path_.string() + ": " + image.error().message));
  }
  return *decoded_->pixels;
}

void Evidence::ReleasePixels() {
  std::lock_guard lock(decoded_->mutex);
  decoded_->pixels.reset();
}

Result<Evidence> OpenEvidence(const std::filesystem::path& path, const EvidenceLimits& limits) {
  std::vector<std::uint8_t> bytes;
  if (auto st = ReadFileBounded(path, limits.max_bytes, bytes); !st.ok()) return st.error();
  return Evidence(path, std::move(bytes), limits.decode);
}

}  // namespace gv
