// libFuzzer target: any bytes through the byte-level forensics path of `geoverify forensics`
// (our JPEG structure parser and quality estimate, bounded decoding of the stored
// luminance, the DCT-histogram test of a second save, and the EXIF-thumbnail comparison,
// which decodes the bytes as a thumbnail). The JPEG ghost and copy-move are left out: they
// only see decoded pixels and would slow the fuzzer a hundredfold.
// Build: cmake -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DGEOVERIFY_FUZZ=ON
// Run:   build/fuzz/tests/fuzz_forensics -max_total_time=60 CORPUS_DIR
#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <span>
#include <vector>

#include "forensics/double_quantization.h"
#include "forensics/thumbnail.h"
#include "image/decode.h"
#include "image/jpeg_structure.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  gv::DecodeLimits limits;
  limits.max_pixels = 2'000'000;
  limits.max_side = 4096;
  if (auto jpeg = gv::ParseJpegStructure(bytes); jpeg.ok()) {
    (void)jpeg->EstimatedQuality();
    if (const gv::JpegQuantTable* luma = jpeg->LuminanceTable(); luma != nullptr) {
      if (auto y = gv::DecodeImage(bytes, limits, gv::DecodeAs::kStoredGrey); y.ok())
        (void)gv::DetectDoubleQuantization(*y, luma->values);
    }
  }
  // A 3:2 textured picture, so that every framing and the alignment run on what decodes.
  static const cv::Mat image = [] {
    cv::Mat m(200, 300, CV_8UC3);
    cv::RNG rng(7);
    rng.fill(m, cv::RNG::UNIFORM, 0, 255);
    cv::GaussianBlur(m, m, cv::Size(0, 0), 2.0);
    return m;
  }();
  (void)gv::CompareThumbnail(std::vector<std::uint8_t>(data, data + size), image);
  return 0;
}
