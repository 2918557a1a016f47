// geoverify forensics PHOTO|DIR... [-o DIR] [--json] [-r] [--ela-quality Q]
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "forensics/analysis.h"
#include "metadata/exiv2_reader.h"
#include "report/forensics_pictures.h"
#include "util/file.h"
#include "util/progress.h"

namespace gv::cli {
namespace {

void PrintText(const nlohmann::ordered_json& j) {
  std::cout << j["file"].get<std::string>() << ": ";
  if (!j["error"].is_null()) {
    std::cout << "error: " << j["error"].get<std::string>() << "\n";
    return;
  }
  if (!j["jpeg"].is_null() && !j["jpeg"]["quality_estimate"].is_null()) {
    std::cout << "JPEG quality ~" << j["jpeg"]["quality_estimate"].get<int>()
              << (j["jpeg"]["standard_tables"].get<bool>() ? " (standard tables), " : ", ");
    const auto& dc = j["jpeg"]["double_compression"];
    if (!dc.is_null())
      std::cout << (dc["detected"].get<bool>() ? "saved twice, " : "no second save found, ");
  }
  if (!j["copy_move"].is_null())
    std::printf("copy-move %.2f, ", j["copy_move"]["score"].get<double>());
  if (j.contains("ela")) std::printf("ELA unevenness %.2f, ", j["ela"]["unevenness"].get<double>());
  if (j.contains("noise"))
    std::printf("noise inconsistency %.2f, ", j["noise"]["inconsistency"].get<double>());
  std::fflush(stdout);
  std::cout << "pHash " << j["hashes"]["phash"].get<std::string>();
  for (const auto& f : j["findings"])
    std::cout << "\n  " << f["code"].get<std::string>() << ": " << f["message"].get<std::string>();
  std::cout << "\n";
}

}  // namespace

int RunForensics(int argc, char** argv) {
  CLI::App app{
      "Image forensics, offline and in batch: JPEG structure and tables, double compression\n"
      "(DCT histograms, JPEG ghost), copy-move (keypoints, block correlation), error level\n"
      "analysis, noise residual, EXIF thumbnail against the image, perceptual hashes.",
      "geoverify forensics"};
  std::vector<std::string> inputs;
  std::string out;
  bool json = false, recursive = false, duplicates = false;
  ForensicsOptions options;
  app.add_option("inputs", inputs, "photos or folders")->required();
  app.add_option("-o,--output", out,
                 "folder for the pictures of the evidence (ELA, noise, thumbnail, copy-move mask)");
  app.add_option("--ela-quality", options.ela.quality, "JPEG quality of the ELA re-save")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  double max_megapixels = static_cast<double>(options.limits.max_pixels) / 1e6;
  app.add_option("--max-megapixels", max_megapixels,
                 "photos with more pixels are refused before decoding (memory grows with them)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 2000.0));
  app.add_option("--max-bytes", options.max_bytes, "files larger than this are refused")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  app.add_flag("-r,--recursive", recursive, "descend into folders");
  double deadline_s = 60;
  AddDeadlineOption(app, deadline_s, "decodes and analyses a photo");
  app.add_flag("--duplicates", duplicates,
               "only group near-duplicates (pHash within 10 bits) across the inputs");
  app.add_flag("--json", json,
               "print one JSON array, one object per photo (keys in docs/commands/forensics.md)");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  options.limits.max_pixels = static_cast<std::int64_t>(max_megapixels * 1e6);
  if (!out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec) {
      std::cerr << "geoverify forensics: " << out << ": " << ec.message() << "\n";
      return kExitSomeFailed;
    }
  }
  InitializeMetadataLibrary();
  const FileListing listing =
      ListInputFiles(std::vector<std::filesystem::path>(inputs.begin(), inputs.end()), recursive);
  bool failed = !listing.errors.empty();
  for (const auto& [path, reason] : listing.errors)
    std::cerr << "geoverify forensics: " << path.string() << ": " << reason << "\n";
  if (duplicates) {
    const auto groups =
        FindNearDuplicates(listing.files, options.max_bytes, kNearDuplicateBits, options.limits);
    if (json) {
      std::cout << groups.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                << "\n";
    } else {
      int n = 0;
      for (const auto& g : groups["groups"]) {
        std::cout << "group " << ++n << ":\n";
        for (const auto& m : g)
          std::cout << "  " << m["file"].get<std::string>() << " (pHash distance "
                    << m["distance"].get<int>() << ")\n";
      }
      if (n == 0)
        std::cout << "no near-duplicates among " << groups["files"].get<std::size_t>()
                  << " photos\n";
    }
    for (const auto& e : groups["errors"])
      std::cerr << "geoverify forensics: " << e["file"].get<std::string>() << ": "
                << e["error"].get<std::string>() << "\n";
    return failed || !groups["errors"].empty() ? kExitSomeFailed : kExitOk;
  }
  Progress progress("forensics", listing.files.size());
  if (json) std::cout << "[";
  bool first = true;
  // One photo at a time in a supervised worker (the analyses use both cores): a photo that
  // crashes or hangs a decoder or an analysis is left out with PARSER_CRASHED/TIMEOUT.
  ForEachFileIsolated(
      listing.files, deadline_s, 1, 2.0, "forensics",
      [&](const std::filesystem::path& file) {
        const ForensicsReport report = AnalyzeFile(file, options);
        nlohmann::ordered_json j = ToJson(report);
        if (!out.empty()) WriteForensicsPictures(report, file, out, j);
        return j;
      },
      [&](const std::filesystem::path&, nlohmann::ordered_json&& j) {
        progress.Advance();
        failed |= !j["error"].is_null();
        if (json)
          std::cout << (first ? "\n" : ",\n")
                    << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        else
          PrintText(j);
        first = false;
      });
  progress.Finish();
  if (json) std::cout << "\n]\n";
  return failed ? kExitSomeFailed : kExitOk;
}

}  // namespace gv::cli
