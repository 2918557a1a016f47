// Time of `geoverify forensics` analyses on a 12-megapixel photo (4000 x 3000): a camera
// photo of ../shared/data/exif enlarged to 12 MP and saved as JPEG 92, analysed in one
// process (best of 3), next to the target of 3 s for all analyses on 2 cores.
// Usage: bench_forensics PHOTO.jpg OUT_DIR
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "forensics/analysis.h"
#include "metadata/exiv2_reader.h"
#include "report/forensics_pictures.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_forensics PHOTO.jpg OUT_DIR\n");
    return 2;
  }
  const cv::Mat source = cv::imread(argv[1], cv::IMREAD_COLOR);
  if (source.empty()) return 1;
  cv::Mat big;
  cv::resize(source, big, cv::Size(4000, 3000), 0, 0, cv::INTER_CUBIC);
  const std::filesystem::path out = argv[2];
  std::filesystem::create_directories(out);
  const auto photo = out / "photo_12mp.jpg";
  cv::imwrite(photo.string(), big, {cv::IMWRITE_JPEG_QUALITY, 92});
  gv::InitializeMetadataLibrary();
  gv::ForensicsOptions options;
  const auto pictures = out / "pictures";
  std::filesystem::create_directories(pictures);
  double best = 1e9;
  for (int run = 0; run < 3; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    const gv::ForensicsReport report = gv::AnalyzeFile(photo, options);
    auto j = gv::ToJson(report);
    gv::WriteForensicsPictures(report, photo, pictures, j);  // as `forensics -o` does
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (!j["error"].is_null()) return 1;
  }
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("photo 4000x3000 (12 MP), JPEG q92, from %s\n", argv[1]);
  std::printf("%-72s %8s   %s\n", "analyses", "seconds", "target");
  std::printf("%-72s %8.2f   < 3 s (all analyses of the issue)\n",
              "all: SHA-256, decode, JPEG, DCT histograms, ghost, ELA, noise, copy-move, hashes",
              best);
  std::printf("peak memory %.0f MB\n", u.ru_maxrss / 1024.0);
  return 0;
}
