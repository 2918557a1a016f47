// Case: the evidence, findings and (later) clues of one investigation.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "case/inspect.h"
#include "metadata/photo_metadata.h"

namespace gv {

// One file of the case folder, as taken in: known by its SHA-256.
struct EvidenceRecord {
  std::string path;  // relative to the case folder
  std::string sha256;
  std::uint64_t bytes = 0;
  std::string modified_utc;  // file modification time at intake, ISO 8601 UTC
  std::string intake_utc;    // when geoverify hashed it
  std::string kind;          // "photo" or "other" (content is not an image geoverify reads)
  std::string error;         // empty when the file was read in full
};

struct Case {
  std::filesystem::path dir;
  std::string intake_utc;
  std::vector<EvidenceRecord> evidence;  // every file, sorted by path
  std::vector<PhotoMetadata> photos;     // the files of kind "photo", same order
  std::size_t failed = 0;                // photos or files that could not be read
};

// Takes in every file under `case_dir` (recursively): hash, stat, inspect. Files that are
// not images are recorded as evidence of kind "other" and are not failures. Errors only
// when the folder itself cannot be listed. Files under `exclude` (the output folder, when
// it lies inside the case folder) are not taken in.
Result<Case> BuildCase(const std::filesystem::path& case_dir, const InspectOptions& options,
                       const std::filesystem::path& exclude = {});

}  // namespace gv
