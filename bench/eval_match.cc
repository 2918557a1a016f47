// Evaluation of `geoverify match` on ../shared/data:
//  1. homography accuracy on the four annotated pairs of homography/ (graf, boat, adam,
//     WhiteBoard): median distance, in pixels of B, between where the estimated homography
//     and the ground truth put the hand-annotated points (flag 1) of A;
//  2. false "same_scene" verdicts on all cross pairs of the camera photos of exif/.
// Usage: eval_match SHARED_DATA_DIR [MAX_PHOTOS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "image/decode.h"
#include "match/pair_match.h"
#include "util/file.h"

namespace fs = std::filesystem;

namespace {

cv::Mat LoadImage(const fs::path& path) {
  std::vector<std::uint8_t> bytes;
  if (!gv::ReadFileBounded(path, 1 << 28, bytes).ok()) return {};
  auto image = gv::DecodeImage(bytes);
  return image.ok() ? *image : cv::Mat();
}

cv::Matx33d ReadMatrix(const fs::path& path) {
  std::ifstream in(path);
  cv::Matx33d m;
  for (int i = 0; i < 9; ++i) in >> m.val[i];
  return m;
}

cv::Point2d Apply(const cv::Matx33d& h, const cv::Point2d& p) {
  const cv::Vec3d q = h * cv::Vec3d(p.x, p.y, 1.0);
  return {q[0] / q[2], q[1] / q[2]};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: eval_match SHARED_DATA_DIR [MAX_PHOTOS]\n");
    return 2;
  }
  const fs::path data = argv[1];
  const std::size_t max_photos = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 1000;
  int failures = 0;
  std::printf("homography accuracy (flag-1 points, pixels of B)\n%-12s %8s %8s %10s %10s %8s\n",
              "pair", "inliers", "points", "median", "max", "result");
  for (const std::string name : {"graf", "boat", "adam", "WhiteBoard"}) {
    const std::string ext = name == "WhiteBoard" ? ".jpg" : ".png";
    const cv::Mat a = LoadImage(data / "homography" / (name + "A" + ext)),
                  b = LoadImage(data / "homography" / (name + "B" + ext));
    auto fa = gv::DetectFeatures(a), fb = gv::DetectFeatures(b);
    if (!fa.ok() || !fb.ok()) {
      std::printf("%-12s cannot read or detect\n", name.c_str());
      ++failures;
      continue;
    }
    const gv::PairMatch m = gv::MatchFeatures(*fa, *fb);
    const cv::Matx33d b_from_a_truth =
        ReadMatrix(data / "homography" / (name + "_model.txt")).inv();
    std::ifstream pts(data / "homography" / (name + "_pts.txt"));
    std::vector<double> errors;
    double xa, ya, wa, xb, yb, wb, flag;
    while (pts >> xa >> ya >> wa >> xb >> yb >> wb >> flag) {
      if (flag != 1 || !m.homography) continue;
      const cv::Point2d est = Apply(*m.homography, {xa, ya}),
                        truth = Apply(b_from_a_truth, {xa, ya});
      errors.push_back(cv::norm(est - truth));
    }
    std::sort(errors.begin(), errors.end());
    const double median = errors.empty() ? 1e9 : errors[errors.size() / 2];
    const bool ok = median < 2.0;
    failures += !ok;
    std::printf("%-12s %8d %8zu %10.3f %10.3f %8s\n", name.c_str(), m.inliers, errors.size(),
                median, errors.empty() ? 0.0 : errors.back(), ok ? "ok" : "FAIL");
  }

  std::vector<fs::path> photos;
  for (const auto& e : fs::recursive_directory_iterator(data / "exif")) {
    const auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".jpg" || ext == ".jpeg")) photos.push_back(e.path());
  }
  std::sort(photos.begin(), photos.end());
  // The orientation/ set is one scene saved 16 ways: its pairs are true matches, not cross pairs.
  std::erase_if(photos,
                [](const fs::path& p) { return p.parent_path().filename() == "orientation"; });
  if (photos.size() > max_photos) photos.resize(max_photos);
  std::vector<gv::Features> features;
  std::vector<fs::path> usable;
  for (const auto& p : photos) {
    auto f = gv::DetectFeatures(LoadImage(p));
    if (f.ok()) {
      features.push_back(std::move(*f));
      usable.push_back(p);
    }
  }
  int pairs = 0, same = 0, uncertain = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < features.size(); ++i) {
    for (std::size_t j = i + 1; j < features.size(); ++j) {
      // hdr/ holds one scene shot with HDR on and off: a true match, not a cross pair.
      if (usable[i].parent_path().filename() == "hdr" &&
          usable[j].parent_path().filename() == "hdr")
        continue;
      const gv::PairMatch m = gv::MatchFeatures(features[i], features[j]);
      ++pairs;
      if (m.verdict == "same_scene") {
        ++same;
        std::printf("false same_scene: %s <-> %s (%d inliers, %s)\n", usable[i].c_str(),
                    usable[j].c_str(), m.inliers, m.model.c_str());
      }
      uncertain += m.verdict == "uncertain";
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "\ncross pairs of %zu exif photos (orientation/ set and the hdr/ pair excluded, %zu without "
      "features): %d pairs, %d false "
      "same_scene (%.2f%%), %d uncertain, %.1f ms per pair\n",
      usable.size(), photos.size() - usable.size(), pairs, same, pairs ? 100.0 * same / pairs : 0.0,
      uncertain, pairs ? 1000 * seconds / pairs : 0.0);
  return failures == 0 && same == 0 ? 0 : 1;
}
