// geoverify text PHOTO... [--json] [--lang L+L...] [--box x,y,w,h]... [--no-detect]
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "image/evidence.h"
#include "text/reader.h"
#include "text/text_json.h"
#include "util/file.h"
#include "util/progress.h"

namespace gv::cli {
namespace {

void PrintText(const nlohmann::ordered_json& j) {
  std::cout << j["file"].get<std::string>() << ":";
  if (!j["error"].is_null()) {
    std::cout << " error: " << j["error"].get<std::string>() << "\n";
    return;
  }
  if (j["lines"].empty()) std::cout << " no text read";
  std::cout << "\n";
  for (const auto& l : j["lines"]) {
    char head[96];
    std::snprintf(head, sizeof head, "  [%s %.0f%%] ", l["script"].get<std::string>().c_str(),
                  l["confidence"].get<double>());
    std::cout << head << l["text"].get<std::string>();
    if (l["latin"].is_string()) std::cout << "  (" << l["latin"].get<std::string>() << ")";
    if (l["zawgyi"].get<bool>()) std::cout << "  [Zawgyi, converted]";
    std::cout << "\n";
  }
  for (const auto& i : j["items"])
    std::cout << "  " << i["kind"].get<std::string>() << ": " << i["value"].get<std::string>()
              << (i["country"].is_string() ? " -> " + i["country"].get<std::string>() : "") << "\n";
}

}  // namespace

int RunText(int argc, char** argv) {
  CLI::App app{
      "Text in photos as location clues, offline: candidate text lines (MSER, rectified) or\n"
      "analyst boxes read by Tesseract's models of the region's scripts (Khmer, Myanmar, Lao,\n"
      "Thai, Chinese, Vietnamese, English) competing per line, the script of each line, Zawgyi\n"
      "Burmese converted, phone numbers (libphonenumber, with the area where it knows it), URLs\n"
      "and e-mail domains, licence plates, currency signs, place names (GeoNames, local\n"
      "scripts), and the clues they make.",
      "geoverify text"};
  std::vector<std::string> inputs, boxes;
  std::string lang = "auto";
  bool json = false, recursive = false, no_detect = false;
  app.add_option("inputs", inputs, "photos or folders")->required();
  app.add_option("--lang", lang,
                 "Tesseract models that compete to read each line, joined by '+' (auto: "
                 "khm+mya+lao+tha+chi_sim+chi_tra+vie+eng)")
      ->capture_default_str();
  app.add_option("--box", boxes, "x,y,w,h: a region to read as given (repeatable)");
  app.add_flag("--no-detect", no_detect, "read only the --box regions");
  app.add_flag("-r,--recursive", recursive, "descend into folders");
  double deadline_s = 60;
  AddDeadlineOption(app, deadline_s, "decodes a photo and reads its text");
  app.add_flag("--json", json,
               "print one JSON array, one object per photo (keys in docs/commands/text.md)");
  EvidenceLimits limits;
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  TextReadOptions options;
  if (lang != "auto") {
    options.languages.clear();
    std::stringstream parts(lang);
    for (std::string part; std::getline(parts, part, '+');)
      if (!part.empty()) options.languages.push_back(part);
  }
  for (const auto& b : boxes) {
    int x, y, w, h;
    char c1, c2, c3;
    std::stringstream in(b);
    if (!(in >> x >> c1 >> y >> c2 >> w >> c3 >> h) || c1 != ',' || c2 != ',' || c3 != ',' ||
        w <= 0 || h <= 0 || x < 0 || y < 0) {
      std::cerr << "geoverify text: --box " << b << ": expected x,y,w,h (pixels)\n";
      return kExitUsage;
    }
    options.boxes.emplace_back(x, y, w, h);
  }
  options.detect = !no_detect;
  if (no_detect && options.boxes.empty()) {
    std::cerr << "geoverify text: --no-detect needs at least one --box\n";
    return kExitUsage;
  }
  auto reader = TextReader::Open(options);
  if (!reader.ok()) {
    std::cerr << "geoverify text: " << reader.error().message << "\n";
    return kExitSomeFailed;
  }
  const FileListing listing =
      ListInputFiles(std::vector<std::filesystem::path>(inputs.begin(), inputs.end()), recursive);
  bool failed = !listing.errors.empty();
  if (json) std::cout << "[";
  bool first = true;
  // Inputs that are not there still get their entry, with the reason.
  for (const auto& [path, reason] : listing.errors) {
    std::cerr << "geoverify text: " << path.string() << ": " << reason << "\n";
    if (json)
      std::cout << (first ? "\n" : ",\n")
                << nlohmann::ordered_json{{"file", path.string()},
                                          {"sha256", nullptr},
                                          {"error", reason}}
                       .dump(2);
    first = false;
  }
  Progress progress("text", listing.files.size());
  // Each photo decoded and read in a supervised worker: one that crashes or hangs a decoder
  // or Tesseract is left out with PARSER_CRASHED/TIMEOUT.
  const auto read_one = [&](const std::filesystem::path& file) {
    nlohmann::ordered_json j = {{"file", file.string()}, {"sha256", nullptr}, {"error", nullptr}};
    auto evidence = OpenEvidence(file, limits);
    if (!evidence.ok()) {
      j["error"] = evidence.error().message;
      return j;
    }
    j["sha256"] = evidence->sha256();
    const auto& pixels = evidence->Pixels();
    if (!pixels.ok()) {
      j["error"] = pixels.error().message;
    } else if (auto lines = (*reader)->Read(*pixels); !lines.ok()) {
      j["error"] = lines.error().message;
    } else {
      const nlohmann::ordered_json text = TextJson(*lines);
      for (auto& [key, value] : text.items()) j[key] = value;
    }
    return j;
  };
  ForEachFileIsolated(listing.files, deadline_s, 0, 1.0, "text", read_one,
                      [&](const std::filesystem::path& file, nlohmann::ordered_json&& j) {
                        if (!j["error"].is_null()) {
                          failed = true;
                          std::cerr << "geoverify text: " << file.string() << ": "
                                    << j["error"].get<std::string>() << "\n";
                        }
                        progress.Advance();
                        if (json)
                          std::cout << (first ? "\n" : ",\n")
                                    << j.dump(2, ' ', false,
                                              nlohmann::ordered_json::error_handler_t::replace);
                        else
                          PrintText(j);
                        first = false;
                      });
  progress.Finish();
  if (json) std::cout << "\n]\n";
  return failed ? kExitSomeFailed : kExitOk;
}

}  // namespace gv::cli
