#include <iostream>

#include "cli/command.h"
#include "metadata/metadata_json.h"
#include "util/data_dir.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/supervised.h"

namespace gv::cli {

int Parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return -1;
}

void AddCommonOptions(CLI::App& app) {
  app.add_option_function<std::string>(
         "--data-dir", [](const std::string& dir) { gv::SetDataDir(dir); },
         "folder with geoverify's data (default: GEOVERIFY_DATA or the build's data/)")
      ->check(CLI::ExistingDirectory);
}

void AddDeadlineOption(CLI::App& app, double& seconds, const std::string& what) {
  app.add_option(
         "--deadline", seconds,
         "seconds a file may take (wall clock; also its CPU time) while its worker process " +
             what + " before the worker is killed and the file left out with PARSER_TIMEOUT; " +
             "0: no worker process")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
}

void AddInspectOptions(CLI::App& app, InspectOptions& options, bool threads) {
  if (threads)
    app.add_option("-j,--threads", options.threads, "worker threads (0: one per core)")
        ->capture_default_str()
        ->check(CLI::Range(0, 256));
  app.add_option("--max-bytes", options.max_bytes,
                 "files larger than this are hashed but not parsed")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
}

int FailInput(const std::string& command, bool json, nlohmann::ordered_json entry,
              const std::string& message) {
  std::cerr << "geoverify " << command << ": " << message << "\n";
  if (json) {
    entry["error"] = message;
    std::cout << entry.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  }
  return kExitSomeFailed;
}

void AttachTimeZones(InspectOptions& options) {
  const auto zones = TimeZoneIndex::Default();
  if (zones.ok()) {
    options.zones = zones->get();
  } else {
    std::cerr << "geoverify: warning: " << zones.error().message
              << "; time zone at GPS position unavailable\n";
  }
}

void ForEachFileIsolated(
    const std::vector<std::filesystem::path>& files, double deadline_s, int workers,
    double cpu_per_deadline, const std::string& step,
    const std::function<nlohmann::ordered_json(const std::filesystem::path&)>& work,
    const std::function<void(const std::filesystem::path&, nlohmann::ordered_json&&)>& sink) {
  using Json = nlohmann::ordered_json;
  if (deadline_s <= 0) {
    for (const auto& f : files) sink(f, work(f));
    return;
  }
  SupervisorOptions supervisor;
  supervisor.workers = workers;
  supervisor.deadline_s = deadline_s;
  supervisor.cpu_limit_s = deadline_s * cpu_per_deadline;
  supervisor.memory_bytes = 4ull << 30;
  SupervisedMap(
      files.size(),
      [&](std::size_t i) {
        MaybeInjectFault(files[i]);
        return work(files[i]).dump(-1, ' ', false, Json::error_handler_t::replace);
      },
      supervisor,
      [&](std::size_t i, ItemResult&& r) {
        if (r.failure == ItemFailure::kNone) {
          Json entry = Json::parse(r.payload, nullptr, false);
          if (!entry.is_discarded()) {
            sink(files[i], std::move(entry));
            return;
          }
        }
        Json entry{{"file", files[i].string()}, {"sha256", nullptr}};
        if (const auto info = StatFile(files[i]); info.ok() && info->regular)
          if (auto hash = Sha256File(files[i]); hash.ok()) entry["sha256"] = *hash;
        if (r.failure == ItemFailure::kNone) {
          entry["error"] = "the worker's answer could not be read";
        } else {
          entry["error"] = FailureText(r) + "; the file was left out and the batch went on";
          entry["findings"] = Json::array({ToJson(FailureFinding(r, step))});
        }
        sink(files[i], std::move(entry));
      });
}

}  // namespace gv::cli
