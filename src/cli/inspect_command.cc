// geoverify inspect FILE|DIR... [--json] [-r]
#include <atomic>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "case/inspect.h"
#include "cli/command.h"
#include "metadata/metadata_json.h"
#include "util/file.h"
#include "util/progress.h"

namespace gv::cli {
namespace {

std::string SummaryText(const PhotoMetadata& p) {
  std::ostringstream out;
  out << p.file << "\n  sha256     " << p.sha256 << "\n  format     " << p.format << " " << p.width
      << "x" << p.height << ", " << p.bytes << " bytes\n";
  if (p.error) out << "  ERROR      " << *p.error << "\n";
  if (p.video && !p.video->has_video) {
    char line[80];
    std::snprintf(line, sizeof line, "%.1f s of sound, no pictures", p.video->duration_s);
    out << "  audio      " << p.video->codec << ", " << line << "\n";
  } else if (p.video) {
    char line[160];
    std::snprintf(line, sizeof line, "%.1f s, %.3g fps, rotation %d, %s", p.video->duration_s,
                  p.video->fps, p.video->rotation_deg, p.video->has_audio ? "sound" : "no sound");
    out << "  video      " << p.video->codec << ", " << line;
    if (p.video->frames_extracted >= 0)
      out << ", " << p.video->frames_extracted << " scene keyframes";
    out << "\n";
  }
  if (!p.make.empty() || !p.model.empty())
    out << "  camera     " << p.make << " " << p.model << "\n";
  if (!p.software.empty()) out << "  software   " << p.software << "\n";
  if (p.datetime_original)
    out << "  taken      " << FormatIsoLocal(*p.datetime_original) << " (camera clock)\n";
  if (p.taken_at_utc) {
    out << "  taken UTC  " << FormatIsoUtc(*p.taken_at_utc) << " (from " << p.taken_at_utc_source
        << (p.time_zone.empty() ? "" : ", " + p.time_zone) << ")\n";
  }
  if (p.gps && p.gps->position_valid) {
    out << "  gps        " << std::fixed << std::setprecision(6) << p.gps->lat_deg << ", "
        << p.gps->lon_deg;
    if (p.gps->alt_m) out << ", " << std::setprecision(1) << *p.gps->alt_m << " m";
    out << std::defaultfloat << "\n";
  }
  for (const auto& f : p.findings)
    out << "  " << std::left << std::setw(10) << SeverityName(f.severity) << " " << f.code << ": "
        << f.message << "\n";
  out << "\n";
  return out.str();
}

}  // namespace

int RunInspect(int argc, char** argv) {
  CLI::App app{
      "Read the metadata of photos (EXIF, IPTC, XMP, GPS, capture time) and run the metadata "
      "checks.\nVideos (MP4, MOV, 3GP, MKV, WebM): their container's time, position, camera, "
      "codec, duration, rotation and scene keyframes.\n"
      "Files are opened read-only; each is identified by its SHA-256.",
      "geoverify inspect"};
  std::vector<std::string> inputs;
  bool json = false, recursive = false, no_tags = false;
  InspectOptions options;
  app.add_option("inputs", inputs, "image files or folders")->required();
  app.add_flag("--json", json,
               "print one JSON array, one object per file (keys in docs/commands/inspect.md)");
  app.add_flag("-r,--recursive", recursive, "descend into sub-folders");
  app.add_flag("--no-tags", no_tags, "leave out the `tags` object (all raw EXIF/IPTC/XMP tags)");
  AddInspectOptions(app, options);
  IsolationOptions isolation;
  AddDeadlineOption(app, isolation.deadline_s, "reads it,");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  isolation.cpu_limit_s = isolation.deadline_s;

  AttachTimeZones(options);

  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  FileListing listing = ListInputFiles(paths, recursive);
  std::atomic<bool> failed{!listing.errors.empty()};
  bool first = true;
  const auto render = [&](PhotoMetadata&& p) -> std::string {
    if (p.error) failed = true;
    if (!json) return SummaryText(p);
    return ToJson(p, !no_tags)
        .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  };
  const auto emit = [&](std::string&& text) {
    if (json) std::cout << (first ? "[\n" : ",\n");
    std::cout << text;
    first = false;
  };
  for (const auto& [path, reason] : listing.errors) {
    PhotoMetadata missing;
    missing.file = path.string();
    missing.error = reason;
    emit(render(std::move(missing)));
  }
  Progress progress("inspect", listing.files.size());
  const auto done = [&](std::string&& text, bool error) {
    if (error) failed = true;
    emit(std::move(text));
    progress.Advance();
  };
  if (isolation.deadline_s > 0) {
    InspectFilesIsolated(listing.files, options, isolation, render, done);
  } else {
    InspectFilesRendered(listing.files, options, render,
                         [&](std::string&& text) { done(std::move(text), false); });
  }
  progress.Finish();
  if (json) std::cout << (first ? "[]\n" : "\n]\n");
  std::cout.flush();
  const int exit_code = failed ? kExitSomeFailed : kExitOk;
  return exit_code;
}

}  // namespace gv::cli
