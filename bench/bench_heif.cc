// The time per HEIC and per AVIF beside the JPEG's: one 12 MP camera photo (../shared/data
// enlarged to 4000x3000) encoded as JPEG (quality 90, OpenCV), HEIC (HEVC) and AVIF (AV1,
// libheif's encoders, quality 85), each with the same EXIF; then, best of 3, what every
// command does first: open and hash, read the metadata (inspect), decode the pixels as
// shown. Usage: bench_heif PHOTO
#include <chrono>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "case/inspect.h"
#include "image/decode.h"
#include "image/evidence.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_heif PHOTO\n");
    return 2;
  }
  cv::Mat photo = cv::imread(argv[1], cv::IMREAD_COLOR);
  if (photo.empty()) return 1;
  cv::resize(photo, photo, {4000, 3000}, 0, 0, cv::INTER_CUBIC);
  gv::test::SynthExif exif;
  exif.make = "Apple", exif.model = "iPhone 13", exif.datetime_original = "2025:03:14 16:20:00";
  exif.lat = 16.647556, exif.lon = 98.520722;
  gv::test::TempDir dir;
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", photo, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  gv::test::WritePhoto(dir / "photo.jpg", jpeg, exif);
  gv::test::WriteBytes(dir / "photo.heic", gv::test::MakeHeif(photo, exif, 1, false));
  gv::test::WriteBytes(dir / "photo.avif", gv::test::MakeHeif(photo, exif, 1, true));
  std::printf("12 MP photo (%s enlarged to 4000x3000), best of 3, 2 cores\n", argv[1]);
  std::printf("%-6s %10s %12s %12s %12s\n", "format", "bytes", "open+hash s", "metadata s",
              "decode s");
  for (const char* name : {"photo.jpg", "photo.heic", "photo.avif"}) {
    double best[3] = {1e9, 1e9, 1e9};
    std::size_t bytes = 0;
    for (int run = 0; run < 3; ++run) {
      const auto t0 = Clock::now();
      auto evidence = gv::OpenEvidence(dir / name);
      const auto t1 = Clock::now();
      if (!evidence.ok()) {
        std::fprintf(stderr, "%s: %s\n", name, evidence.error().message.c_str());
        return 1;
      }
      bytes = evidence->bytes().size();
      const gv::PhotoMetadata md = gv::InspectEvidence(*evidence, {});
      const auto t2 = Clock::now();
      auto pixels = gv::DecodeImage(evidence->bytes());
      const auto t3 = Clock::now();
      if (md.error || !pixels.ok()) {
        std::fprintf(stderr, "%s: failed\n", name);
        return 1;
      }
      const double s[3] = {std::chrono::duration<double>(t1 - t0).count(),
                           std::chrono::duration<double>(t2 - t1).count(),
                           std::chrono::duration<double>(t3 - t2).count()};
      for (int k = 0; k < 3; ++k) best[k] = std::min(best[k], s[k]);
    }
    std::printf("%-6s %10zu %12.3f %12.4f %12.3f\n", name + 6, bytes, best[0], best[1], best[2]);
  }
  return 0;
}
