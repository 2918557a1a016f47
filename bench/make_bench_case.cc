// Builds the case of scripts/bench-run: N photos of 12 MP (4000 x 3000, JPEG q92) made from
// the real camera photos of ../shared/data/exif (each enlarged from a different crop), with
// phone-like EXIF (GPS for two thirds, none for the rest, as forwarded copies), a case.yaml
// with shadows and clues for some photos, a reference collection of 20 other geotagged
// photos, and the Landsat crop of tests/data as basemap.
// Usage: make_bench_case SHARED_DATA_DIR LANDSAT_TIF OUT_DIR [N=50]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "match/reference_collection.h"
#include "metadata/exiv2_reader.h"
#include "support/synth_photo.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: make_bench_case SHARED_DATA_DIR LANDSAT_TIF OUT_DIR [N=50]\n");
    return 2;
  }
  const fs::path shared = argv[1], landsat = argv[2], out = argv[3];
  const int n = argc > 4 ? std::atoi(argv[4]) : 50;
  std::vector<cv::Mat> sources;
  std::vector<fs::path> names;
  for (const auto& e : fs::recursive_directory_iterator(shared / "exif")) {
    if (e.path().extension() != ".jpg") continue;
    cv::Mat m = cv::imread(e.path().string(), cv::IMREAD_COLOR);
    if (m.cols >= 600 && m.rows >= 400) {
      sources.push_back(m);
      names.push_back(e.path());
    }
  }
  if (sources.size() < 10) {
    std::fprintf(stderr, "make_bench_case: too few camera photos under %s\n",
                 (shared / "exif").c_str());
    return 1;
  }
  fs::create_directories(out);
  std::mt19937_64 rng(20261130);
  std::uniform_real_distribution<double> u(0, 1);
  const auto make = [&](std::size_t i, cv::Size size) {
    const cv::Mat& s = sources[i % sources.size()];
    // A different 80-95 % crop of the source for each photo, then enlarged.
    const double keep = 0.8 + 0.15 * u(rng);
    const int w = static_cast<int>(s.cols * keep), h = static_cast<int>(s.rows * keep);
    const cv::Rect crop(static_cast<int>((s.cols - w) * u(rng)),
                        static_cast<int>((s.rows - h) * u(rng)), w, h);
    cv::Mat big;
    cv::resize(s(crop), big, size, 0, 0, cv::INTER_CUBIC);
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", big, jpeg, {cv::IMWRITE_JPEG_QUALITY, 92});
    return jpeg;
  };
  const char* makes[] = {"samsung", "Xiaomi", "OPPO", "vivo", "Apple"};
  std::string yaml =
      "title: bench-run, " + std::to_string(n) +
      " photos of 12 MP\nregion: [92.0, 5.0, 127.0, 30.0]\n"
      "references: [refs/bench.gvrefs]\nbasemaps: [basemaps/landsat_crop.tif]\nphotos:\n";
  for (int i = 0; i < n; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "photo_%02d.jpg", i);
    gv::test::SynthExif e;
    if (i % 3 != 2) {  // two thirds straight from a phone, one third forwarded without metadata
      e.make = makes[i % 5];
      e.model = "bench";
      e.datetime_original =
          "2025:03:" + std::to_string(10 + i % 9) + " 1" + std::to_string(i % 7) + ":20:00";
      e.offset_time_original = "+06:30";
      e.lat = 10 + 12 * u(rng), e.lon = 96 + 10 * u(rng);
    }
    gv::test::WritePhoto(out / name, make(static_cast<std::size_t>(i), {4000, 3000}), e);
    if (i % 5 == 0 && i % 3 != 2)
      yaml += std::string("  ") + name +
              ":\n    shadows:\n      - {object_height: 2.0, shadow_length: 3.0, azimuth: 250, "
              "length_tolerance: 0.1}\n    clues:\n      - {kind: country, value: MM}\n";
  }
  // The reference collection: 20 other geotagged photos (800 x 600).
  const fs::path ref_dir = out.parent_path() / (out.filename().string() + "-refs");
  fs::create_directories(ref_dir);
  std::vector<fs::path> refs;
  for (int i = 0; i < 20; ++i) {
    gv::test::SynthExif e;
    e.lat = 16 + u(rng), e.lon = 98 + u(rng);
    refs.push_back(ref_dir / ("ref_" + std::to_string(i) + ".jpg"));
    gv::test::WritePhoto(refs.back(), make(static_cast<std::size_t>(i + 7), {800, 600}), e);
  }
  gv::InitializeMetadataLibrary();
  fs::create_directories(out / "refs");
  gv::CollectionOptions options;
  options.vocabulary_size = 512;
  if (auto built = gv::BuildCollection(refs, out / "refs" / "bench.gvrefs", options); !built.ok()) {
    std::fprintf(stderr, "make_bench_case: %s\n", built.error().message.c_str());
    return 1;
  }
  fs::create_directories(out / "basemaps");
  fs::copy_file(landsat, out / "basemaps" / "landsat_crop.tif",
                fs::copy_options::overwrite_existing);
  std::ofstream(out / "case.yaml") << yaml;
  std::printf("%d photos of 12 MP from %zu camera photos, 20 references, 1 basemap\n", n,
              sources.size());
  return 0;
}
