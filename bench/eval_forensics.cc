// Double-compression detection on the real camera photos of ../shared/data/exif: each
// camera JPEG (first compression: the camera's quality q1) is decoded and saved again at
// q2 in {50, 60, 70, 80, 90, 95} wherever |q2 - q1| >= 10; the untouched originals are the
// negatives. Prints the detection rate for q2 > q1 and q2 < q1, how often the first quality
// was estimated within 5, and false positives. Copy-move and splice evaluations are not
// written yet. Usage: eval_forensics SHARED_DATA_DIR
#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "forensics/double_compression.h"
#include "image/decode.h"
#include "image/jpeg_structure.h"
#include "util/file.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: eval_forensics SHARED_DATA_DIR\n");
    return 2;
  }
  int originals = 0, false_positives = 0;
  int up = 0, up_detected = 0, up_quality = 0, down = 0, down_detected = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(argv[1]) / "exif")) {
    std::vector<std::uint8_t> bytes;
    if (!gv::ReadFileBounded(entry.path(), 1 << 28, bytes).ok()) continue;
    auto jpeg = gv::ParseJpegStructure(bytes);
    auto image = gv::DecodeImage(bytes);
    if (!jpeg.ok() || !image.ok() || !jpeg->EstimatedQuality()) continue;
    const int q1 = *jpeg->EstimatedQuality();
    ++originals;
    auto clean = gv::DetectDoubleCompression(*image, q1);
    if (clean.ok() && clean->detected) ++false_positives;
    for (int q2 : {50, 60, 70, 80, 90, 95}) {
      if (std::abs(q2 - q1) < 10) continue;
      std::vector<std::uint8_t> again;
      cv::imencode(".jpg", *image, again, {cv::IMWRITE_JPEG_QUALITY, q2});
      auto parsed = gv::ParseJpegStructure(again);
      auto decoded = gv::DecodeImage(again);
      if (!parsed.ok() || !decoded.ok()) continue;
      auto r = gv::DetectDoubleCompression(*decoded, parsed->EstimatedQuality().value_or(q2));
      const bool hit = r.ok() && r->detected;
      if (q2 > q1) {
        ++up;
        up_detected += hit;
        up_quality += hit && std::abs(*r->first_quality - q1) <= 5;
      } else {
        ++down;
        down_detected += hit;
      }
    }
  }
  std::printf("camera photos: %d (first compression: the camera's own)\n", originals);
  std::printf("%-44s %6s %10s\n", "case", "photos", "detected");
  std::printf("%-44s %6d %9.1f%%   first quality within 5: %.1f%%\n",
              "re-saved at q2 >= q1 + 10 (JPEG ghost)", up, 100.0 * up_detected / std::max(1, up),
              100.0 * up_quality / std::max(1, up));
  std::printf("%-44s %6d %9.1f%%\n", "re-saved at q2 <= q1 - 10", down,
              100.0 * down_detected / std::max(1, down));
  std::printf("%-44s %6d %9.1f%%   (false positives)\n", "untouched originals", originals,
              100.0 * false_positives / std::max(1, originals));
  std::printf("target: >= 90%% of recompressed photos with |q2 - q1| >= 10: %.1f%% overall\n",
              100.0 * (up_detected + down_detected) / std::max(1, up + down));
  return 0;
}
