// geoverify redact PHOTO... -o DIR [--boxes FILE] [--faces fill|propose|off] [--fill-color #RRGGBB]
//   [--margin 0.2] [--keep-time] [--quality 95] [--operator NAME] [--json]
// geoverify redact --verify ORIGINAL COPY --log redaction.json
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/command.h"
#include "image/evidence.h"
#include "metadata/preflight.h"
#include "redact/batch.h"
#include "redact/redact.h"
#include "util/file.h"
#include "util/progress.h"

namespace gv::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// Boxes per photo: "" holds the boxes for every photo.
using BoxMap = std::map<std::string, std::vector<RedactBox>>;

Result<RedactBox> BoxFromJson(const Json& b) {
  if (!b.is_object() || !b.contains("x") || !b.contains("y") || !b.contains("w") ||
      !b.contains("h"))
    return MakeError("a box needs x, y, w and h");
  RedactBox box;
  box.box = cv::Rect(b["x"].get<int>(), b["y"].get<int>(), b["w"].get<int>(), b["h"].get<int>());
  if (b.contains("label") && b["label"].is_string()) box.label = b["label"].get<std::string>();
  return box;
}

// JSON: an array of boxes {x, y, w, h, label} (every photo), or of {file, boxes: [...]} (as
// proposals.json writes). CSV: lines x,y,w,h[,label] or file,x,y,w,h[,label].
Result<BoxMap> ReadBoxes(const fs::path& path) {
  std::vector<std::uint8_t> buffer;
  if (Status s = ReadFileBounded(path, 64 << 20, buffer); !s.ok()) return s.error();
  const std::string text(buffer.begin(), buffer.end());
  BoxMap boxes;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
    try {
      const Json j = Json::parse(text);
      if (!j.is_array()) return MakeError(path.string() + ": expected a JSON array");
      for (const auto& e : j) {
        if (e.contains("file")) {
          auto& list = boxes[e["file"].get<std::string>()];
          for (const auto& b : e.value("boxes", Json::array())) {
            auto box = BoxFromJson(b);
            if (!box.ok()) return MakeError(path.string() + ": " + box.error().message);
            list.push_back(*box);
          }
        } else {
          auto box = BoxFromJson(e);
          if (!box.ok()) return MakeError(path.string() + ": " + box.error().message);
          boxes[""].push_back(*box);
        }
      }
    } catch (const std::exception& e) {
      return MakeError(path.string() + ": " + e.what());
    }
    return boxes;
  }
  std::stringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string part; std::getline(fields, part, ',');) f.push_back(part);
    std::string file;
    const bool numeric = !f.empty() && f[0].find_first_not_of("0123456789- ") == std::string::npos;
    if (!numeric) {
      if (number == 1 && (f.empty() || f[0] == "x" || f[0] == "file")) continue;  // a header
      file = f[0];
      f.erase(f.begin());
    }
    if (f.size() < 4)
      return MakeError(path.string() + ":" + std::to_string(number) + ": expected x,y,w,h[,label]");
    try {
      RedactBox box{cv::Rect(std::stoi(f[0]), std::stoi(f[1]), std::stoi(f[2]), std::stoi(f[3])),
                    f.size() > 4 ? f[4] : ""};
      boxes[file].push_back(box);
    } catch (const std::exception&) {
      return MakeError(path.string() + ":" + std::to_string(number) + ": expected x,y,w,h[,label]");
    }
  }
  return boxes;
}

