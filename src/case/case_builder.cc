#include "case/case.h"
#include "util/file.h"
#include "util/progress.h"
#include "util/time.h"

namespace gv {

Result<Case> BuildCase(const std::filesystem::path& case_dir, const InspectOptions& options,
                       const std::filesystem::path& exclude) {
  std::error_code ec;
  if (!std::filesystem::is_directory(case_dir, ec)) {
    return MakeError(case_dir.string() + ": not a folder");
  }
  FileListing listing = ListInputFiles({case_dir}, /*recursive=*/true);
  if (!listing.errors.empty()) {
    return MakeError(listing.errors.front().first.string() + ": " + listing.errors.front().second);
  }
  if (!exclude.empty()) {
    const auto excluded = std::filesystem::weakly_canonical(exclude, ec);
    std::erase_if(listing.files, [&](const std::filesystem::path& file) {
      const auto canonical = std::filesystem::weakly_canonical(file, ec);
      const auto rel = canonical.lexically_relative(excluded);
      return !rel.empty() && *rel.begin() != "..";
    });
  }
  Case result;
  result.dir = case_dir;
  result.intake_utc = NowIsoUtc();
  Progress progress("intake", listing.files.size());
  std::size_t index = 0;
  InspectFiles(listing.files, options, [&](PhotoMetadata&& photo) {
    const auto& path = listing.files[index++];
    EvidenceRecord record;
    record.path = std::filesystem::relative(path, case_dir, ec).string();
    if (ec || record.path.empty()) record.path = path.string();
    record.sha256 = photo.sha256;
    record.bytes = photo.bytes;
    record.intake_utc = NowIsoUtc();
    if (auto info = StatFile(path); info.ok()) {
      record.modified_utc = FormatIsoUtc(info->mtime_ns / 1000000000);
    }
    const bool not_an_image =
        photo.error && (photo.format == "unknown" || photo.format.empty()) && !photo.sha256.empty();
    record.kind = not_an_image ? "other" : "photo";
    if (photo.error && !not_an_image) {
      record.error = *photo.error;
      ++result.failed;
    }
    photo.file = record.path;
    result.evidence.push_back(record);
    if (!not_an_image) result.photos.push_back(std::move(photo));
    progress.Advance();
  });
  progress.Finish();
  return result;
}

}  // namespace gv
