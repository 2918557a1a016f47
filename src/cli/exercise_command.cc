// geoverify exercise make SOURCE -o PACK_DIR --key KEY_FILE [--title T] [--hints FILE]
//   [--scale-km S] [--full-marks-m R] [--from-gps]
// geoverify exercise grade PACK_DIR --key KEY_FILE ANSWERS... [-o DIR] [--json]
// geoverify exercise sample -o DIR
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "exercise/grade.h"
#include "exercise/pack.h"
#include "util/data_dir.h"
#include "util/file.h"
#include "util/progress.h"

namespace gv::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

Json MakeJson(const ExerciseMakeOptions& o, const ExerciseMakeResult& r) {
  Json skipped = Json::array(), failed = Json::array(), written = Json::array();
  for (const auto& [photo, why] : r.skipped) skipped.push_back({{"photo", photo}, {"reason", why}});
  for (const auto& [photo, why] : r.failed) failed.push_back({{"photo", photo}, {"error", why}});
  for (const auto& p : r.written) written.push_back(p.string());
  return {{"pack", o.pack_dir.string()}, {"key", o.key_file.string()}, {"pack_id", r.pack_id},
          {"questions", r.questions},    {"skipped", skipped},         {"errors", failed},
          {"outputs", written}};
}

int Make(ExerciseMakeOptions& o, const std::string& faces, bool json, const char* command) {
  std::unique_ptr<FaceDetector> detector;
  o.redact.faces = faces == "off" ? FaceMode::kOff : FaceMode::kFill;
  if (o.redact.faces != FaceMode::kOff) {
    auto d = FaceDetector::Open();
    if (!d.ok()) {
      std::cerr << "geoverify " << command << ": " << d.error().message << "\n";
      return kExitSomeFailed;
    }
    detector = std::move(*d);
  }
  o.faces = detector.get();
  o.tool_version = std::string("geoverify ") + GEOVERIFY_VERSION;
  std::unique_ptr<Progress> progress;
  o.on_photo = [&progress](const std::string&, std::size_t done, std::size_t total) {
    if (!progress) progress = std::make_unique<Progress>("exercise make", total);
    if (done > 0) progress->Advance();
  };
  auto result = MakeExercisePack(o);
  if (progress) progress->Finish();
  if (!result.ok()) {
    std::cerr << "geoverify " << command << ": " << result.error().message << "\n";
    if (json) std::cout << Json{{"error", result.error().message}}.dump(2) << "\n";
    return kExitUsage;
  }
  for (const auto& [photo, why] : result->failed)
    std::cerr << "geoverify " << command << ": " << photo << ": " << why << "\n";
  if (json) {
    std::cout << MakeJson(o, *result).dump(2) << "\n";
  } else {
    std::cout << "pack " << result->pack_id << ": " << result->questions.size()
              << " question(s) in " << o.pack_dir.string() << " (open index.html); key in "
              << o.key_file.string() << " (keep it apart from the pack)\n";
    for (const auto& [photo, why] : result->skipped)
      std::cout << "  left out " << photo << ": " << why << "\n";
  }
  return result->failed.empty() ? kExitOk : kExitSomeFailed;
}

int Grade(const std::string& pack_dir, const std::string& key_file,
          const std::vector<std::string>& answers, const std::string& out_dir, bool json) {
  auto key = LoadExerciseKey(pack_dir, key_file);
  if (!key.ok()) {
    std::cerr << "geoverify exercise grade: " << key.error().message << "\n";
    if (json) std::cout << Json{{"error", key.error().message}}.dump(2) << "\n";
    return kExitUsage;
  }
  const FileListing listing =
      ListInputFiles(std::vector<fs::path>(answers.begin(), answers.end()), false);
  auto result = GradeExercise(*key, pack_dir, listing.files, out_dir);
  for (const auto& [path, reason] : listing.errors) result.errors.emplace_back(path, reason);
  for (const auto& [file, error] : result.errors)
    std::cerr << "geoverify exercise grade: " << file.string() << ": " << error << "\n";
  if (json) {
    std::cout << GradeJson(*key, result).dump(2) << "\n";
  } else {
    std::cout << key->title << " (" << key->questions.size() << " questions)\n";
    for (const auto& t : result.trainees)
      std::cout << "  " << t.rank << ". " << t.trainee << ": " << t.total << "\n";
    if (!result.written.empty()) std::cout << "leaderboard: " << out_dir << "/leaderboard.html\n";
  }
  return result.errors.empty() ? kExitOk : kExitSomeFailed;
}

// Two trainees' answers for the demonstration pack: one close, one far, from the key.
Status WriteDemoAnswers(const fs::path& key_file, const fs::path& dir) {
  std::vector<std::uint8_t> bytes;
  if (Status s = ReadFileBounded(key_file, 16u << 20, bytes); !s.ok()) return s;
  const auto key = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!key.is_object() || !key["questions"].is_array()) return MakeError("unreadable key");
  std::error_code ec;
  fs::create_directories(dir, ec);
  const struct {
    const char* name;
    double dlat, dlon;
    int seconds;
  } trainees[] = {{"Demo trainee A", 0.0003, -0.0002, 240}, {"Demo trainee B", 0.12, 0.2, 95}};
  for (const auto& t : trainees) {
    Json out = {{"pack_id", key["pack_id"]}, {"trainee", t.name}, {"answers", Json::array()}};
    for (const auto& q : key["questions"]) {
      const auto& a = q["answer"];
      Json e = {{"question", q["id"]},
                {"lat", a["lat"].get<double>() + t.dlat},
                {"lon", a["lon"].get<double>() + t.dlon}};
      if (a["country"].is_string()) e["country"] = a["country"];
      if (a["taken_at_utc"].is_string()) e["time_utc"] = a["taken_at_utc"];
      e["hints_used"] = t.dlat > 0.1 ? 1 : 0;
      e["seconds"] = t.seconds;
      out["answers"].push_back(e);
    }
    std::string file = t.name;
    for (auto& c : file) c = c == ' ' ? '-' : static_cast<char>(std::tolower(c));
    if (Status s = WriteFileAtomic(dir / ("answers-" + file + ".json"), out.dump(2) + "\n");
        !s.ok())
      return s;
  }
  return OkStatus();
}

}  // namespace

