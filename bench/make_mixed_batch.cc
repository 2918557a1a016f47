// Builds the mixed batch of scripts/bench-mixed: what a seized phone dump holds, made from
// the camera photos of ../shared/data/exif. 1,000 files: 400 camera JPEGs (the shared ones,
// repeated), 150 iPhone-like HEICs (12 MP, EXIF with GPS), 150 PNGs (screenshots: the photos
// resized to 1170x2532), 100 MP4s (H.264 1080p, 10 s, Android-like: (c)xyz and creation
// time), 100 MOVs (HEVC 1080p, 10 s, iPhone keys, portrait rotation) and 100 damaged files
// (JPEGs and videos cut in half, an 'ftyp' followed by noise, random bytes). Distinct
// encodings are made once each (10 HEIC, 5 MP4, 5 MOV) and copied under other names.
// Usage: make_mixed_batch SHARED_DATA_DIR OUT_DIR
#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "support/make_video.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: make_mixed_batch SHARED_DATA_DIR OUT_DIR\n");
    return 2;
  }
  const fs::path shared = argv[1], out = argv[2];
  std::vector<fs::path> jpegs;
  for (const auto& e : fs::recursive_directory_iterator(shared / "exif"))
    if (e.is_regular_file() && (e.path().extension() == ".jpg" || e.path().extension() == ".JPG"))
      jpegs.push_back(e.path());
  std::sort(jpegs.begin(), jpegs.end());
  std::vector<cv::Mat> photos;
  for (const auto& p : jpegs) {
    cv::Mat m = cv::imread(p.string(), cv::IMREAD_COLOR);
    if (!m.empty() && std::min(m.cols, m.rows) >= 400) photos.push_back(m);
  }
  if (photos.size() < 10) return 1;
  fs::create_directories(out);
  const auto copy = [&](const std::vector<std::uint8_t>& bytes, const std::string& name) {
    gv::test::WriteBytes(out / name, bytes);
  };
  char name[64];
  for (int i = 0; i < 400; ++i) {
    std::snprintf(name, sizeof name, "DCIM_%04d.jpg", i);
    fs::copy_file(jpegs[static_cast<std::size_t>(i) % jpegs.size()], out / name,
                  fs::copy_options::overwrite_existing);
  }
  gv::test::SynthExif exif;
  exif.make = "Apple", exif.model = "iPhone 13", exif.datetime_original = "2025:03:14 16:20:00";
  exif.offset_time_original = "+06:30";
  exif.lat = 16.647556, exif.lon = 98.520722;
  for (int k = 0; k < 10; ++k) {
    cv::Mat big;
    cv::resize(photos[static_cast<std::size_t>(k)], big, {4032, 3024}, 0, 0, cv::INTER_CUBIC);
    const auto heic = gv::test::MakeHeif(big, exif, 1 + (k % 2) * 5);
    for (int c = 0; c < 15; ++c) {
      std::snprintf(name, sizeof name, "IMG_%04d.HEIC", k * 15 + c);
      copy(heic, name);
    }
  }
  for (int i = 0; i < 150; ++i) {
    cv::Mat shot;
    cv::resize(photos[static_cast<std::size_t>(i) % photos.size()], shot, {1170, 2532});
    std::vector<std::uint8_t> png;
    cv::imencode(".png", shot, png);
    std::snprintf(name, sizeof name, "Screenshot_%04d.png", i);
    copy(png, name);
  }
  std::vector<std::vector<std::uint8_t>> videos;
  for (int k = 0; k < 10; ++k) {
    const bool iphone = k >= 5;
    const cv::Mat& a = photos[static_cast<std::size_t>(10 + k)];
    const cv::Mat& b = photos[static_cast<std::size_t>(20 + k)];
    cv::Mat fa, fb;
    cv::resize(a, fa, {2400, 1600});
    cv::resize(b, fb, {1920, 1080});
    gv::test::VideoSpec spec;
    spec.muxer = iphone ? "mov" : "mp4";
    spec.encoder = iphone ? "libx265" : "libx264";
    spec.fps = 30;
    spec.gop = 30;
    spec.bit_rate = 8'000'000;
    spec.frames = 300;
    spec.draw = [&](int i) {
      if (i >= 200) return cv::Mat(fb);
      return cv::Mat(fa(cv::Rect(i * 2, i, 1920, 1080)));
    };
    if (iphone) {
      spec.metadata_keys = true;
      spec.rotation_cw = 90;
      spec.tags = {{"com.apple.quicktime.creationdate", "2025-03-14T16:20:00+0630"},
                   {"com.apple.quicktime.location.ISO6709", "+16.6476+098.5207+020.000/"},
                   {"com.apple.quicktime.make", "Apple"},
                   {"com.apple.quicktime.model", "iPhone 13"}};
    } else {
      spec.tags = {{"location", "+16.8205+098.5309/"},
                   {"creation_time", "2025-03-15T01:35:00.000000Z"}};
    }
    videos.push_back(gv::test::MakeVideo(spec));
    for (int c = 0; c < 20; ++c) {
      std::snprintf(name, sizeof name, iphone ? "IMG_%04d.MOV" : "VID_%04d.mp4", (k % 5) * 20 + c);
      copy(videos.back(), name);
    }
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 100; ++i) {
    std::vector<std::uint8_t> bytes;
    switch (i % 4) {
      case 0: {  // a JPEG cut in half
        bytes = gv::test::ReadAll(jpegs[static_cast<std::size_t>(i) % jpegs.size()]);
        bytes.resize(bytes.size() / 2);
        break;
      }
      case 1:  // a video cut in half
        bytes = videos[static_cast<std::size_t>(i) % videos.size()];
        bytes.resize(bytes.size() / 2);
        break;
      case 2:  // 'ftyp' and noise
        bytes = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
        for (int k = 0; k < 200000; ++k) bytes.push_back(static_cast<std::uint8_t>(rng()));
        break;
      default:
        for (int k = 0; k < 100000; ++k) bytes.push_back(static_cast<std::uint8_t>(rng()));
    }
    std::snprintf(name, sizeof name, "damaged_%04d%s", i,
                  i % 4 == 0   ? ".jpg"
                  : i % 4 == 3 ? ".bin"
                               : ".mp4");
    copy(bytes, name);
  }
  return 0;
}
