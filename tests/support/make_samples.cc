// Regenerates samples/case-kk-park: a small training case of synthetic photos (CC0) placed
// at publicly reported scam-compound locations (see samples/README.md). Usage:
//   gv_make_samples OUT_DIR
#include <filesystem>
#include <iostream>

#include "support/sample_case.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: gv_make_samples OUT_DIR\n";
    return 2;
  }
  try {
    gv::test::WriteSampleCase(
        argv[1], std::filesystem::path(GEOVERIFY_TEST_DATA) / "landsat_rgb_byte_crop.tif");
  } catch (const std::exception& e) {
    std::cerr << "gv_make_samples: " << e.what() << "\n";
    return 1;
  }
  std::cout << "samples written to " << argv[1] << "\n";
  return 0;
}
