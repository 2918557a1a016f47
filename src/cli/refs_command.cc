// geoverify refs build|add|info|export, and geoverify locate PHOTO --refs REFS
#include <iostream>

#include "cli/command.h"
#include "image/evidence.h"
#include "match/reference_collection.h"
#include "metadata/metadata_json.h"
#include "metadata/preflight.h"
#include "report/vector_writer.h"
#include "util/file.h"

namespace gv::cli {
namespace {

int Report(const char* what, const Result<CollectionReport>& report, bool json) {
  if (!report.ok())
    return FailInput(std::string("refs ") + what, json, nlohmann::ordered_json::object(),
                     report.error().message);
  for (const auto& w : report->warnings)
    std::cerr << "geoverify refs " << what << ": warning: " << w << "\n";
  if (json) {
    std::cout << nlohmann::ordered_json{{"added", report->added},
                                        {"duplicates", report->duplicates},
                                        {"without_location", report->without_location},
                                        {"failed", report->failed}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "added " << report->added << ", duplicates " << report->duplicates
              << ", without location " << report->without_location << ", failed " << report->failed
              << "\n";
  }
  return report->failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

int RunRefs(int argc, char** argv) {
  CLI::App app{"Geotagged reference collections (one SQLite file): build, add, info, export.",
               "geoverify refs"};
  app.require_subcommand(1);
  CollectionOptions options;
  std::vector<std::string> inputs;
  std::string out, collection;
  bool json = false;
  auto* build = app.add_subcommand("build", "build a collection from images with a known location");
  build->add_option("inputs", inputs, "image files or folders (recursive)")->required();
  build->add_option("-o,--output", out, "collection file to write")->required();
  build->add_option("--sidecar", options.sidecar,
                    "CSV (file,lat,lon[,heading,note]) or GeoJSON points with 'file'");
  build->add_option("--vocabulary-size", options.vocabulary_size, "visual words")
      ->capture_default_str()
      ->check(CLI::Range(16, 200000));
  build->add_option("-j,--threads", options.threads, "worker threads (0: one per core)")
      ->check(CLI::Range(0, 256));
  build->add_flag("--json", json, "print a JSON summary");
  auto* add =
      app.add_subcommand("add", "add images to a collection (existing vocabulary, no rebuild)");
  add->add_option("collection", collection, "collection file")->required();
  add->add_option("inputs", inputs, "image files or folders (recursive)")->required();
  add->add_option("--sidecar", options.sidecar, "CSV or GeoJSON locations");
  add->add_option("-j,--threads", options.threads, "worker threads (0: one per core)")
      ->check(CLI::Range(0, 256));
  add->add_flag("--json", json, "print a JSON summary");
  double deadline_s = 10;
  for (auto* sub : {build, add})
    AddDeadlineOption(*sub, deadline_s, "reads and decodes an image (once, before it is added)");
  auto* info = app.add_subcommand("info", "counts, extent and index parameters");
  info->add_option("collection", collection, "collection file")->required();
  info->add_flag("--json", json, "print JSON");
  auto* exp = app.add_subcommand("export", "write the references as a point layer");
  exp->add_option("collection", collection, "collection file")->required();
  exp->add_option("-o,--output", out, "vector file, format by extension (.gpkg, .geojson, .kml)")
      ->required();
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;

  if (build->parsed() || add->parsed()) {
    // Every image read and decoded once in a supervised worker: one that crashes or hangs a
    // parser is left out (a failure) before the collection's code parses it here.
    const FileListing listing = ListInputFiles(
        std::vector<std::filesystem::path>(inputs.begin(), inputs.end()), /*recursive=*/true);
    const auto failures = PreflightFiles(listing.files, {}, deadline_s, "refs");
    std::vector<std::filesystem::path> passed;
    std::vector<std::string> left_out;
    for (std::size_t i = 0; i < listing.files.size(); ++i) {
      if (failures[i])
        left_out.push_back(listing.files[i].string() + ": " + failures[i]->message);
      else
        passed.push_back(listing.files[i]);
    }
    for (const auto& [path, reason] : listing.errors)
      left_out.push_back(path.string() + ": " + reason);
    auto report = build->parsed() ? BuildCollection(passed, out, options)
                                  : AddToCollection(collection, passed, options);
    if (report.ok()) {
      report->failed += static_cast<int>(left_out.size());
      report->warnings.insert(report->warnings.end(), left_out.begin(), left_out.end());
    }
    return Report(build->parsed() ? "build" : "add", report, json);
  }
  if (info->parsed()) {
    auto j = CollectionInfo(collection);
    if (!j.ok())
      return FailInput("refs info", json, {{"collection", collection}}, j.error().message);
    if (json) {
      std::cout << j->dump(2) << "\n";
    } else {
      for (const auto& [key, value] : j->items()) std::cout << key << ": " << value.dump() << "\n";
    }
    return kExitOk;
  }
  auto features = CollectionFeatures(collection);
  if (auto st =
          features.ok() ? WriteVectorLayer(out, "references", *features) : Status(features.error());
      !st.ok()) {
    std::cerr << "geoverify refs export: " << st.error().message << "\n";
    return kExitSomeFailed;
  }
  std::cout << "wrote " << out << "\n";
  return kExitOk;
}

int RunLocate(int argc, char** argv) {
  CLI::App app{
      "Where was this photo taken? Retrieve the most similar references of a collection, verify\n"
      "them geometrically and estimate the location (a clue of source reference_match).",
      "geoverify locate"};
  std::string photo, refs, out;
  LocateOptions options;
  bool json = false;
  app.add_option("photo", photo, "the photo to locate")->required();
  app.add_option("--refs", refs, "reference collection (geoverify refs build)")->required();
  app.add_option("--top", options.top, "results to list")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--candidates", options.candidates, "retrieved references verified geometrically")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  std::string cascade = "auto";
  app.add_option("--cascade", cascade,
                 "auto: the photo's affine views when no reference shows the same scene; "
                 "off: plain features only; always: both, the views' answer kept")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "off", "always"}));
  app.add_option("-o,--output", out, "write the clue and the matched references as a vector layer");
  app.add_flag("--json", json, "print JSON");
  std::uint64_t max_bytes = 1ull << 30;
  app.add_option("--max-bytes", max_bytes, "photos larger than this are refused")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  double deadline_s = 10;
  AddDeadlineOption(app, deadline_s, "reads and decodes the photo (once, before the search)");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  options.views.progress_label = "locate: affine views";  // on a terminal only
  options.cascade = cascade == "off"      ? CascadeMode::kOff
                    : cascade == "always" ? CascadeMode::kAlways
                                          : CascadeMode::kAuto;
  auto evidence = OpenEvidence(photo, {max_bytes, {}});
  nlohmann::ordered_json head{
      {"file", photo},
      {"sha256", evidence.ok() ? nlohmann::ordered_json(evidence->sha256()) : nullptr}};
  if (!evidence.ok()) return FailInput("locate", json, head, evidence.error().message);
  if (const auto failed = PreflightFiles({photo}, {max_bytes, {}}, deadline_s, "locate")[0]) {
    head["findings"] = nlohmann::ordered_json::array({ToJson(failed->finding)});
    return FailInput("locate", json, head, photo + ": " + failed->message);
  }
  const auto& image = evidence->Pixels();
  if (!image.ok()) return FailInput("locate", json, head, image.error().message);
  auto result = LocatePhoto(refs, *image, options);
  if (!result.ok()) return FailInput("locate", json, head, result.error().message);
  if (!out.empty()) {
    if (auto st = WriteVectorLayer(out, "locate", LocateFeatures(*result)); !st.ok())
      return FailInput("locate", json, head, st.error().message);
  }
  auto j = ToJson(*result);
  if (json) {
    head.update(j);
    head["error"] = nullptr;
    std::cout << head.dump(2) << "\n";
  } else {
    for (const auto& c : result->ranked) {
      std::cout << c.match.verdict << "  " << c.match.inliers << " inliers  " << c.reference.path
                << "  (" << c.reference.lat_deg << ", " << c.reference.lon_deg << ")\n";
    }
    std::cout << "clue: "
              << (result->clue ? j["clue"].dump() : "none (no reference shows the same scene)")
              << "\n";
  }
  return kExitOk;
}

}  // namespace gv::cli
