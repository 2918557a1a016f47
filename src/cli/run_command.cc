// geoverify run CASE_DIR -o OUT_DIR: the case pipeline (case/pipeline.h) and its outputs.
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "case/case.h"
#include "case/pipeline.h"
#include "case/shard.h"
#include "cli/command.h"
#include "redact/batch.h"
#include "report/case_outputs.h"
#include "util/data_dir.h"
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

// The options of run that change what a case's outputs say. A shard records them in canonical
// form (CanonicalArgs) and merge parses them back here, so that both halves of a sharded run
// use the same ones.
struct PipelineArgs {
  PipelineOptions options;
  double max_megapixels = static_cast<double>(DecodeLimits{}.max_pixels) / 1e6;
  std::vector<std::string> skip;
  std::string cascade = "off";
};

void AddPipelineOptions(CLI::App& app, PipelineArgs& a) {
  // Photos go through the steps one at a time (forensics uses both cores inside a photo), so
  // that memory stays bounded: no --threads.
  AddInspectOptions(app, a.options.inspect, /*threads=*/false);
  app.add_option("--max-megapixels", a.max_megapixels,
                 "photos with more pixels are refused before decoding (memory grows with them)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 2000.0));
  app.add_option("--skip", a.skip,
                 "leave out a step (repeatable, or comma-separated; names from --steps)")
      ->allow_extra_args(false)
      ->delimiter(',');
  app.add_option("--cascade", a.cascade,
                 "locate and same_scene: affine views when plain features show no same "
                 "scene (auto: seconds more a photo), never (off), or always")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "off", "always"}));
  AddDeadlineOption(app, a.options.preflight_deadline_s,
                    "reads a photo's metadata and decodes it (once, before the steps),");
}

// Error: a usage error (the message says which option).
Status ApplyPipelineArgs(PipelineArgs& a) {
  a.options.skip.insert(a.skip.begin(), a.skip.end());
  a.options.locate.cascade = a.cascade == "off"      ? CascadeMode::kOff
                             : a.cascade == "always" ? CascadeMode::kAlways
                                                     : CascadeMode::kAuto;
  a.options.decode.max_pixels = static_cast<std::int64_t>(a.max_megapixels * 1e6);
  a.options.forensics.limits = a.options.decode;
  a.options.forensics.max_bytes = a.options.inspect.max_bytes;
  return a.options.Check();
}

std::vector<std::string> CanonicalArgs(const PipelineArgs& a) {
  const auto number = [](double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", v);
    return std::string(text);
  };
  std::vector<std::string> args = {"--max-bytes=" + std::to_string(a.options.inspect.max_bytes),
                                   "--max-megapixels=" + number(a.max_megapixels),
                                   "--deadline=" + number(a.options.preflight_deadline_s),
                                   "--cascade=" + a.cascade};
  for (const auto& step : a.options.skip) args.push_back("--skip=" + step);  // sorted (a set)
  return args;
}

// What run and merge do once the case's steps are done: redacted copies (--share), every
// output, run.json, the summary. Returns the exit code.
int WriteRunOutputs(Case& c, const std::string& command, const std::string& case_dir,
                    const std::string& out_dir, const std::string& share_dir, bool json) {
  if (!share_dir.empty() && !ShareCopies(c, share_dir)) return kExitSomeFailed;
  auto written = WriteCaseOutputs(c, out_dir);
  if (!written.ok()) {
    std::cerr << "geoverify " << command << ": " << written.error().message << "\n";
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
      std::cerr << "geoverify " << command << ": " << st.error().message << "\n";
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
    std::cerr << "geoverify " << command << ": " << e["file"].get<std::string>() << ": "
              << e["step"].get<std::string>() << ": " << e["error"].get<std::string>() << "\n";
  return c.failed > 0 ? kExitSomeFailed : kExitOk;
}

// False (with the message) when --share points into the case folder: the copies would become
// evidence.
bool ShareOutsideCase(const std::string& share_dir, const std::string& case_dir,
                      const std::string& command) {
  if (share_dir.empty()) return true;
  std::error_code e1, e2;
  const auto share = std::filesystem::weakly_canonical(share_dir, e1);
  const auto evidence = std::filesystem::weakly_canonical(case_dir, e2);
  const auto rel = share.lexically_relative(evidence);
  if (e1 || e2 || rel.empty() || *rel.begin() == "..") return true;
  std::cerr << "geoverify " << command << ": --share " << share_dir
            << " lies inside the case folder: the copies would become evidence\n";
  return false;
}

// Each place group's posterior raster is written as soon as the group is fused, and its cells
// freed (a time zone's band alone held ~20 MB of them until the end). A failure here is
// retried, and reported, by WriteCaseOutputs.
void WritePosteriorsAsFused(PipelineOptions& options, const std::string& out_dir) {
  options.on_group_fused = [out_dir](const Case& c, GroupFusion& g) {
    (void)WriteGroupPosterior(c, g, out_dir);
  };
}

// Progress on a terminal: the photo and step being worked on.
void ShowProgress(PipelineOptions& options) {
  if (!::isatty(STDERR_FILENO)) return;
  options.on_step = [](std::size_t i, std::size_t n, const std::string& path,
                       const std::string& step) {
    std::cerr << "\r\033[K"
              << (i < n ? "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] " : "[case] ")
              << path << ": " << step << std::flush;
  };
}

}  // namespace

