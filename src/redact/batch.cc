#include "redact/batch.h"

#include <map>

#include "image/evidence.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/time.h"

namespace gv {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

bool SameFolder(const fs::path& a, const fs::path& b) {
  std::error_code e1, e2;
  const fs::path ca = fs::weakly_canonical(a, e1), cb = fs::weakly_canonical(b, e2);
  return !e1 && !e2 && ca == cb;
}

}  // namespace

Json RegionsJson(const std::vector<RedactRegion>& regions) {
  Json out = Json::array();
  for (const auto& r : regions)
    out.push_back({{"x", r.box.x},
                   {"y", r.box.y},
                   {"w", r.box.width},
                   {"h", r.box.height},
                   {"source", r.source},
                   {"label", r.label},
                   {"pixels_sha256", r.pixels_sha256}});
  return out;
}

Result<RedactBatchResult> RedactToFolder(const std::vector<RedactJob>& jobs,
                                         const fs::path& out_dir, const FaceDetector* faces,
                                         const RedactBatchOptions& options) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec || !fs::is_directory(out_dir))
    return MakeError("cannot create the output folder " + out_dir.string());
  const bool propose = options.redact.faces == FaceMode::kPropose;
  const fs::path log_file = out_dir / "redaction.json";
  Json log = Json::array();
  if (!propose && fs::exists(log_file)) {
    std::vector<std::uint8_t> buffer;
    if (ReadFileBounded(log_file, 256 << 20, buffer).ok()) {
      try {
        log = Json::parse(buffer.begin(), buffer.end());
      } catch (const std::exception&) {
        return MakeError(log_file.string() + " is not JSON: move it away or choose another folder");
      }
      if (!log.is_array()) return MakeError(log_file.string() + " is not a redaction log");
    }
  }
  RedactBatchResult result;
  Json proposals = Json::array();
  std::map<std::string, int> names_used;
  for (const auto& job : jobs) {
    const fs::path& photo = job.photo;
    Json entry = {{"original", photo.string()}, {"original_sha256", nullptr}};
    std::string error;
    if (!job.refused.empty()) {
      error = job.refused;
      if (auto hash = Sha256File(photo); hash.ok()) entry["original_sha256"] = *hash;
    } else if (SameFolder(photo.parent_path().empty() ? fs::path(".") : photo.parent_path(),
                          out_dir)) {
      error = "the output folder is the evidence folder; write the copies elsewhere";
    } else if (auto evidence = OpenEvidence(photo); !evidence.ok()) {
      error = evidence.error().message;
    } else {
      entry["original_sha256"] = evidence->sha256();
      auto copy = RedactEvidence(*evidence, job.boxes, faces, options.redact);
      if (!copy.ok()) {
        error = copy.error().message;
      } else if (propose) {
        Json found = Json::array();
        for (const auto& f : copy->proposals)
          found.push_back({{"x", f.box.x},
                           {"y", f.box.y},
                           {"w", f.box.width},
                           {"h", f.box.height},
                           {"score", f.score},
                           {"detector", f.detector}});
        proposals.push_back({{"file", photo.string()}, {"boxes", found}});
        entry["proposals"] = found;
      } else {
        std::string name = photo.stem().string();
        if (const int n = ++names_used[name + copy->extension]; n > 1)
          name += "-" + std::to_string(n);
        const fs::path target = out_dir / (name + copy->extension);
        const std::string_view bytes(reinterpret_cast<const char*>(copy->bytes.data()),
                                     copy->bytes.size());
        if (Status s = WriteFileAtomic(target, bytes); !s.ok()) {
          error = s.error().message;
        } else {
          const Json regions = RegionsJson(copy->regions);
          entry["copy"] = target.string();
          entry["copy_sha256"] = Sha256Hex(copy->bytes);
          entry["regions"] = regions;
          entry["salt"] = copy->salt;
          entry["method"] = copy->method;
          entry["tool_version"] = options.tool_version;
          entry["operator"] = options.operator_name;
          entry["utc"] = NowIsoUtc();
          for (auto it = log.begin(); it != log.end();)
            it = it->is_object() && it->value("copy", "") == target.string() ? log.erase(it)
                                                                             : it + 1;
          log.push_back(entry);
          result.written.push_back(target);
        }
      }
    }
    if (!error.empty()) {
      entry["error"] = error;
      result.failed = true;
    }
    result.entries.push_back(std::move(entry));
    if (options.on_photo) options.on_photo();
  }
  const fs::path index = propose ? out_dir / "proposals.json" : log_file;
  if (Status s = WriteFileAtomic(index, (propose ? proposals : log).dump(2) + "\n"); !s.ok())
    return s.error();
  result.written.push_back(index);
  return result;
}

}  // namespace gv
