// `geoverify forensics` for one photo: JPEG structure (with known camera tables), double
// compression (DCT coefficient histograms and the JPEG ghost), error level analysis, noise
// residual, copy-move (keypoints with an affine check, and block correlation for flat
// regions), EXIF thumbnail against the image, perceptual hashes; pictures of the evidence
// and the copy-move mask written to a folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "forensics/ela.h"
#include "forensics/hashes.h"
#include "image/decode.h"

namespace gv {

struct ForensicsOptions {
  ElaOptions ela;
  int noise_block = 32;
  std::uint64_t max_bytes = 1ull << 30;
  // Photos above these are refused before decoding. Memory grows with the pixels: about
  // 1.1 GB at 12 MP, 2.1 GB at 48 MP (scripts/bench-forensics, README).
  DecodeLimits limits;
  std::filesystem::path pictures_dir;  // empty: no pictures
  // A thumbnail whose worst 8x8 block differs from the image by more than this many
  // standard deviations is reported (THUMBNAIL_CONTENT_DIFFERS).
  double thumbnail_block_limit = 1.5;
};

// Never throws: a file that cannot be analysed gets "error" (the other keys stay readable).
// Keys: file, sha256, format, width, height, jpeg (with double_compression), ela, noise,
// copy_move, thumbnail, hashes, findings, error. Thread-safe after
// InitializeMetadataLibrary().
nlohmann::ordered_json AnalyzePhoto(const std::filesystem::path& path,
                                    const ForensicsOptions& options);

// Near-duplicates across a case (the same photo re-sent at other sizes, qualities or with
// small crops): every file is hashed (pHash), and groups within `max_distance` bits are
// returned as {"files": n, "groups": [[{file, sha256, phash, distance}]...], "errors":
// [{file, error}]}, distance being to the group's first member.
nlohmann::ordered_json FindNearDuplicates(const std::vector<std::filesystem::path>& files,
                                          std::uint64_t max_bytes,
                                          int max_distance = kNearDuplicateBits,
                                          const DecodeLimits& limits = {});

}  // namespace gv
