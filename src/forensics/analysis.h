// `geoverify forensics` for one photo: JPEG structure (with known camera tables), double
// compression (DCT coefficient histograms and the JPEG ghost), error level analysis, noise
// residual, copy-move (keypoints with an affine check, and block correlation for flat
// regions), EXIF thumbnail against the image, perceptual hashes; pictures of the evidence
// and the copy-move mask returned for report/ to write.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "forensics/copy_move.h"
#include "forensics/double_quantization.h"
#include "forensics/ela.h"
#include "forensics/hashes.h"
#include "forensics/noise.h"
#include "forensics/thumbnail.h"
#include "image/decode.h"
#include "image/evidence.h"
#include "image/jpeg_structure.h"
#include "util/finding.h"

namespace gv {

struct ForensicsOptions {
  ElaOptions ela;
  int noise_block = 32;
  std::uint64_t max_bytes = 1ull << 30;
  // Photos above these are refused before decoding. Memory grows with the pixels: about
  // 1.1 GB at 12 MP, 2.1 GB at 48 MP (scripts/bench-forensics, docs/evaluation.md).
  DecodeLimits limits;
  // A thumbnail whose worst 8x8 block differs from the image by more than this many
  // standard deviations is reported (THUMBNAIL_CONTENT_DIFFERS).
  double thumbnail_block_limit = 1.5;
};

// A picture of the evidence for the investigator: "ela", "noise", "copy_move" (the mask)
// or "thumbnail". 8-bit.
struct ForensicsPicture {
  std::string kind;
  cv::Mat image;
};

// What the analyses found in one photo, as each analysis returned it (JSON is made from it
// by ToJson, at the edge). Pictures are moved out of the results into `pictures`, for the
// caller to write; their JSON paths stay null until then (SetPicturePath).
struct ForensicsReport {
  std::string file, sha256;   // sha256 empty when the file could not be read
  std::string format;         // from the metadata reader ("JPEG", ...), may be empty
  int width = 0, height = 0;  // as shown
  int orientation = 1;        // EXIF orientation (places the DCT single region)
  std::optional<JpegStructure> jpeg;
  std::optional<RecompressionEvidence> recompression;  // JPEGs with a luminance table
  int ela_quality = 0;
  std::optional<ElaResult> ela;
  std::optional<NoiseResult> noise;
  std::optional<CopyMoveResult> copy_move;
  bool has_thumbnail = false;
  std::optional<ThumbnailComparison> thumbnail;
  std::string thumbnail_error;
  std::optional<PerceptualHashes> hashes;
  std::optional<ImgHashes> img_hashes;
  std::vector<Finding> findings;  // step "forensics"
  std::vector<ForensicsPicture> pictures;
  std::string error;  // empty when the pixels were analysed
};

// Every analysis on evidence already in memory. Never throws: a photo that cannot be
// analysed gets `error`. Thread-safe after InitializeMetadataLibrary().
ForensicsReport AnalyzeEvidence(const Evidence& evidence, const ForensicsOptions& options);

// The forensics command's object. Keys: file, sha256, format, width, height, jpeg (with
// double_compression), ela, noise, copy_move, thumbnail, hashes, findings, error.
nlohmann::ordered_json ToJson(const ForensicsReport& report);

// Sets the path of a written picture in the object made by ToJson.
void SetPicturePath(nlohmann::ordered_json& forensics, const std::string& kind,
                    const std::string& path);

// OpenEvidence + AnalyzeEvidence; a file that cannot be read gets `error`.
ForensicsReport AnalyzeFile(const std::filesystem::path& path, const ForensicsOptions& options);

// ToJson(AnalyzeFile(...)): the pictures are not written (report/forensics_pictures.h does).
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
