// The command table of the geoverify binary and what every command shares.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "case/inspect.h"

namespace gv::cli {

// Exit codes: every input processed, some inputs failed, usage error.
constexpr int kExitOk = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitUsage = 2;

// Parses argv with CLI11. Returns -1 when the command should run, otherwise the exit code
// (0 after --help, kExitUsage after a usage error, with the message on stderr).
int Parse(CLI::App& app, int argc, char** argv);

// Adds the options every command takes (--data-dir).
void AddCommonOptions(CLI::App& app);

// Adds --threads (unless `threads` is false) and --max-bytes, the options of the inspection
// pipeline.
void AddInspectOptions(CLI::App& app, InspectOptions& options, bool threads = true);

// Adds --deadline: the seconds (wall clock, and CPU time) a file may take in its isolated
// worker process before it is left out with PARSER_TIMEOUT; 0 turns the isolation off.
// `what` says what the worker does with the file.
void AddDeadlineOption(CLI::App& app, double& seconds, const std::string& what);

// Points options.zones at the time-zone boundaries, or warns on stderr that the time zone
// at a GPS position is unavailable.
void AttachTimeZones(InspectOptions& options);

// A failed input: the message on stderr and, with --json, `entry` with "error" set on stdout
// (every command's --json prints its JSON even when an input fails). Returns
// kExitSomeFailed.
int FailInput(const std::string& command, bool json, nlohmann::ordered_json entry,
              const std::string& message);

// Runs `work` on each file in a supervised worker process (util/supervised.h) and hands
// `sink` each file's JSON entry, in order. `workers` processes (the work may use the cores
// itself: 1), a wall-clock deadline per file and a CPU-time limit of `cpu_per_deadline` times
// it (for work on several threads). A file that crashes or hangs its worker gets the entry
// {file, sha256 (taken here by streaming), error, findings: [PARSER_CRASHED|PARSER_TIMEOUT]}
// and the batch goes on. deadline_s 0: the work runs in this process.
void ForEachFileIsolated(
    const std::vector<std::filesystem::path>& files, double deadline_s, int workers,
    double cpu_per_deadline, const std::string& step,
    const std::function<nlohmann::ordered_json(const std::filesystem::path&)>& work,
    const std::function<void(const std::filesystem::path&, nlohmann::ordered_json&&)>& sink);

int RunInspect(int argc, char** argv);
int RunRun(int argc, char** argv);
int RunMerge(int argc, char** argv);
int RunSun(int argc, char** argv);
int RunShadow(int argc, char** argv);
int RunMatch(int argc, char** argv);
int RunRefs(int argc, char** argv);
int RunLocate(int argc, char** argv);
int RunGeoref(int argc, char** argv);
int RunForensics(int argc, char** argv);
int RunText(int argc, char** argv);
int RunRedact(int argc, char** argv);
int RunExercise(int argc, char** argv);
int RunStore(int argc, char** argv);

}  // namespace gv::cli
