#include "case/inspect.h"

#include <algorithm>
#include <thread>

#include "image/format.h"
#include "metadata/capture_time.h"
#include "metadata/checks.h"
#include "metadata/exiv2_reader.h"
#include "metadata/video_metadata.h"
#include "util/file.h"
#include "util/ordered_pool.h"
#include "util/sha256.h"
#include "util/supervised.h"

namespace gv {

Status InspectOptions::Check() const {
  if (max_bytes == 0) return MakeError("max_bytes must be positive");
  if (threads < 0 || threads > 256) return MakeError("threads must be between 0 and 256");
  return OkStatus();
}

PhotoMetadata InspectEvidence(const Evidence& evidence, const InspectOptions& options) {
  PhotoMetadata photo;
  photo.file = evidence.path().string();
  photo.bytes = evidence.bytes().size();
  photo.sha256 = evidence.sha256();
  const std::span<const std::uint8_t> bytes(evidence.bytes());
  if (IsVideo(DetectFormat(bytes.first(std::min<std::size_t>(bytes.size(), 64))))) {
    if (Status st = ReadVideoMetadata(evidence.bytes(), photo,
                                      options.video_frames ? &options.keyframes : nullptr);
        !st.ok()) {
      photo.error = st.error().message;
      return photo;
    }
  } else if (Status st = ReadPhotoMetadata(evidence.bytes(), photo); !st.ok()) {
    photo.error = st.error().message;
    return photo;
  }
  DeriveCaptureTime(photo, options.zones);
  RunMetadataChecks(photo, options.zones);
  return photo;
}

PhotoMetadata InspectFile(const std::filesystem::path& path, const InspectOptions& options) {
  EvidenceLimits limits;
  limits.max_bytes = options.max_bytes;
  auto evidence = OpenEvidence(path, limits);
  if (evidence.ok()) return InspectEvidence(*evidence, options);
  PhotoMetadata photo;
  photo.file = path.string();
  photo.error = evidence.error().message;
  // Too large to parse, but still evidence: hash it by streaming.
  if (const auto info = StatFile(path); info.ok()) {
    photo.bytes = info->bytes;
    if (info->regular) {
      if (auto hash = Sha256File(path); hash.ok()) photo.sha256 = *hash;
    }
  }
  return photo;
}

namespace {

template <typename R>
void InspectOrdered(const std::vector<std::filesystem::path>& files, const InspectOptions& options,
                    const std::function<R(PhotoMetadata&&)>& map,
                    const std::function<void(R&&)>& sink) {
  InitializeMetadataLibrary();
  const std::size_t threads = options.threads > 0
                                  ? static_cast<std::size_t>(options.threads)
                                  : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t window = 16 * threads;  // results allowed to wait for the sink
  std::vector<R> slots(window);
  OrderedParallelFor(
      files.size(), threads, window,
      [&](std::size_t i) { slots[i % window] = map(InspectFile(files[i], options)); },
      [&](std::size_t i) { sink(std::move(slots[i % window])); });
}

}  // namespace

void InspectFiles(const std::vector<std::filesystem::path>& files, const InspectOptions& options,
                  const std::function<void(PhotoMetadata&&)>& sink) {
  InspectOrdered<PhotoMetadata>(
      files, options, [](PhotoMetadata&& p) { return std::move(p); }, sink);
}

void InspectFilesRendered(const std::vector<std::filesystem::path>& files,
                          const InspectOptions& options,
                          const std::function<std::string(PhotoMetadata&&)>& render,
                          const std::function<void(std::string&&)>& sink) {
  InspectOrdered<std::string>(files, options, render, sink);
}

void InspectFilesIsolated(const std::vector<std::filesystem::path>& files,
                          const InspectOptions& options, const IsolationOptions& isolation,
                          const std::function<std::string(PhotoMetadata&&)>& render,
                          const std::function<void(std::string&&, bool error)>& sink) {
  InitializeMetadataLibrary();
  SupervisorOptions supervisor;
  supervisor.workers = options.threads;
  supervisor.deadline_s = isolation.deadline_s;
  supervisor.cpu_limit_s = isolation.cpu_limit_s;
  supervisor.memory_bytes = isolation.memory_bytes;
  SupervisedMap(
      files.size(),
      [&](std::size_t i) {
        MaybeInjectFault(files[i]);
        PhotoMetadata p = InspectFile(files[i], options);
        const char flag = p.error ? 'E' : 'O';
        return flag + render(std::move(p));
      },
      supervisor,
      [&](std::size_t i, ItemResult&& r) {
        if (r.failure == ItemFailure::kNone && !r.payload.empty()) {
          const bool error = r.payload[0] == 'E';
          sink(r.payload.substr(1), error);
          return;
        }
        PhotoMetadata p;
        p.file = files[i].string();
        if (const auto info = StatFile(files[i]); info.ok()) {
          p.bytes = info->bytes;
          if (info->regular)
            if (auto hash = Sha256File(files[i]); hash.ok()) p.sha256 = *hash;
        }
        p.error = FailureText(r) + "; the file was left out and the batch went on";
        p.findings.push_back(FailureFinding(r, "metadata"));
        sink(render(std::move(p)), true);
      });
}

}  // namespace gv
