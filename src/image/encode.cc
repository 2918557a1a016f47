#include "image/encode.h"

#include <opencv2/imgcodecs.hpp>
#include <string_view>
#include <vector>

#include "util/file.h"

namespace gv {

Status WritePngAtomic(const std::filesystem::path& path, const cv::Mat& image) {
  std::vector<std::uint8_t> encoded;
  try {
    if (image.empty() || !cv::imencode(".png", image, encoded))
      return MakeError(path.string() + ": PNG encoding failed");
  } catch (const cv::Exception& e) {
    return MakeError(path.string() + ": PNG encoding failed: " + e.what());
  }
  return WriteFileAtomic(
      path, std::string_view(reinterpret_cast<const char*>(encoded.data()), encoded.size()));
}

}  // namespace gv