int RunRun(int argc, char** argv) {
  CLI::App app{
      "Take in a case folder and run every step on every photo (run --steps lists them):\n"
      "metadata, forensics, time, GPS, the investigator's clues, shadows, same-scene links,\n"
      "reference matches and basemap registration. case.yaml at the folder's root says what\n"
      "the investigator knows (docs/case-yaml.md). Videos (MP4, MOV, 3GP, MKV, WebM) join as\n"
      "their scene-change keyframes (frames/). Writes case.gpkg, case.kml, report.html,\n"
      "manifest.csv, photos.json and photos/<sha256>/ into OUT_DIR. With --shard K/N, only\n"
      "slice K of N (by a hash of each file's path) goes through the photos' steps, saved in\n"
      "OUT_DIR/shard.cbor for `geoverify merge` (docs/commands/merge.md).",
      "geoverify run"};
  std::string case_dir, out_dir, shard_text;
  bool json = false, list_steps = false;
  PipelineArgs pipeline;
  app.add_option("case_dir", case_dir, "folder with the case's evidence (read-only)")
      ->check(CLI::ExistingDirectory);
  app.add_option("-o,--output", out_dir,
                 "output folder (created; outputs replaced atomically on re-run)");
  AddPipelineOptions(app, pipeline);
  app.add_flag("--steps", list_steps, "list the steps in order and exit");
  app.add_flag("--json", json, "print a JSON summary instead of text");
  std::string share_dir;
  app.add_option("--share", share_dir,
                 "also write redacted copies of the case's photos (faces filled; no metadata) "
                 "and their log redaction.json into this folder (as geoverify redact)");
  app.add_option("--shard", shard_text,
                 "K/N: take in and work through slice K (0..N-1) of N only, and save it for "
                 "`geoverify merge` (no report: the merge writes it)");
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
  std::optional<CaseSlice> slice;
  if (!shard_text.empty()) {
    auto parsed = ParseCaseSlice(shard_text);
    if (!parsed.ok()) {
      std::cerr << "geoverify run: " << parsed.error().message << "\n";
      return kExitUsage;
    }
    slice = *parsed;
    if (!share_dir.empty()) {
      std::cerr << "geoverify run: --share goes to `geoverify merge`, not to a shard\n";
      return kExitUsage;
    }
  }
  if (auto st = ApplyPipelineArgs(pipeline); !st.ok()) {
    std::cerr << "geoverify run: " << st.error().message << "\n";
    return kExitUsage;
  }
  PipelineOptions& options = pipeline.options;
  if (!ShareOutsideCase(share_dir, case_dir, "run")) return kExitUsage;
  // The case by its absolute path, in the outputs too: they name the evidence wherever they
  // are read, and a shard's merge may run in another folder (a relative path would name
  // other files there, and make the merge's outputs differ from a single run's).
  {
    std::error_code ec;
    case_dir = std::filesystem::absolute(case_dir, ec).lexically_normal().string();
    if (case_dir.size() > 1 && case_dir.back() == '/') case_dir.pop_back();
  }
  // Everything the investigator wrote is checked before any work is done.
  auto config = LoadCaseConfig(case_dir);
  if (!config.ok()) {
    std::cerr << "geoverify run: " << config.error().message << "\n";
    return kExitUsage;
  }
  AttachTimeZones(options.inspect);
  auto built =
      BuildCase(case_dir, options.inspect, out_dir, std::move(*config), slice ? &*slice : nullptr);
  if (!built.ok()) {
    std::cerr << "geoverify run: " << built.error().message << "\n";
    return kExitSomeFailed;
  }
  Case& c = *built;
  ShowProgress(options);
  // Each photo's pictures and rasters are written as soon as its steps are done, and freed;
  // the report's pictures wait in a scratch file in the output folder until the report is
  // written (in memory should it not be made).
  std::shared_ptr<ScratchFile> report_pictures;
  options.on_photo_done = [&out_dir, &report_pictures](PhotoRecord& photo) {
    if (!report_pictures) {
      std::error_code ec;
      std::filesystem::create_directories(out_dir, ec);
      if (auto made = ScratchFile::Create(out_dir, "report pictures"); made.ok())
        report_pictures = std::move(*made);
    }
    WritePhotoFiles(photo, out_dir, report_pictures);
  };
  // Videos' keyframes become photos of the case, written here (listed in the manifest).
  options.frames_dir = std::filesystem::path(out_dir) / "frames";
  options.scratch_dir = out_dir;
  if (auto st = RunPhotoSteps(c, options); !st.ok()) {
    std::cerr << "geoverify run: " << st.error().message << "\n";
    return kExitUsage;
  }
  if (slice) {
    if (::isatty(STDERR_FILENO)) std::cerr << "\r\033[K";
    ShardHeader header;
    header.slice = *slice;
    header.tool_version = std::string("geoverify ") + GEOVERIFY_VERSION;
    header.case_dir = case_dir;
    if (auto hash = Sha256File(std::filesystem::path(case_dir) / "case.yaml"); hash.ok())
      header.case_yaml_sha256 = *hash;
    header.data_dir = DataDir().string();
    header.frames_dir = options.frames_dir;
    header.run_args = CanonicalArgs(pipeline);
    // A slice may hold no photo (a small case in many shards): nothing made the folder yet.
    std::error_code made;
    std::filesystem::create_directories(out_dir, made);
    if (made) {
      std::cerr << "geoverify run: " << out_dir << ": cannot create: " << made.message() << "\n";
      return kExitSomeFailed;
    }
    const auto file = std::filesystem::path(out_dir) / "shard.cbor";
    if (auto st = WriteShardFile(file, header, c); !st.ok()) {
      std::cerr << "geoverify run: " << st.error().message << "\n";
      return kExitSomeFailed;
    }
    std::size_t failed = 0;
    for (const auto& p : c.photos) failed += (p.unreadable || !p.errors.empty()) ? 1 : 0;
    for (const auto& v : c.videos) failed += v.error.empty() ? 0 : 1;
    const nlohmann::ordered_json summary = {
        {"case_dir", case_dir},       {"shard", slice->index},      {"shards", slice->count},
        {"files", c.evidence.size()}, {"photos", c.photos.size()},  {"videos", c.videos.size()},
        {"failed", failed},           {"shard_file", file.string()}};
    if (json)
      std::cout << summary.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                << "\n";
    else
      std::cout << "case " << case_dir << ", shard " << slice->index << "/" << slice->count << ": "
                << c.evidence.size() << " files, " << c.photos.size() << " photos, " << failed
                << " with errors\n  wrote " << file.string() << "\n";
    return failed > 0 ? kExitSomeFailed : kExitOk;
  }
  WritePosteriorsAsFused(options, out_dir);
  if (auto st = FinishCase(c, options); !st.ok()) {
    std::cerr << "geoverify run: " << st.error().message << "\n";
    return kExitUsage;
  }
  if (::isatty(STDERR_FILENO)) std::cerr << "\r\033[K";
  return WriteRunOutputs(c, "run", case_dir, out_dir, share_dir, json);
}

