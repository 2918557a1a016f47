// geoverify georef PHOTO... --basemap RASTER... [--near LAT,LON --radius M] [--json]
//                  [--heading DEG[:TOL]] [--gsd M[:TOL]] [--no-metadata-priors]
//                  [-o FILE] [--warp FILE.tif|DIR] [--draw FILE.png|DIR]
#include <cstdio>
#include <iostream>

#include "case/inspect.h"
#include "cli/command.h"
#include "georef/priors.h"
#include "image/encode.h"
#include "image/evidence.h"
#include "metadata/metadata_json.h"
#include "metadata/preflight.h"
#include "report/georef_outputs.h"
#include "report/vector_writer.h"
#include "util/file.h"
#include "util/progress.h"
#include "util/sha256.h"

namespace gv::cli {
namespace {

struct GeorefArgs {
  std::vector<std::string> photos, basemaps;
  std::string near, out, warp, draw, heading, gsd;
  bool json = false, metadata_priors = true;
  GeorefPriors given;  // --heading, --gsd
  std::uint64_t max_bytes = 1ull << 30;
  double deadline_s = 10;
  GeorefOptions options;
};

Result<LatLon> ParseNear(const std::string& text) {
  double lat = 0, lon = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%lf,%lf%c", &lat, &lon, &tail) != 2)
    return MakeError("--near wants LAT,LON in decimal degrees, e.g. 16.69,98.50");
  const LatLon p{lat, lon};
  if (!p.InRange()) return MakeError("--near " + text + " is not a valid position");
  return p;
}

// An option given as text: parsed by `parse` and handed to `use`, or a usage error printed.
// An option not given (empty) is left alone.
template <class Parse, class Use>
bool ParseOptionText(const std::string& text, Parse parse, Use use) {
  if (text.empty()) return true;
  auto value = parse(text);
  if (!value.ok()) {
    std::cerr << "geoverify georef: " << value.error().message << "\n";
    return false;
  }
  use(*value);
  return true;
}

// With several photos, --warp and --draw name folders and each photo gets
// <stem>.<first 8 hex of its SHA-256><ext>: photos of the same name from different folders
// do not overwrite each other.
std::filesystem::path OutputFor(const std::string& option, const std::string& photo,
                                const std::string& sha256, bool several, const char* ext) {
  if (!several) return option;
  return std::filesystem::path(option) /
         (std::filesystem::path(photo).stem().string() + "." + sha256.substr(0, 8) + ext);
}

struct PhotoOutcome {
  nlohmann::ordered_json json;
  std::vector<VectorFeature> features;
  bool failed = false;
};

PhotoOutcome GeorefOne(const std::string& path, const std::optional<PreflightFailure>& preflight,
                       const GeorefArgs& args, const std::vector<std::unique_ptr<Basemap>>& maps,
                       bool several) {
  PhotoOutcome outcome;
  outcome.json["file"] = path;
  outcome.json["sha256"] = nullptr;
  const auto fail = [&](const std::string& message) {
    outcome.json["ok"] = false;
    outcome.json["error"] = message;
    outcome.failed = true;
    std::cerr << "geoverify georef: " << message << "\n";
    return outcome;
  };
  auto evidence = OpenEvidence(path, {args.max_bytes, {}});
  if (!evidence.ok()) return fail(evidence.error().message);
  const std::string sha256 = evidence->sha256();
  outcome.json["sha256"] = sha256;
  if (preflight) {
    outcome.json["findings"] = nlohmann::ordered_json::array({ToJson(preflight->finding)});
    return fail(path + ": " + preflight->message);
  }
  const auto& photo = evidence->Pixels();
  if (!photo.ok()) return fail(photo.error().message);
  std::vector<const Basemap*> basemaps;
  for (const auto& m : maps) basemaps.push_back(m.get());
  // Priors: the photo's metadata (DJI XMP, GPSImgDirection), then the analyst's over them.
  GeorefOptions options = args.options;
  GeorefPriors priors;
  if (args.metadata_priors)
    priors = PriorsFromMetadata(InspectEvidence(*evidence, InspectOptions{}), photo->size());
  if (args.given.heading_deg) {
    priors.heading_deg = args.given.heading_deg;
    priors.heading_tol_deg = args.given.heading_tol_deg;
    priors.heading_source = args.given.heading_source;
  }
  if (args.given.gsd_m) {
    priors.gsd_m = args.given.gsd_m;
    priors.gsd_rel_tol = args.given.gsd_rel_tol;
    priors.gsd_source = args.given.gsd_source;
  }
  priors.ApplyTo(options);
  auto result = Georeference(*photo, basemaps, options);
  if (!result.ok()) return fail(path + ": " + result.error().message);
  outcome.json.update(GeorefJson(*result));
  nlohmann::ordered_json used = nlohmann::ordered_json::object();
  if (options.heading_deg)
    used["heading"] = {{"deg", *options.heading_deg},
                       {"tolerance_deg", options.heading_tol_deg},
                       {"source", priors.heading_source}};
  if (options.gsd_m)
    used["gsd"] = {{"m", *options.gsd_m},
                   {"relative_tolerance", options.gsd_rel_tol},
                   {"source", priors.gsd_source}};
  outcome.json["priors"] = used;
  outcome.json["error"] = nullptr;
  outcome.features = GeorefFeatures(*result, path, sha256);
  const Basemap* matched = nullptr;
  for (const auto& m : maps) {
    if (m->info().path == result->basemap) matched = m.get();
  }
  if (result->ok && matched != nullptr) {
    if (!args.warp.empty()) {
      const auto target = OutputFor(args.warp, path, sha256, several, ".tif");
      if (auto st = WriteWarpedPhoto(target, *photo, *result, *matched, path, sha256); !st.ok())
        return fail(st.error().message);
      outcome.json["warp"] = target.string();
    }
    if (!args.draw.empty()) {
      const auto target = OutputFor(args.draw, path, sha256, several, ".png");
      auto picture = DrawGeoref(*photo, *result, *matched);
      if (!picture.ok()) return fail(path + ": " + picture.error().message);
      if (auto st = WritePngAtomic(target, *picture); !st.ok()) return fail(st.error().message);
      outcome.json["draw"] = target.string();
    }
  }
  return outcome;
}

void PrintText(const nlohmann::ordered_json& j) {
  std::cout << j["file"].get<std::string>() << ": ";
  if (!j["error"].is_null()) {
    std::cout << "error: " << j["error"].get<std::string>() << "\n";
  } else if (j["ok"].get<bool>()) {
    std::printf("registered on %s (%d control points, rmse %.1f m, gsd %.2f m)",
                j["basemap"].get<std::string>().c_str(), j["inliers"].get<int>(),
                j["rmse_m"].get<double>(), j["gsd_m"].get<double>());
    if (j.contains("weak_place") && j["weak_place"].get<bool>())
      std::printf(": a weak place, tentative (its orientation fields correlate at %.2f)",
                  j["fields_correlation"].get<double>());
    std::printf("\n");
    std::fflush(stdout);
  } else {
    std::cout << "not registered: " << j["message"].get<std::string>() << "\n";
  }
}

}  // namespace

int RunGeoref(int argc, char** argv) {
  CLI::App app{
      "Place a photo of flat ground (from a window, a roof, a drone, a satellite screenshot) on\n"
      "georeferenced basemaps: footprint, control points, warped GeoTIFF. Any GDAL raster in\n"
      "any CRS; large basemaps are searched coarse to fine through overviews.",
      "geoverify georef"};
  GeorefArgs args;
  app.add_option("photos", args.photos, "photos to register")->required();
  AddDeadlineOption(app, args.deadline_s, "reads and decodes a photo (once, before the search)");
  app.add_option("--basemap", args.basemaps, "georeferenced raster(s) to search (repeatable)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--near", args.near, "LAT,LON: the photo's centre is within --radius of it");
  app.add_option("--radius", args.options.radius_m, "metres, with --near")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e7));
  app.add_option("--heading", args.heading,
                 "DEG[:TOL]: compass bearing of the photo's up direction on the ground, degrees "
                 "clockwise from true north (default tolerance 10)");
  app.add_option("--gsd", args.gsd,
                 "M[:TOL]: ground metres per photo pixel at the photo's centre (default relative "
                 "tolerance 0.2); with --heading, photos of another year are searched by area");
  app.add_flag("!--no-metadata-priors", args.metadata_priors,
               "ignore the heading and scale that DJI XMP and GPSImgDirection give");
  app.add_option("-o,--output", args.out,
                 "write footprints and control points (WGS84) to this vector file (.gpkg, "
                 ".geojson, .kml, .shp, ...)");
  app.add_option("--warp", args.warp,
                 "write the photo warped onto the basemap's grid as a GeoTIFF (a folder when "
                 "several photos are given)");
  app.add_option("--draw", args.draw, "write a PNG of the matches (a folder for several photos)");
  app.add_option("--min-inliers", args.options.min_inliers, "control points a registration needs")
      ->capture_default_str()
      ->check(CLI::Range(8, 100000));
  app.add_option("--max-search-pixels", args.options.max_search_pixels,
                 "basemap pixels searched over all pyramid levels, at most")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1} << 20, std::int64_t{1} << 40));
  app.add_option("-j,--threads", args.options.threads, "worker threads (0: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  app.add_flag("--json", args.json,
               "print one JSON array, one object per photo (keys in docs/commands/georef.md)");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  const bool parsed =
      ParseOptionText(args.near, ParseNear, [&](const auto& p) { args.options.near = p; }) &&
      ParseOptionText(args.heading, ParseHeadingPrior,
                      [&](const auto& h) {
                        args.given.heading_deg = h.first;
                        args.given.heading_tol_deg = h.second;
                        args.given.heading_source = "--heading";
                      }) &&
      ParseOptionText(args.gsd, ParseGsdPrior, [&](const auto& g) {
        args.given.gsd_m = g.first;
        args.given.gsd_rel_tol = g.second;
        args.given.gsd_source = "--gsd";
      });
  if (!parsed) return kExitUsage;
  const bool several = args.photos.size() > 1;
  for (const std::string* dir : {&args.warp, &args.draw}) {
    std::error_code ec;
    if (several && !dir->empty()) std::filesystem::create_directories(*dir, ec);
  }
  std::vector<std::unique_ptr<Basemap>> maps;
  for (const auto& path : args.basemaps) {
    auto map = Basemap::Open(path);
    if (!map.ok()) {
      std::cerr << "geoverify georef: " << map.error().message << "\n";
      return kExitSomeFailed;
    }
    maps.push_back(std::move(*map));
  }
  bool any_failed = false;
  std::vector<VectorFeature> features;
  Progress progress("georef", args.photos.size());
  if (args.json) std::cout << "[";
  // Each photo read and decoded once in a supervised worker before this process parses it.
  const auto preflight =
      PreflightFiles(std::vector<std::filesystem::path>(args.photos.begin(), args.photos.end()),
                     {args.max_bytes, {}}, args.deadline_s, "georef");
  for (std::size_t i = 0; i < args.photos.size(); ++i) {
    PhotoOutcome outcome = GeorefOne(args.photos[i], preflight[i], args, maps, several);
    progress.Advance();
    any_failed |= outcome.failed;
    features.insert(features.end(), outcome.features.begin(), outcome.features.end());
    if (args.json) {
      std::cout << (i ? ",\n" : "\n")
                << outcome.json.dump(2, ' ', false,
                                     nlohmann::ordered_json::error_handler_t::replace);
    } else {
      PrintText(outcome.json);
    }
  }
  progress.Finish();
  if (args.json) std::cout << "\n]\n";
  if (!args.out.empty()) {
    if (auto st = WriteVectorLayer(args.out, "georef", features); !st.ok()) {
      std::cerr << "geoverify georef: " << st.error().message << "\n";
      return kExitSomeFailed;
    }
  }
  return any_failed ? kExitSomeFailed : kExitOk;
}

}  // namespace gv::cli
