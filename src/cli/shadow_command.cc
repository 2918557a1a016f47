// geoverify shadow --at TIME (--object-height M --shadow-length M | --shadow-ratio R |
//                   --sun-elevation DEG) [--azimuth DEG] ... [-o FILE] [--raster FILE.tif]
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "report/shadow_outputs.h"
#include "sun/shadow_input.h"

namespace gv::cli {
namespace {

constexpr const char* kObservationHelp = R"(
Observation options (repeat the group for several observations; each starts at --at):
  --at TIME                 ISO 8601 with Z or offset, or local time with --tz
  --tz ZONE                 IANA zone of a local --at time (Asia/Yangon)
  --object-height M --shadow-length M    object and shadow, same unit
  --shadow-ratio R          shadow length / object height
  --sun-elevation DEG       sun elevation measured otherwise
  --azimuth DEG             direction the shadow points, from true north
  --length-tolerance F      relative, default 0.1 (10 %)
  --elevation-tolerance DEG default 1
  --azimuth-tolerance DEG   default 5
  --time-tolerance S        default 60
Several observations must all hold: only places consistent with every one remain.)";

Result<GridSpec> ParseGrid(const std::string& bbox, double resolution) {
  GridSpec grid;
  grid.resolution_deg = resolution;
  if (!bbox.empty()) {
    std::stringstream in(bbox);
    std::string part;
    std::vector<double> v;
    while (std::getline(in, part, ',')) {
      try {
        v.push_back(std::stod(part));
      } catch (const std::exception&) {
        return MakeError("--bbox: '" + part + "' is not a number");
      }
    }
    if (v.size() != 4) return MakeError("--bbox needs minlon,minlat,maxlon,maxlat");
    grid.min_lon = v[0], grid.min_lat = v[1], grid.max_lon = v[2], grid.max_lat = v[3];
  }
  if (auto st = grid.Check(); !st.ok()) return st.error();
  return grid;
}

}  // namespace

int RunShadow(int argc, char** argv) {
  CLI::App app{
      "Every place on Earth where the sun could have cast the observed shadows: polygons, a\n"
      "likelihood raster and a map. Several observations are combined.",
      "geoverify shadow"};
  app.allow_extras();
  app.footer(kObservationHelp);
  std::string observations_file, bbox;
  ShadowOutputOptions options;
  double resolution = 0.05;
  bool json = false;
  app.add_option("--observations", observations_file,
                 "CSV or JSON file of observations (keys as the options, '_' for '-')");
  app.add_option("-o,--output", options.vector_out,
                 "region polygons; format by extension (.geojson, .gpkg, .kml)");
  app.add_option("--raster", options.raster_out, "likelihood raster, GeoTIFF in EPSG:4326");
  app.add_option("--map", options.map_out, "PNG map of the region over country borders");
  app.add_option("--bbox", bbox,
                 "restrict the grid: minlon,minlat,maxlon,maxlat (default: the world)");
  app.add_option("--resolution-deg", resolution, "grid cell size in degrees")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 10.0));
  app.add_option("-j,--threads", options.threads, "worker threads (0: one per core)")
      ->check(CLI::Range(0, 256));
  app.add_flag("--json", json, "print a JSON summary");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;

  auto groups = GroupObservationArgs(app.remaining());
  if (!groups.ok()) {
    std::cerr << "geoverify shadow: " << groups.error().message << "\n";
    return kExitUsage;
  }
  if (!observations_file.empty()) {
    auto from_file = ReadObservationFile(observations_file);
    if (!from_file.ok()) {
      std::cerr << "geoverify shadow: " << from_file.error().message << "\n";
      return kExitUsage;
    }
    groups->insert(groups->end(), from_file->begin(), from_file->end());
  }
  if (groups->empty()) {
    std::cerr << "geoverify shadow: no observation given (--at ... or --observations FILE)\n";
    return kExitUsage;
  }
  for (std::size_t i = 0; i < groups->size(); ++i) {
    auto obs = MakeObservation((*groups)[i]);
    if (!obs.ok()) {
      std::cerr << "geoverify shadow: observation " << i + 1 << ": " << obs.error().message << "\n";
      return kExitUsage;
    }
    options.observations.push_back(*obs);
  }
  auto grid = ParseGrid(bbox, resolution);
  if (!grid.ok()) {
    std::cerr << "geoverify shadow: " << grid.error().message << "\n";
    return kExitUsage;
  }
  options.grid = *grid;
  const auto terms = SpaTerms::Default();
  if (!terms.ok()) {
    std::cerr << "geoverify shadow: " << terms.error().message << "\n";
    return kExitSomeFailed;
  }
  auto result = WriteShadowLocus(**terms, options);
  if (!result.ok()) {
    std::cerr << "geoverify shadow: " << result.error().message << "\n";
    return kExitSomeFailed;
  }
  const auto summary = ToJson(*result, options);
  if (json) {
    std::cout << summary.dump(2) << "\n";
  } else {
    std::cout << "consistent cells " << result->stats.consistent_cells << " of "
              << result->stats.cells << ", " << static_cast<long long>(result->stats.area_km2)
              << " km2, bbox " << summary["bbox"].dump() << "\n";
    for (const auto& p : result->written) std::cout << "  wrote " << p.string() << "\n";
  }
  return kExitOk;
}

}  // namespace gv::cli