int RunExercise(int argc, char** argv) {
  CLI::App app{
      "Training geolocation exercises from the unit's own photos, offline: a pack of redacted\n"
      "photos with a page to answer on, the answer key kept apart (sealed answers in the pack),\n"
      "grading with partial credit, and a leaderboard.",
      "geoverify exercise"};
  app.require_subcommand(1);
  ExerciseMakeOptions o;
  std::string source, pack_dir, key_file, answers_file, hints_file, case_dir, out_dir, title;
  std::string faces = "fill";
  double scale_km = 0;
  std::vector<std::string> answers;
  bool json = false;
  auto* make = app.add_subcommand("make", "make a pack and its answer key from photos or a case");
  make->add_option("source", source, "a folder of photos, or a case output (geoverify run -o)")
      ->required();
  make->add_option("-o,--output", pack_dir, "the pack folder (replaced if it holds a pack)")
      ->required();
  make->add_option("--key", key_file, "the answer key to write (JSON; keep it apart)")->required();
  make->add_option("--title", title, "the exercise's title");
  make->add_option("--answers", answers_file,
                   "answers CSV (photo,lat,lon,radius_m,taken_at_utc,country,notes[,site,asks]); "
                   "default SOURCE/answers.csv");
  make->add_option("--hints", hints_file, "hints CSV (photo,hint,cost)");
  make->add_option("--scale-km", scale_km,
                   "S of the distance score (default: a tenth of the answers' extent, >= 10)")
      ->check(CLI::Range(0.001, 40000.0));
  make->add_option("--full-marks-m", o.full_marks_m, "full marks within this distance (m)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  make->add_flag("--from-gps", o.from_gps, "take a photo's answer from its own GPS position");
  make->add_option("--case", case_dir, "the case folder of a case output (default: its run.json)");
  make->add_option("--faces", faces, "fill: fill the faces found; off: fill none")
      ->check(CLI::IsMember({"fill", "off"}))
      ->capture_default_str();
  make->add_flag("--json", json, "print a JSON summary");
  AddDeadlineOption(*make, o.deadline_s, "reads and decodes a photo (once, before its copy)");

  auto* grade = app.add_subcommand("grade", "grade trainees' answers.json files");
  grade->add_option("pack", pack_dir, "the pack folder")->required();
  grade->add_option("--key", key_file, "the pack's answer key")->required();
  grade->add_option("answers", answers, "answers.json files (one per trainee)")->required();
  grade->add_option("-o,--output", out_dir, "folder for the leaderboard and trainees' pages")
      ->capture_default_str();
  grade->add_flag("--json", json, "print the grades as JSON");

  auto* sample = app.add_subcommand(
      "sample", "a ready demonstration pack from samples/ (pack, key, two trainees' answers)");
  sample->add_option("-o,--output", out_dir, "folder to write pack/, key.json, answers/")
      ->required();
  std::string samples_dir;
  sample->add_option("--samples", samples_dir, "the samples folder (default: beside data/)");
  sample->add_flag("--json", json, "print a JSON summary");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;

  if (grade->parsed())
    return Grade(pack_dir, key_file, answers, out_dir.empty() ? "grades" : out_dir, json);
  if (make->parsed()) {
    o.source = source, o.pack_dir = pack_dir, o.key_file = key_file;
    o.answers_file = answers_file, o.hints_file = hints_file, o.case_dir = case_dir;
    o.title = title;
    if (scale_km > 0) o.scale_km = scale_km;
    return Make(o, faces, json, "exercise make");
  }
  const fs::path samples =
      samples_dir.empty() ? DataDir().parent_path() / "samples" : fs::path(samples_dir);
  o.source = samples / "case-kk-park";
  o.answers_file = samples / "exercise" / "answers.csv";
  o.hints_file = samples / "exercise" / "hints.csv";
  o.title = "Scam compounds on the Thai-Myanmar border and beyond (demonstration)";
  o.pack_dir = fs::path(out_dir) / "pack";
  o.key_file = fs::path(out_dir) / "key.json";
  const int code = Make(o, faces, json, "exercise sample");
  if (code == kExitUsage) return code;
  if (Status s = WriteDemoAnswers(o.key_file, fs::path(out_dir) / "answers"); !s.ok()) {
    std::cerr << "geoverify exercise sample: " << s.error().message << "\n";
    return kExitSomeFailed;
  }
  if (!json)
    std::cout << "next: open " << (o.pack_dir / "index.html").string()
              << ", export your answers, then\n  geoverify exercise grade " << o.pack_dir.string()
              << " --key " << o.key_file.string() << " " << out_dir << "/answers/*.json -o "
              << out_dir << "/grades\n";
  return code;
}

}  // namespace gv::cli
