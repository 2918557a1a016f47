// The backgrounds the evaluations composite onto: the camera photos under
// ../shared/data/exif of at least 400 px a side, sorted by path; the even ones are the
// `tune` split, the odd ones `validation`.
#pragma once

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <utility>
#include <vector>

namespace gv::bench {

inline std::vector<std::pair<std::filesystem::path, cv::Mat>> CameraBackgrounds(
    const std::filesystem::path& exif_dir, const std::string& split) {
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::recursive_directory_iterator(exif_dir)) {
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (e.is_regular_file() && ext == ".jpg") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::filesystem::path, cv::Mat>> backgrounds;
  int index = 0;
  for (const auto& p : paths) {
    cv::Mat img = cv::imread(p.string(), cv::IMREAD_COLOR);
    if (img.empty() || std::min(img.cols, img.rows) < 400) continue;
    if ((index++ % 2 == 0) == (split == "tune")) backgrounds.emplace_back(p, img);
  }
  return backgrounds;
}

}  // namespace gv::bench
