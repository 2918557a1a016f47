// The pictures of a forensics report (ELA, noise, copy-move mask, thumbnail difference),
// written as PNG files for `geoverify forensics -o DIR`.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "forensics/analysis.h"

namespace gv {

// Writes each picture atomically as DIR/<photo stem>.<first 8 of SHA-256>.<kind>.png and sets
// its path in `json` (the object of ToJson(report)); a picture that cannot be written adds
// an OUTPUT_FAILED finding to `json` instead.
void WriteForensicsPictures(const ForensicsReport& report, const std::filesystem::path& photo,
                            const std::filesystem::path& dir, nlohmann::ordered_json& json);

}  // namespace gv