std::vector<RedactBox> BoxesFor(const BoxMap& boxes, const fs::path& photo) {
  std::vector<RedactBox> out;
  for (const auto& key : {std::string(), photo.string(), photo.filename().string()}) {
    const auto it = boxes.find(key);
    if (it != boxes.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    if (key == photo.string() && key == photo.filename().string()) break;  // the same key twice
  }
  return out;
}

int Verify(const std::string& original_path, const std::string& copy_path,
           const std::string& log_path) {
  std::vector<std::uint8_t> buffer;
  if (Status s = ReadFileBounded(log_path, 256 << 20, buffer); !s.ok()) {
    std::cerr << "geoverify redact --verify: " << s.error().message << "\n";
    return kExitUsage;
  }
  Json log;
  try {
    log = Json::parse(buffer.begin(), buffer.end());
  } catch (const std::exception& e) {
    std::cerr << "geoverify redact --verify: " << log_path << ": " << e.what() << "\n";
    return kExitUsage;
  }
  auto original = OpenEvidence(original_path);
  auto copy = OpenEvidence(copy_path);
  for (const auto* e : {&original, &copy})
    if (!e->ok()) {
      std::cerr << "geoverify redact --verify: " << e->error().message << "\n";
      return kExitSomeFailed;
    }
  // An exercise key (geoverify exercise make --key) logs its copies per question.
  if (log.is_object() && log.contains("questions") && log["questions"].is_array()) {
    Json entries = Json::array();
    for (const auto& q : log["questions"])
      if (q.is_object() && q.contains("redaction") && q["redaction"].is_object())
        entries.push_back({{"copy_sha256", q.value("copy_sha256", Json())},
                           {"original_sha256", q.value("original_sha256", Json())},
                           {"salt", q["redaction"].value("salt", Json())},
                           {"regions", q["redaction"].value("regions", Json::array())}});
    log = std::move(entries);
  }
  if (!log.is_array()) {
    std::cerr << "geoverify redact --verify: " << log_path
              << ": expected a JSON array (redaction.json) or an exercise key\n";
    return kExitUsage;
  }
  const Json* entry = nullptr;
  for (const auto& e : log)
    if (e.is_object() && e.contains("copy_sha256") && e["copy_sha256"].is_string() &&
        e["copy_sha256"].get<std::string>() == copy->sha256())
      entry = &e;
  if (!entry) {
    std::cout << copy_path << ": NOT DERIVED: the log has no entry for a copy with SHA-256 "
              << copy->sha256() << "\n";
    return kExitSomeFailed;
  }
  const std::string logged_original =
      (*entry)["original_sha256"].is_string() ? (*entry)["original_sha256"].get<std::string>() : "";
  if (logged_original != original->sha256()) {
    std::cout << copy_path << ": NOT DERIVED: the log names an original with SHA-256 "
              << logged_original << ", this one is " << original->sha256() << "\n";
    return kExitSomeFailed;
  }
  std::vector<RedactRegion> regions;
  std::string salt;
  try {
    salt = entry->at("salt").get<std::string>();
    for (const auto& r : (*entry).at("regions"))
      regions.push_back({cv::Rect(r.at("x").get<int>(), r.at("y").get<int>(), r.at("w").get<int>(),
                                  r.at("h").get<int>()),
                         r.value("source", ""), r.value("label", ""),
                         r.at("pixels_sha256").get<std::string>()});
  } catch (const std::exception& e) {
    std::cerr << "geoverify redact --verify: " << log_path << ": a malformed region: " << e.what()
              << "\n";
    return kExitUsage;
  }
  auto before = SharedPixels(*original);
  const auto& after = copy->Pixels();
  if (!before.ok() || !after.ok()) {
    std::cerr << "geoverify redact --verify: "
              << (!before.ok() ? before.error().message : after.error().message) << "\n";
    return kExitSomeFailed;
  }
  if (Status s = CheckDerivation(*before, *after, regions, salt); !s.ok()) {
    std::cout << copy_path << ": NOT DERIVED: " << s.error().message << "\n";
    return kExitSomeFailed;
  }
  std::cout << copy_path << ": derives from " << original_path << " with " << regions.size()
            << " region(s) filled, as logged\n";
  return kExitOk;
}

}  // namespace

