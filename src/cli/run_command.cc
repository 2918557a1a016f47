// geoverify run CASE_DIR -o OUT_DIR: the case pipeline (case/pipeline.h) and its outputs.
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "case/case.h"
#include "case/pipeline.h"
#include "cli/command.h"
#include "report/case_outputs.h"

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
  nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
  for (const auto& p : written) outputs.push_back(p.string());
  return {{"case_dir", case_dir},
          {"title", c.config.title},
          {"files", c.evidence.size()},
          {"photos", c.photos.size()},
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

}  // namespace

int RunRun(int argc, char** argv) {
  CLI::App app{
      "Take in a case folder and run every step on every photo (run --steps lists them):\n"
      "metadata, forensics, time, GPS, the investigator's clues, shadows, same-scene links,\n"
      "reference matches and basemap registration. case.yaml at the folder's root says what\n"
      "the investigator knows (docs/case-yaml.md). Writes case.gpkg, case.kml, report.html,\n"
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
  app.add_flag("--steps", list_steps, "list the steps in order and exit");
  app.add_flag("--json", json, "print a JSON summary instead of text");
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
  if (auto st = RunCasePipeline(c, options); !st.ok()) {
    std::cerr << "geoverify run: " << st.error().message << "\n";
    return kExitUsage;
  }
  if (::isatty(STDERR_FILENO)) std::cerr << "\r\033[K";
  auto written = WriteCaseOutputs(c, out_dir);
  if (!written.ok()) {
    std::cerr << "geoverify run: " << written.error().message << "\n";
    return kExitSomeFailed;
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