namespace {

// Copies a shard's photos/ and frames/ folders into the merge's output (each file through a
// temporary name, then renamed).
Status CopyShardFiles(const std::filesystem::path& shard_dir, const std::filesystem::path& out) {
  namespace fs = std::filesystem;
  for (const char* folder : {"photos", "frames"}) {
    std::error_code ec;
    if (!fs::is_directory(shard_dir / folder, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(shard_dir / folder, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const auto target = out / it->path().lexically_relative(shard_dir);
      fs::create_directories(target.parent_path(), ec);
      const auto temp = target.string() + ".part";
      if (ec || !fs::copy_file(it->path(), temp, fs::copy_options::overwrite_existing, ec) ||
          (fs::rename(temp, target, ec), ec))
        return MakeError(target.string() + ": cannot copy from the shard: " + ec.message());
    }
    if (ec) return MakeError((shard_dir / folder).string() + ": " + ec.message());
  }
  return OkStatus();
}

}  // namespace

int RunMerge(int argc, char** argv) {
  CLI::App app{
      "Merge the outputs of `geoverify run --shard K/N` (every K of one N) into one case\n"
      "output, equal to a single run's: the photos' records are joined in the single run's\n"
      "order, then the case-wide work (same-scene links, place groups, fusion) runs once, and\n"
      "every output is written. The case folder must be readable here (case.yaml is read\n"
      "again and must not have changed).",
      "geoverify merge"};
  std::vector<std::string> shard_dirs;
  std::string out_dir, share_dir;
  bool json = false;
  app.add_option("shard_dirs", shard_dirs, "output folders of the shards (each with shard.cbor)")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("-o,--output", out_dir, "output folder of the merged case")->required();
  app.add_flag("--json", json, "print a JSON summary instead of text");
  app.add_option("--share", share_dir,
                 "also write redacted copies of the case's photos into this folder (as run "
                 "--share)");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  std::vector<Shard> shards;
  for (const auto& dir : shard_dirs) {
    auto shard = ReadShardFile(std::filesystem::path(dir) / "shard.cbor");
    if (!shard.ok()) {
      std::cerr << "geoverify merge: " << shard.error().message << "\n";
      return kExitSomeFailed;
    }
    shards.push_back(std::move(*shard));
  }
  const ShardHeader header = shards.front().header;
  auto joined = JoinShards(shards, std::filesystem::path(out_dir) / "frames");
  if (!joined.ok()) {
    std::cerr << "geoverify merge: " << joined.error().message << "\n";
    return kExitUsage;
  }
  Case& c = *joined;
  // The shards' options, parsed as run parses its own.
  PipelineArgs pipeline;
  {
    CLI::App parser;
    AddPipelineOptions(parser, pipeline);
    std::vector<std::string> args(header.run_args.rbegin(), header.run_args.rend());
    try {
      parser.parse(args);
    } catch (const CLI::ParseError& e) {
      std::cerr << "geoverify merge: the shards' options cannot be read: " << e.what() << "\n";
      return kExitUsage;
    }
    if (auto st = ApplyPipelineArgs(pipeline); !st.ok()) {
      std::cerr << "geoverify merge: the shards' options: " << st.error().message << "\n";
      return kExitUsage;
    }
  }
  // The shards' data folder (gazetteer, known sites, borders the fusion and report read),
  // unless --data-dir names another copy of it here.
  if (DataDir().string() != header.data_dir && app.count("--data-dir") == 0) {
    std::error_code ec;
    if (!std::filesystem::is_directory(header.data_dir, ec)) {
      std::cerr << "geoverify merge: the shards read geoverify's data from " << header.data_dir
                << ", which is not here: give the same data with --data-dir\n";
      return kExitUsage;
    }
    SetDataDir(header.data_dir);
  }
  const std::string case_dir = header.case_dir.string();
  if (!ShareOutsideCase(share_dir, case_dir, "merge")) return kExitUsage;
  std::string yaml_sha256;
  if (auto hash = Sha256File(header.case_dir / "case.yaml"); hash.ok()) yaml_sha256 = *hash;
  if (yaml_sha256 != header.case_yaml_sha256) {
    std::cerr << "geoverify merge: " << case_dir
              << "/case.yaml changed since the shards ran (or cannot be read here)\n";
    return kExitUsage;
  }
  auto config = LoadCaseConfig(case_dir);
  if (!config.ok()) {
    std::cerr << "geoverify merge: " << config.error().message << "\n";
    return kExitUsage;
  }
  c.config = std::move(*config);
  PipelineOptions& options = pipeline.options;
  AttachTimeZones(options.inspect);
  ShowProgress(options);
  for (std::size_t i = 0; i < shards.size(); ++i)
    if (auto st = CopyShardFiles(shard_dirs[i], out_dir); !st.ok()) {
      std::cerr << "geoverify merge: " << st.error().message << "\n";
      return kExitSomeFailed;
    }
  WritePosteriorsAsFused(options, out_dir);
  if (auto st = FinishCase(c, options); !st.ok()) {
    std::cerr << "geoverify merge: " << st.error().message << "\n";
    return kExitUsage;
  }
  if (::isatty(STDERR_FILENO)) std::cerr << "\r\033[K";
  return WriteRunOutputs(c, "merge", case_dir, out_dir, share_dir, json);
}

}  // namespace gv::cli
