// libFuzzer target: any bytes through the whole metadata path of one evidence file
// (format sniffing, our JPEG parser, vendor blocks, exiv2 adapter, capture time, checks).
// Build: cmake -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DGEOVERIFY_FUZZ=ON
// Run:   build/fuzz/tests/fuzz_metadata -max_total_time=60 CORPUS_DIR
#include <cstddef>
#include <cstdint>
#include <span>

#include "metadata/capture_time.h"
#include "metadata/checks.h"
#include "metadata/exiv2_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gv::InitializeMetadataLibrary();
  gv::PhotoMetadata photo;
  if (gv::ReadPhotoMetadata(std::span<const std::uint8_t>(data, size), photo).ok()) {
    gv::DeriveCaptureTime(photo, nullptr);
    gv::RunMetadataChecks(photo, nullptr);
  }
  return 0;
}
