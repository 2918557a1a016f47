// Redacting a batch into a folder, as `geoverify redact` and `geoverify run --share` do:
// one copy per photo (encoded afresh, checked), and DIR/redaction.json, the log, which keeps
// the entries of earlier runs into the same folder for other copies. A photo that fails gets
// an error entry and the batch goes on.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redact/faces.h"
#include "redact/redact.h"

namespace gv {

struct RedactJob {
  std::filesystem::path photo;
  std::vector<RedactBox> boxes;
  // Set when the photo was refused before (its isolated first read crashed or hung: see
  // metadata/preflight.h): recorded as its error, hashed by streaming, never parsed.
  std::string refused;
};

struct RedactBatchOptions {
  RedactOptions redact;
  std::string operator_name;
  std::string tool_version;  // "geoverify 0.1.0"
  // Called after each photo (for progress).
  std::function<void()> on_photo;
};

struct RedactBatchResult {
  // One per job, in order: the log entry (original, original_sha256, copy, copy_sha256,
  // regions, salt, method, tool_version, operator, utc), or with FaceMode::kPropose
  // {original, original_sha256, proposals}; "error" set when the photo failed.
  std::vector<nlohmann::ordered_json> entries;
  std::vector<std::filesystem::path> written;  // the copies, then the log or proposals.json
  bool failed = false;
};

// The regions of a copy as the log writes them: {x, y, w, h, source, label, pixels_sha256}.
nlohmann::ordered_json RegionsJson(const std::vector<RedactRegion>& regions);

// Error only when the folder cannot be made or the log cannot be written. A photo whose own
// folder is `out_dir` is refused (the copies never go beside the evidence).
Result<RedactBatchResult> RedactToFolder(const std::vector<RedactJob>& jobs,
                                         const std::filesystem::path& out_dir,
                                         const FaceDetector* faces,
                                         const RedactBatchOptions& options);

}  // namespace gv