int RunRedact(int argc, char** argv) {
  CLI::App app{
      "Redacted copies for sharing: the picture as shown, encoded afresh from its pixels (no\n"
      "EXIF, XMP, IPTC, maker notes, thumbnail, comment, ICC or trailing data), faces and boxes\n"
      "filled solid, checked after writing, and logged (redaction.json) with salted hashes of\n"
      "what was hidden so that a court can verify the copy against the original.",
      "geoverify redact"};
  std::vector<std::string> inputs, verify;
  std::string out_dir, boxes_file, faces = "fill", fill_color = "#000000", operator_name, log_path;
  double margin = 0.2;
  int quality = 95;
  bool keep_time = false, json = false, recursive = false;
  app.add_option("inputs", inputs, "photos or folders");
  app.add_option("-o,--output", out_dir,
                 "folder for the copies, redaction.json and proposals.json");
  app.add_option("--boxes", boxes_file,
                 "regions to fill: JSON ([{x,y,w,h,label}] or proposals.json's [{file, boxes}]) or "
                 "CSV (x,y,w,h[,label] or file,x,y,w,h[,label]), in the picture as shown");
  app.add_option("--faces", faces,
                 "fill: fill every face proposal; propose: fill none, write no copy, write "
                 "DIR/proposals.json; off: only --boxes")
      ->check(CLI::IsMember({"fill", "propose", "off"}))
      ->capture_default_str();
  app.add_option("--fill-color", fill_color, "the fill, #RRGGBB")->capture_default_str();
  app.add_option("--margin", margin, "each region grows by this times its size on every side")
      ->check(CLI::Range(0.0, 2.0))
      ->capture_default_str();
  app.add_flag("--keep-time", keep_time,
               "write the capture time (DateTimeOriginal and its offset) afresh");
  app.add_option("--quality", quality, "JPEG quality of the copies")
      ->check(CLI::Range(50, 100))
      ->capture_default_str();
  app.add_option("--operator", operator_name, "who made the copies, for the log");
  app.add_option("--verify", verify,
                 "ORIGINAL COPY: does COPY derive from ORIGINAL as the log says?")
      ->expected(2);
  app.add_option("--log", log_path, "the redaction.json to check against (with --verify)");
  app.add_flag("-r,--recursive", recursive, "descend into folders");
  double deadline_s = 10;
  AddDeadlineOption(app, deadline_s, "reads and decodes a photo (once, before its copy is made)");
  app.add_flag("--json", json, "print the log entries (one JSON array) on stdout");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  if (!verify.empty()) {
    if (log_path.empty()) {
      std::cerr << "geoverify redact: --verify needs --log redaction.json\n";
      return kExitUsage;
    }
    return Verify(verify[0], verify[1], log_path);
  }
  if (inputs.empty() || out_dir.empty()) {
    std::cerr << "geoverify redact: give photos and -o DIR (or --verify ORIGINAL COPY --log LOG)\n";
    return kExitUsage;
  }
  RedactOptions options;
  options.faces = faces == "fill"      ? FaceMode::kFill
                  : faces == "propose" ? FaceMode::kPropose
                                       : FaceMode::kOff;
  options.margin = margin;
  options.keep_time = keep_time;
  options.quality = quality;
  {
    unsigned rgb = 0;
    if (fill_color.size() != 7 || fill_color[0] != '#' ||
        std::sscanf(fill_color.c_str() + 1, "%6x", &rgb) != 1 ||
        fill_color.find_first_not_of("0123456789abcdefABCDEF", 1) != std::string::npos) {
      std::cerr << "geoverify redact: --fill-color " << fill_color << ": expected #RRGGBB\n";
      return kExitUsage;
    }
    options.fill = cv::Vec3b(rgb & 0xFF, (rgb >> 8) & 0xFF, (rgb >> 16) & 0xFF);
  }
  BoxMap boxes;
  if (!boxes_file.empty()) {
    auto read = ReadBoxes(boxes_file);
    if (!read.ok()) {
      std::cerr << "geoverify redact: --boxes " << read.error().message << "\n";
      return kExitUsage;
    }
    boxes = std::move(*read);
  }
  std::unique_ptr<FaceDetector> detector;
  if (options.faces != FaceMode::kOff) {
    auto d = FaceDetector::Open();
    if (!d.ok()) {
      std::cerr << "geoverify redact: " << d.error().message << "\n";
      return kExitSomeFailed;
    }
    detector = std::move(*d);
  }
  const FileListing listing =
      ListInputFiles(std::vector<fs::path>(inputs.begin(), inputs.end()), recursive);
  bool failed = !listing.errors.empty();
  Json printed = Json::array();
  for (const auto& [path, reason] : listing.errors) {
    std::cerr << "geoverify redact: " << path.string() << ": " << reason << "\n";
    printed.push_back(
        {{"original", path.string()}, {"original_sha256", nullptr}, {"error", reason}});
  }
  // Each photo read and decoded once in a supervised worker: one that crashes or hangs a
  // parser there is refused (an error entry) and never parsed in this process.
  const auto failures = PreflightFiles(listing.files, {}, deadline_s, "redact");
  std::vector<RedactJob> jobs;
  for (std::size_t i = 0; i < listing.files.size(); ++i)
    jobs.push_back({listing.files[i], BoxesFor(boxes, listing.files[i]),
                    failures[i] ? failures[i]->message : std::string()});
  Progress progress("redact", jobs.size());
  RedactBatchOptions batch;
  batch.redact = options;
  batch.operator_name = operator_name;
  batch.tool_version = std::string("geoverify ") + GEOVERIFY_VERSION;
  batch.on_photo = [&progress] { progress.Advance(); };
  auto result = RedactToFolder(jobs, out_dir, detector.get(), batch);
  progress.Finish();
  if (!result.ok()) {
    std::cerr << "geoverify redact: " << result.error().message << "\n";
    return kExitSomeFailed;
  }
  failed = failed || result->failed;
  for (const auto& entry : result->entries) {
    const std::string photo = entry["original"].get<std::string>();
    if (entry.contains("error"))
      std::cerr << "geoverify redact: " << photo << ": " << entry["error"].get<std::string>()
                << "\n";
    else if (!json && entry.contains("proposals"))
      std::cout << photo << ": " << entry["proposals"].size() << " face proposal(s)\n";
    else if (!json)
      std::cout << photo << " -> " << entry["copy"].get<std::string>() << " ("
                << entry["regions"].size() << " region(s) filled)\n";
    printed.push_back(entry);
  }
  if (json) std::cout << printed.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  return failed ? kExitSomeFailed : kExitOk;
}

}  // namespace gv::cli
