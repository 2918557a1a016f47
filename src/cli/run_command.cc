// geoverify run CASE_DIR -o OUT_DIR
#include <iostream>
#include <nlohmann/json.hpp>

#include "case/case.h"
#include "cli/command.h"
#include "report/case_outputs.h"

namespace gv::cli {

int RunRun(int argc, char** argv) {
  CLI::App app{
      "Take in a case folder: hash every file into a manifest, inspect every photo, and write\n"
      "case.gpkg, case.kml, report.html, manifest.csv and photos.json into OUT_DIR.",
      "geoverify run"};
  std::string case_dir, out_dir;
  bool json = false;
  InspectOptions options;
  app.add_option("case_dir", case_dir, "folder with the case's evidence (read-only)")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("-o,--output", out_dir,
                 "output folder (created; outputs replaced atomically on re-run)")
      ->required();
  AddInspectOptions(app, options);
  app.add_flag("--json", json, "print a JSON summary instead of text");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;

  AttachTimeZones(options);

  auto built = BuildCase(case_dir, options, out_dir);  // outputs inside the case are not evidence
  if (!built.ok()) {
    std::cerr << "geoverify run: " << built.error().message << "\n";
    return kExitSomeFailed;
  }
  const Case& c = *built;
  auto written = WriteCaseOutputs(c, out_dir);
  if (!written.ok()) {
    std::cerr << "geoverify run: " << written.error().message << "\n";
    return kExitSomeFailed;
  }
  if (json) {
    nlohmann::ordered_json summary{{"case_dir", case_dir},
                                   {"files", c.evidence.size()},
                                   {"photos", c.photos.size()},
                                   {"failed", c.failed},
                                   {"outputs", nlohmann::ordered_json::array()}};
    for (const auto& p : *written) summary["outputs"].push_back(p.string());
    std::cout << summary.dump(2) << "\n";
  } else {
    std::cout << "case " << case_dir << ": " << c.evidence.size() << " files, " << c.photos.size()
              << " photos, " << c.failed << " failed\n";
    for (const auto& p : *written) std::cout << "  wrote " << p.string() << "\n";
  }
  for (const auto& e : c.evidence) {
    if (!e.error.empty()) std::cerr << "geoverify run: " << e.path << ": " << e.error << "\n";
  }
  return c.failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace gv::cli
