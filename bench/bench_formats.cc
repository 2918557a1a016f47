// The time per HEIC, AVIF and video beside the JPEG's: one 12 MP camera photo (../shared/data
// enlarged to 4000x3000) encoded as JPEG (quality 90, OpenCV), HEIC (HEVC) and AVIF (AV1,
// libheif's encoders, quality 85), each with the same EXIF; and two 20 s 1080p phone-like
// videos filmed across it (H.264 at 30 fps, keyframe every second, in MP4; HEVC in MOV with
// iPhone keys): the view pans slowly, with three cuts. Then, best of 3, what every command
// does first: open and hash, read the metadata (inspect: for a video, its container and its
// scene keyframes counted), and decode (the photo's pixels as shown; the video's scene
// keyframes, as `run` takes them). Usage: bench_formats PHOTO
#include <chrono>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "case/inspect.h"
#include "image/decode.h"
#include "image/evidence.h"
#include "support/make_video.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "video/video.h"

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
  // The videos: a 1920x1080 window panning across the photo, cut to another part every 5 s.
  for (const bool hevc : {false, true}) {
    gv::test::VideoSpec spec;
    spec.muxer = hevc ? "mov" : "mp4";
    spec.encoder = hevc ? "libx265" : "libx264";
    spec.fps = 30;
    spec.gop = 30;
    spec.bit_rate = 12'000'000;
    if (hevc) {
      spec.metadata_keys = true;
      spec.tags = {{"com.apple.quicktime.creationdate", "2025-03-14T16:20:00+0630"},
                   {"com.apple.quicktime.location.ISO6709", "+16.6476+098.5207/"},
                   {"com.apple.quicktime.make", "Apple"},
                   {"com.apple.quicktime.model", "iPhone 13"}};
    }
    spec.frames = 600;
    spec.draw = [&photo](int i) {
      const int cut = i / 150, f = i % 150;  // the pan moves 2 px a frame
      return photo(cv::Rect((cut % 2) * 1700 + 2 * f, (cut / 2) * 1700 + f, 1920, 1080));
    };
    gv::test::WriteBytes(dir / (hevc ? "video.mov" : "video.mp4"), gv::test::MakeVideo(spec));
  }
  std::printf(
      "12 MP photo (%s enlarged to 4000x3000), 20 s 1080p videos filmed across it;\n"
      "best of 3, 2 cores. Video: metadata = container + scene keyframes counted "
      "(inspect), decode = the scene keyframes extracted (run)\n",
      argv[1]);
  std::printf("%-10s %10s %12s %12s %12s\n", "file", "bytes", "open+hash s", "metadata s",
              "decode s");
  for (const char* name : {"photo.jpg", "photo.heic", "photo.avif", "video.mp4", "video.mov"}) {
    const bool video = name[0] == 'v';
    double best[3] = {1e9, 1e9, 1e9};
    std::size_t bytes = 0;
    int keyframes = 0;
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
      bool decoded = false;
      int frames = 0;
      if (video) {
        auto keyframes = gv::ExtractKeyframes(evidence->bytes());
        decoded = keyframes.ok();
        if (decoded) frames = static_cast<int>(keyframes->size());
      } else {
        decoded = gv::DecodeImage(evidence->bytes()).ok();
      }
      const auto t3 = Clock::now();
      if (md.error || !decoded) {
        std::fprintf(stderr, "%s: failed\n", name);
        return 1;
      }
      const double s[3] = {std::chrono::duration<double>(t1 - t0).count(),
                           std::chrono::duration<double>(t2 - t1).count(),
                           std::chrono::duration<double>(t3 - t2).count()};
      for (int k = 0; k < 3; ++k) best[k] = std::min(best[k], s[k]);
      keyframes = frames;
    }
    std::printf("%-10s %10zu %12.3f %12.4f %12.3f", name, bytes, best[0], best[1], best[2]);
    if (video) std::printf("   (%d scene keyframes)", keyframes);
    std::printf("\n");
  }
  return 0;
}
