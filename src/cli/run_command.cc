// geoverify run CASE_DIR -o OUT_DIR: the case pipeline (case/pipeline.h) and its outputs.
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "case/case.h"
#include "case/pipeline.h"
#include "cli/command.h"
#include "redact/batch.h"
#include "report/case_outputs.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/time.h"

namespace gv::cli {
namespace {

void PrintSteps() {
  std::cout << "Steps of geoverify run, in order (leave one out with --skip NAME):\n";
  for (const auto& step : MakeSteps())
    std::printf("  %-11s %s\n", step->name(), step->description());
}

nlohmann::ordered_json Summary(const Case& c, const std::string& case_dir,
                               const std::vector<std::filesystem::path>& written) {
  std::size_t clues = 0, findings = 0;
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
  for (const auto& p : c.photos) {
    clues += p.clues.size();
    findings += p.findings.size();
    for (const auto& e : p.errors)
      errors.push_back({{"file", p.path}, {"step", e.step}, {"error", e.message}});
    if (p.errors.empty() && p.metadata.error)
      errors.push_back({{"file", p.path}, {"step", "intake"}, {"error", *p.metadata.error}});
  }
  for (const auto& v : c.videos)
    if (!v.error.empty())
      errors.push_back({{"file", v.path}, {"step", "intake"}, {"error", v.error}});
  nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
  for (const auto& p : written) outputs.push_back(p.string());
  return {{"case_dir", case_dir},
          {"title", c.config.title},
          {"files", c.evidence.size()},
          {"photos", c.photos.size()},
          {"videos", c.videos.size()},
          {"failed", c.failed},
          {"clues", clues},
          {"findings", findings},
          {"place_groups", c.place_groups.size()},
          {"steps_run", c.steps_run},
          {"steps_skipped", c.steps_skipped},
          {"case_step_seconds", c.case_step_seconds},
          {"errors", errors},
          {"outputs", outputs}};
}

// run --share: redacted copies of every photo of the case, faces filled, listed in the
// manifest. A photo that cannot be copied counts as failed. False when the folder or the
// log cannot be written.
bool ShareCopies(Case& c, const std::string& share_dir) {
  auto detector = FaceDetector::Open();
  if (!detector.ok()) {
    std::cerr << "geoverify run: --share: " << detector.error().message << "\n";
    return false;
  }
  std::vector<RedactJob> jobs;
  // A photo the intake left out (its isolated first read failed) is not parsed again here.
  for (const auto& p : c.photos)
    jobs.push_back({p.absolute, {}, p.unreadable ? p.metadata.error.value_or("unreadable") : ""});
  RedactBatchOptions options;
  options.tool_version = std::string("geoverify ") + GEOVERIFY_VERSION;
  auto result = RedactToFolder(jobs, share_dir, detector->get(), options);
  if (!result.ok()) {
    std::cerr << "geoverify run: --share: " << result.error().message << "\n";
    return false;
  }
  for (std::size_t i = 0; i < result->entries.size() && i < c.photos.size(); ++i) {
    const auto& entry = result->entries[i];
    if (entry.contains("error")) {
      if (c.photos[i].errors.empty()) ++c.failed;
      c.photos[i].errors.push_back({"share", entry["error"].get<std::string>()});
      continue;
    }
    EvidenceRecord row;
    row.path = entry["copy"].get<std::string>();
    row.sha256 = entry["copy_sha256"].get<std::string>();
    row.kind = "redacted_copy";
    row.intake_utc = entry["utc"].get<std::string>();
    std::error_code ec;
    row.bytes = std::filesystem::file_size(row.path, ec);
    c.shared.push_back(row);
  }
  const auto log = std::filesystem::path(share_dir) / "redaction.json";
  if (auto hash = Sha256File(log); hash.ok()) {
    EvidenceRecord row;
    row.path = log.string();
    row.sha256 = *hash;
    row.kind = "redaction_log";
    std::error_code ec;
    row.bytes = std::filesystem::file_size(log, ec);
    row.intake_utc = NowIsoUtc();
    c.shared.push_back(row);
  }
  return true;
}

}  // namespace

int RunRun(int argc, char** argv) {
  CLI::App app{
      "Take in a case folder and run every step on every photo (run --steps lists them):\n"
      "metadata, forensics, time, GPS, the investigator's clues, shadows, same-scene links,\n"
      "reference matches and basemap registration. case.yaml at the folder's root says what\n"
      "the investigator knows (docs/case-yaml.md). Videos (MP4, MOV, 3GP, MKV, WebM) join as\n"
      "their scene-change keyframes (frames/). Writes case.gpkg, case.kml, report.html,\n"
      "manifest.csv, photos.json and photos/<sha256>/ into OUT_DIR.",
      "geoverify run"};
  std::string case_dir, out_dir;
  bool json = false, list_steps = false;
  std::vector<std::string> skip;
  PipelineOptions options;
  app.add_option("case_dir", case_dir, "folder with the case's evidence (read-only)")
      ->check(CLI::ExistingDirectory);
  app.add_option("-o,--output", out_dir,
                 "output folder (created; outputs replaced atomically on re-run)");
  // Photos go through the steps one at a time (forensics uses both cores inside a photo), so
  // that memory stays bounded: no --threads.
  AddInspectOptions(app, options.inspect, /*threads=*/false);
  double max_megapixels = static_cast<double>(options.decode.max_pixels) / 1e6;
  app.add_option("--max-megapixels", max_megapixels,
                 "photos with more pixels are refused before decoding (memory grows with them)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 2000.0));
  app.add_option("--skip", skip,
                 "leave out a step (repeatable, or comma-separated; names from --steps)")
      ->allow_extra_args(false)
      ->delimiter(',');
  AddDeadlineOption(app, options.preflight_deadline_s,
                    "reads a photo's metadata and decodes it (once, before the steps),");
  app.add_flag("--steps", list_steps, "list the steps in order and exit");
  app.add_flag("--json", json, "print a JSON summary instead of text");
  std::string share_dir;
  app.add_option("--share", share_dir,
                 "also write redacted copies of the case's photos (faces filled; no metadata) "
                 "and their log redaction.json into this folder (as geoverify redact)");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  if (list_steps) {
    PrintSteps();
    return kExitOk;
  }
  if (case_dir.empty() || out_dir.empty()) {
    std::cerr << "geoverify run: CASE_DIR and -o OUT_DIR are required (see --help)\n";
    return kExitUsage;
  }
  options.skip.insert(skip.begin(), skip.end());
  options.decode.max_pixels = static_cast<std::int64_t>(max_megapixels * 1e6);
  options.forensics.limits = options.decode;
  options.forensics.max_bytes = options.inspect.max_bytes;
  if (auto st = options.Check(); !st.ok()) {
    std::cerr << "geoverify run: " << st.error().message << "\n";
    return kExitUsage;
  }
  if (!share_dir.empty()) {
    std::error_code e1, e2;
    const auto share = std::filesystem::weakly_canonical(share_dir, e1);
    const auto evidence = std::filesystem::weakly_canonical(case_dir, e2);
    const auto rel = share.lexically_relative(evidence);
    if (!e1 && !e2 && !rel.empty() && *rel.begin() != "..") {
      std::cerr << "geoverify run: --share " << share_dir
                << " lies inside the case folder: the copies would become evidence\n";
      return kExitUsage;
    }
  }
  // Everything the investigator wrote is checked before any work is done.
  auto config = LoadCaseConfig(case_dir);
  if (!config.ok()) {
    std::cerr << "geoverify run: " << config.error().message << "\n";
    return kExitUsage;
  }
  AttachTimeZones(options.inspect);
  auto built = BuildCase(case_dir, options.inspect, out_dir, std::move(*config));
  if (!built.ok()) {
    std::cerr << "geoverify run: " << built.error().message << "\n";
    return kExitSomeFailed;
  }
  Case& c = *built;
  if (::isatty(STDERR_FILENO)) {
    options.on_step = [](std::size_t i, std::size_t n, const std::string& path,
                         const std::string& step) {
      std::cerr << "\r\033[K"
                << (i < n ? "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] "
                          : "[case] ")
                << path << ": " << step << std::flush;
    };
  }
  // Each photo's pictures and rasters are written as soon as its steps are done, and freed.
  options.on_photo_done = [&out_dir](PhotoRecord& photo) { WritePhotoFiles(photo, out_dir); };
  // Videos' keyframes become photos of the case, written here (listed in the manifest).
  options.frames_dir = std::filesystem::path(out_dir) / "frames";
  if (auto st = RunCasePipeline(c, options); !st.ok()) {
    std::cerr << "geoverify run: " << st.error().message << "\n";
    return kExitUsage;
  }
  if (::isatty(STDERR_FILENO)) std::cerr << "\r\033[K";
  if (!share_dir.empty() && !ShareCopies(c, share_dir)) return kExitSomeFailed;
  auto written = WriteCaseOutputs(c, out_dir);
  if (!written.ok()) {
    std::cerr << "geoverify run: " << written.error().message << "\n";
    return kExitSomeFailed;
  }
  // run.json: the summary, with the case folder as an absolute path, so that what reads the
  // output later (exercise make) finds the evidence.
  {
    std::error_code ec;
    const auto run_json = std::filesystem::path(out_dir) / "run.json";
    written->push_back(run_json);
    auto record = Summary(c, std::filesystem::weakly_canonical(case_dir, ec).string(), *written);
    record["tool_version"] = std::string("geoverify ") + GEOVERIFY_VERSION;
    if (auto st = WriteFileAtomic(
            run_json,
            record.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
        !st.ok()) {
      std::cerr << "geoverify run: " << st.error().message << "\n";
      return kExitSomeFailed;
    }
  }
  const auto summary = Summary(c, case_dir, *written);
  if (json) {
    std::cout << summary.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << "case " << case_dir << ": " << c.evidence.size() << " files, " << c.photos.size()
              << " photos, " << summary["clues"] << " clues, " << c.place_groups.size()
              << " place groups, " << c.failed << " with errors\n";
    for (const auto& p : *written) std::cout << "  wrote " << p.string() << "\n";
  }
  for (const auto& e : summary["errors"])
    std::cerr << "geoverify run: " << e["file"].get<std::string>() << ": "
              << e["step"].get<std::string>() << ": " << e["error"].get<std::string>() << "\n";
  return c.failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace gv::cli
