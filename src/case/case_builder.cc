#include "case/case.h"
#include "case/shard.h"
#include "image/format.h"
#include "util/file.h"
#include "util/progress.h"
#include "util/sha256.h"
#include "util/time.h"

namespace gv {
namespace {

namespace fs = std::filesystem;

bool IsUnder(const fs::path& file, const fs::path& dir) {
  std::error_code ec;
  const auto rel = fs::weakly_canonical(file, ec).lexically_relative(fs::weakly_canonical(dir, ec));
  return !rel.empty() && *rel.begin() != "..";
}

// "reference", "basemap", "case_file" or "" for a file that case.yaml does not name.
std::string NamedKind(const fs::path& file, const fs::path& case_dir, const CaseConfig& config) {
  std::error_code ec;
  if (fs::equivalent(file, case_dir / "case.yaml", ec)) return "case_file";
  const auto same_or_sidecar = [&](const fs::path& named) {
    if (fs::equivalent(file, named, ec) || IsUnder(file, named)) return true;
    // A basemap's sidecars (.aux.xml, .ovr, .tfw ...) belong to it.
    const auto f = fs::weakly_canonical(file, ec).string();
    const auto n = fs::weakly_canonical(named, ec).string();
    return f.size() > n.size() && f.compare(0, n.size(), n) == 0 && f[n.size()] == '.';
  };
  for (const auto& r : config.references)
    if (same_or_sidecar(r)) return "reference";
  for (const auto& b : config.basemaps)
    if (same_or_sidecar(b)) return "basemap";
  return "";
}

// A file's path in the manifest: relative to the case folder, or as given when outside it.
std::string RecordPath(const fs::path& file, const fs::path& case_dir) {
  std::error_code ec;
  std::string path = fs::relative(file, case_dir, ec).generic_string();
  if (ec || path.empty() || path.rfind("..", 0) == 0) path = file.string();
  return path;
}

EvidenceRecord TakeIn(const fs::path& file, const fs::path& case_dir, std::uint64_t max_bytes,
                      const std::string& named_kind) {
  EvidenceRecord record;
  record.path = RecordPath(file, case_dir);
  record.intake_utc = NowIsoUtc();
  const auto info = StatFile(file);
  if (!info.ok()) {
    record.kind = named_kind.empty() ? "other" : named_kind;
    record.error = info.error().message;
    return record;
  }
  record.modified_utc = FormatIsoUtc(info->mtime_ns / 1000000000);
  record.bytes = info->bytes;
  std::vector<std::uint8_t> bytes;
  const Status read = ReadFileBounded(file, max_bytes, bytes);
  if (read.ok()) {
    record.sha256 = Sha256Hex(bytes);
  } else if (info->regular) {
    if (auto hash = Sha256File(file); hash.ok()) record.sha256 = *hash;
    record.error = read.error().message;
  } else {
    record.error = read.error().message;
  }
  if (!named_kind.empty()) {
    record.kind = named_kind;
    return record;
  }
  // Photo or not, by content: the first bytes (all of them when the file was too large).
  if (!read.ok() && info->regular) {
    if (!ReadFileHead(file, 64, bytes).ok()) bytes.clear();
  }
  const ImageFormat format = DetectFormat(bytes);
  record.kind = format == ImageFormat::kUnknown || format == ImageFormat::kPdf ? "other"
                : IsVideo(format)                                              ? "video"
                                                                               : "photo";
  if (record.kind == "other") record.error.clear();  // a note too large to read is no failure
  return record;
}

}  // namespace

Result<Case> BuildCase(const fs::path& case_dir, const InspectOptions& options,
                       const fs::path& exclude, CaseConfig config, const CaseSlice* slice) {
  std::error_code ec;
  if (!fs::is_directory(case_dir, ec)) return MakeError(case_dir.string() + ": not a folder");
  FileListing listing = ListInputFiles({case_dir}, /*recursive=*/true);
  if (!listing.errors.empty()) {
    return MakeError(listing.errors.front().first.string() + ": " + listing.errors.front().second);
  }
  if (!exclude.empty())
    std::erase_if(listing.files, [&](const fs::path& file) { return IsUnder(file, exclude); });
  // References and basemaps outside the case folder are evidence too.
  for (const auto& named : {config.references, config.basemaps}) {
    for (const auto& path : named) {
      if (IsUnder(path, case_dir)) continue;
      auto extra = ListInputFiles({path}, true);
      for (auto& f : extra.files) listing.files.push_back(f);
    }
  }
  Case result;
  result.dir = case_dir;
  result.intake_utc = NowIsoUtc();
  // A slice takes in its own files and those case.yaml names (the steps of every slice need
  // them; the merge lists them once).
  std::vector<std::pair<std::size_t, std::string>> todo;  // listing index, named kind
  std::string names;  // every listed path, for the listing's fingerprint
  for (std::size_t i = 0; i < listing.files.size(); ++i) {
    const std::string path = RecordPath(listing.files[i], case_dir);
    names += path + '\0';
    std::string kind = NamedKind(listing.files[i], case_dir, config);
    if (slice && kind.empty() && !slice->Takes(path)) continue;
    todo.emplace_back(i, std::move(kind));
  }
  result.listing_size = listing.files.size();
  result.listing_sha256 =
      Sha256Hex(std::span(reinterpret_cast<const std::uint8_t*>(names.data()), names.size()));
  Progress progress("intake", todo.size());
  for (const auto& [index, named_kind] : todo) {
    const fs::path& file = listing.files[index];
    EvidenceRecord record = TakeIn(file, case_dir, options.max_bytes, named_kind);
    record.listing_index = index;
    if (record.kind == "photo") {
      PhotoRecord photo;
      photo.path = record.path;
      photo.absolute = file;
      photo.sha256 = record.sha256;
      photo.metadata.file = record.path;
      photo.metadata.sha256 = record.sha256;
      photo.metadata.bytes = record.bytes;
      if (!record.error.empty()) {
        photo.metadata.error = record.error;
        photo.unreadable = true;
        ++result.failed;
      }
      result.photos.push_back(std::move(photo));
    } else if (record.kind == "video") {
      VideoRecord video;
      video.path = record.path;
      video.absolute = file;
      video.sha256 = record.sha256;
      video.metadata.file = record.path;
      video.metadata.sha256 = record.sha256;
      video.metadata.bytes = record.bytes;
      video.error = record.error;
      if (!record.error.empty()) ++result.failed;
      result.videos.push_back(std::move(video));
    }
    result.evidence.push_back(std::move(record));
    progress.Advance();
  }
  progress.Finish();
  result.config = std::move(config);
  return result;
}

}  // namespace gv
