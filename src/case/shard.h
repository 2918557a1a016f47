// Sharded runs: `run --shard K/N` takes in and works through a deterministic slice of a case
// (by a hash of each file's path in the case folder), and saves what its photos' steps found
// as a shard file; `merge` reads the shard files of all N slices, rebuilds one Case exactly as
// a single run holds it after its per-photo steps, and does the case-wide work (same-scene
// links, place groups, fusion) once, over every photo.
//
// The shard file (OUT/shard.cbor) is CBOR (RFC 8949): every field of the photos' records is
// kept without loss (doubles as doubles, pictures as PNG, features and likelihood grids as
// raw arrays), so that the merged outputs equal a single run's, timings and intake times
// aside.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "case/case.h"
#include "util/result.h"

namespace gv {

// Slice `index` of `count` (0 <= index < count).
struct CaseSlice {
  int index = 0, count = 1;
  // True when the file at `path` (relative to the case folder, '/'-separated) belongs to this
  // slice: FNV-1a of the path, modulo count. Files that case.yaml names (case.yaml itself,
  // references, basemaps) are taken in by every slice: the steps need them.
  bool Takes(const std::string& path) const;
  bool whole() const { return count == 1; }
};

// "K/N" with 0 <= K < N <= 100000.
Result<CaseSlice> ParseCaseSlice(const std::string& text);

// What a shard saves beside its case state.
struct ShardHeader {
  CaseSlice slice;
  std::string tool_version;
  std::filesystem::path case_dir;     // absolute
  std::string case_yaml_sha256;       // of case.yaml when the shard read it ("" without one)
  std::string data_dir;               // geoverify's data folder the steps read
  std::filesystem::path frames_dir;   // where the shard wrote its videos' keyframes
  std::vector<std::string> run_args;  // the options that change results, in canonical form
};

// Writes the shard file atomically. `c` after RunPhotoSteps (features still held).
Status WriteShardFile(const std::filesystem::path& path, const ShardHeader& header, const Case& c);

// Reads a shard file; a damaged, truncated or foreign file is an error naming it. The Case
// holds the slice's evidence, photos (with features), videos, steps and intake time; its
// config is empty (the merge reads case.yaml again and checks its SHA-256).
struct Shard {
  std::filesystem::path file;
  ShardHeader header;
  Case c;
};
Result<Shard> ReadShardFile(const std::filesystem::path& path);

// Checks that `shards` are the N slices of one run (same case, options, tool version and
// case.yaml; each slice once) and joins their cases in a single run's order: evidence in the
// intake's listing order (the files case.yaml names once), photos in evidence order, then the
// videos' keyframes. Frames' paths are moved under `frames_dir`. The shards are consumed.
Result<Case> JoinShards(std::vector<Shard>& shards, const std::filesystem::path& frames_dir);

}  // namespace gv
