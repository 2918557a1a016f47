// JPEG quantisation tables known by their source (a camera model, a camera's own software,
// an editor), read from data/jpeg_tables.json (scripts/make-jpeg-tables builds it from
// reference photos). A photo whose tables equal a known set was most likely last saved by
// that source; libjpeg's standard tables are told apart by JpegStructure::StandardTables().
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "image/jpeg_structure.h"
#include "util/result.h"

namespace gv {

struct KnownTableSet {
  std::optional<std::string> make, model, software;   // as the reference photos name them
  std::vector<std::array<std::uint16_t, 64>> tables;  // natural order, by table id
  std::vector<std::string> references;                // reference photos
};

// Reads a table file; every entry is checked (64 values of 1..65535 a table, 1 to 4 tables).
Result<std::vector<KnownTableSet>> LoadKnownTables(const std::filesystem::path& path);

// The known sets equal to the photo's tables (all of them, in table-id order).
std::vector<const KnownTableSet*> MatchKnownTables(const JpegStructure& jpeg,
                                                   const std::vector<KnownTableSet>& known);

}  // namespace gv
