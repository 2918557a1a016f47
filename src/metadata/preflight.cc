#include "metadata/preflight.h"

#include "metadata/exiv2_reader.h"
#include "util/supervised.h"

namespace gv {

std::vector<std::optional<PreflightFailure>> PreflightFiles(
    const std::vector<std::filesystem::path>& files, const EvidenceLimits& limits,
    double deadline_s, const std::string& step) {
  std::vector<std::optional<PreflightFailure>> out(files.size());
  if (deadline_s <= 0 || files.empty()) return out;
  InitializeMetadataLibrary();
  SupervisorOptions supervisor;
  supervisor.deadline_s = deadline_s;
  supervisor.cpu_limit_s = deadline_s;
  supervisor.memory_bytes = 4ull << 30;
  SupervisedMap(
      files.size(),
      [&](std::size_t i) -> std::string {
        MaybeInjectFault(files[i]);
        auto evidence = OpenEvidence(files[i], limits);
        if (!evidence.ok()) return "";  // the caller says why
        PhotoMetadata md;
        (void)ReadPhotoMetadata(evidence->bytes(), md);
        (void)evidence->Pixels();
        return "";
      },
      supervisor,
      [&](std::size_t i, ItemResult&& r) {
        if (r.failure != ItemFailure::kNone)
          out[i] = PreflightFailure{FailureText(r), FailureFinding(r, step)};
      });
  return out;
}

}  // namespace gv
