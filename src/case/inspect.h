// Inspecting evidence: the per-file pipeline of `geoverify inspect` and of `run`'s intake.
// Read the file once (read-only, bounded), hash it, read its metadata, derive the capture
// time, run the metadata checks. One bad file yields a PhotoMetadata with `error` set; it
// never stops a batch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "geo/timezone.h"
#include "image/evidence.h"
#include "metadata/photo_metadata.h"
#include "util/result.h"
#include "video/video.h"

namespace gv {

struct InspectOptions {
  std::uint64_t max_bytes = 1ull << 30;  // larger files are hashed but not parsed
  int threads = 0;                       // 0: one per core
  const TimeZoneIndex* zones = nullptr;  // null: no time zone at the GPS position
  bool video_frames = true;              // videos: count their scene-change keyframes
  // Keyframes counted within a budget that fits inspect's deadline per file (10 s).
  KeyframeOptions keyframes = [] {
    KeyframeOptions k;
    k.max_decode_s = 4;
    return k;
  }();
  Status Check() const;
};

// Inspects one file: OpenEvidence, then InspectEvidence. A file that cannot be read in full
// (too large, not a regular file) is still hashed, by streaming, when it is a regular file.
PhotoMetadata InspectFile(const std::filesystem::path& path, const InspectOptions& options);

// Metadata, capture time and metadata checks of evidence already in memory.
PhotoMetadata InspectEvidence(const Evidence& evidence, const InspectOptions& options);

// Inspects `files` on a pool of threads and hands each result to `sink` on the calling
// thread, in the order of `files`. At most a bounded number of results wait for the sink,
// so memory does not grow with the number of files.
void InspectFiles(const std::vector<std::filesystem::path>& files, const InspectOptions& options,
                  const std::function<void(PhotoMetadata&&)>& sink);

// As InspectFiles, but `render` runs on the worker threads (e.g. to serialise JSON) and
// `sink` receives its text, in order.
void InspectFilesRendered(const std::vector<std::filesystem::path>& files,
                          const InspectOptions& options,
                          const std::function<std::string(PhotoMetadata&&)>& render,
                          const std::function<void(std::string&&)>& sink);

// As InspectFilesRendered, but every file is read (and rendered) in a supervised worker
// process (util/supervised.h): a file that crashes its worker or misses `deadline_s` gets
// an entry with `error` and a PARSER_CRASHED or PARSER_TIMEOUT finding, its SHA-256 taken
// here by streaming, and the batch goes on. `sink` gets the text and whether it is an error.
struct IsolationOptions {
  double deadline_s = 10;
  double cpu_limit_s = 10;
  std::uint64_t memory_bytes = 4ull << 30;
};
void InspectFilesIsolated(const std::vector<std::filesystem::path>& files,
                          const InspectOptions& options, const IsolationOptions& isolation,
                          const std::function<std::string(PhotoMetadata&&)>& render,
                          const std::function<void(std::string&&, bool error)>& sink);

}  // namespace gv
