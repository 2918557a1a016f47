// The sample case (samples/case-kk-park) and the tests' end-to-end case are made by the same
// code: synthetic photos written with exiv2, a case.yaml that uses every step, a small
// reference collection built by the real `refs build` code, and a basemap (the CC0 Landsat
// crop of tests/data) with a photo of its ground. Everything is CC0: the scenes are drawn
// by OpenCV, the imagery is Landsat (CC0), the positions are public reports.
#pragma once

#include <filesystem>
#include <string>

namespace gv::test {

// Writes the case into `dir` (created). `landsat_tif` is the Landsat crop. Throws on failure.
// The sample's clue positions (KK Park, Golden Triangle) and the shadow measurement are
// consistent with the sun at the capture times (see samples/README.md).
void WriteSampleCase(const std::filesystem::path& dir, const std::filesystem::path& landsat_tif);

}  // namespace gv::test
