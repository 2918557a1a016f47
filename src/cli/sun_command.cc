// geoverify sun --at TIME --lat LAT --lon LON | geoverify sun PHOTO
#include <cmath>
#include <iostream>
#include <string_view>

#include "case/inspect.h"
#include "cli/command.h"
#include "geo/tzif.h"
#include "sun/shadow_check.h"
#include "sun/sun_summary.h"
#include "util/time.h"

namespace gv::cli {
namespace {

// Time and place from a photo's metadata: taken_at_utc and GPS, as `inspect` derives them.
Status FromPhoto(const std::string& path, SpaInput& input, int& utc_offset_s,
                 std::string& zone_name, PhotoMetadata* photo = nullptr) {
  InspectOptions options;
  AttachTimeZones(options);
  const PhotoMetadata p = InspectFile(path, options);
  if (photo != nullptr) *photo = p;
  if (p.error) return MakeError(path + ": " + *p.error);
  if (!p.gps || !p.gps->position_valid)
    return MakeError(path + ": no usable GPS position in the metadata");
  if (!p.taken_at_utc)
    return MakeError(path + ": capture time in UTC cannot be derived from the metadata");
  input.utc_seconds = static_cast<double>(*p.taken_at_utc);
  input.lat_deg = p.gps->lat_deg;
  input.lon_deg = p.gps->lon_deg;
  if (p.gps->alt_m) input.elevation_m = *p.gps->alt_m;
  // Local times in the zone at the position, as the capture-time derivation found it; at
  // sea or without the boundaries, the nautical zone of the longitude.
  utc_offset_s = p.zone_at_gps_offset_s
                     ? *p.zone_at_gps_offset_s
                     : static_cast<int>(std::lround(p.gps->lon_deg / 15.0)) * 3600;
  zone_name = p.zone_at_gps;
  return OkStatus();
}

void SetDeltaT(SpaInput& input, const std::optional<double>& delta_t) {
  const auto civil = FromEpochSeconds(static_cast<std::int64_t>(input.utc_seconds));
  input.delta_t_s = delta_t ? *delta_t : DeltaTSeconds(civil.year + (civil.month - 0.5) / 12.0);
}

// geoverify sun check PHOTO --height H --shadow-length L [--azimuth DEG]
int RunSunCheck(int argc, char** argv) {
  CLI::App app{
      "Compare a shadow measured in a located, dated photo with the sun at the photo's time and\n"
      "place (from its metadata): consistent or inconsistent, with the margin, as a finding.",
      "geoverify sun check"};
  std::string photo;
  ShadowCheckInput check;
  bool json = false;
  app.add_option("photo", photo, "the photo (its GPS position and capture time are used)")
      ->required();
  app.add_option("--height", check.object_height, "height of the object casting the shadow")
      ->required();
  app.add_option("--shadow-length", check.shadow_length,
                 "length of its shadow on level ground, same unit")
      ->required();
  app.add_option("--azimuth", check.shadow_azimuth_deg,
                 "direction the shadow points, degrees from true north");
  app.add_option("--length-tolerance", check.length_tolerance, "relative")->capture_default_str();
  app.add_option("--azimuth-tolerance", check.azimuth_tolerance_deg, "degrees")
      ->capture_default_str();
  app.add_option("--time-tolerance", check.time_tolerance_s, "seconds")->capture_default_str();
  app.add_flag("--json", json, "print JSON");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  if (auto st = check.Check(); !st.ok()) {
    std::cerr << "geoverify sun check: " << st.error().message << "\n";
    return kExitUsage;
  }
  PhotoMetadata meta;
  int utc_offset_s = 0;
  std::string zone;
  if (auto st = FromPhoto(photo, check.sun, utc_offset_s, zone, &meta); !st.ok())
    return FailInput("sun check", json,
                     {{"file", photo},
                      {"sha256", meta.sha256.empty() ? nlohmann::ordered_json(nullptr)
                                                     : nlohmann::ordered_json(meta.sha256)}},
                     st.error().message);
  SetDeltaT(check.sun, std::nullopt);
  const auto terms = SpaTerms::Default();
  if (!terms.ok()) {
    std::cerr << "geoverify sun check: " << terms.error().message << "\n";
    return kExitSomeFailed;
  }
  auto result = CheckShadow(**terms, check);
  if (!result.ok()) {
    std::cerr << "geoverify sun check: " << photo << ": " << result.error().message << "\n";
    return kExitUsage;
  }
  if (json) {
    nlohmann::ordered_json j{{"file", photo},
                             {"sha256", meta.sha256},
                             {"taken_at_utc", FormatIsoUtc(*meta.taken_at_utc)},
                             {"taken_at_utc_source", meta.taken_at_utc_source},
                             {"lat", check.sun.lat_deg},
                             {"lon", check.sun.lon_deg}};
    j.update(ToJson(*result));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << photo << ": " << (result->consistent ? "consistent" : "INCONSISTENT") << "\n  "
              << result->finding.code << ": " << result->finding.message << "\n";
  }
  return kExitOk;
}

}  // namespace

int RunSun(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "check") return RunSunCheck(argc - 1, argv + 1);
  CLI::App app{
      "Topocentric sun position (NREL SPA), the day's sunrise, transit and sunset, and the shadow\n"
      "ratio, for a time and place or for a photo's metadata.",
      "geoverify sun"};
  std::string photo, at, tz;
  SpaInput input;
  std::optional<double> lat, lon, delta_t;
  bool json = false;
  app.add_option("photo", photo,
                 "photo whose metadata gives time and place (instead of --at/--lat/--lon)");
  app.add_option("--at", at,
                 "time, ISO 8601 with Z or offset (2025-03-14T16:20:00+06:30), or local with --tz");
  app.add_option("--tz", tz, "IANA time zone of a local --at time, e.g. Asia/Yangon");
  app.add_option("--lat", lat, "latitude, decimal degrees north")->check(CLI::Range(-90.0, 90.0));
  app.add_option("--lon", lon, "longitude, decimal degrees east")->check(CLI::Range(-180.0, 180.0));
  app.add_option("--elevation", input.elevation_m, "observer height above sea level, m")
      ->capture_default_str()
      ->check(CLI::Range(-500.0, 9000.0));
  app.add_option("--pressure", input.pressure_mbar, "air pressure, mbar")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1200.0));
  app.add_option("--temperature", input.temperature_c, "air temperature, C")
      ->capture_default_str()
      ->check(CLI::Range(-90.0, 70.0));
  app.add_option("--delta-t", delta_t, "TT - UT in seconds (default: from the date)")
      ->check(CLI::Range(-8000.0, 8000.0));
  app.add_flag("--json", json, "print JSON");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;

  int utc_offset_s = 0;
  std::string zone_name = tz;
  if (!photo.empty()) {
    if (!at.empty() || lat || lon) {
      std::cerr << "geoverify sun: give either a photo or --at/--lat/--lon, not both\n";
      return kExitUsage;
    }
    PhotoMetadata meta;
    if (auto st = FromPhoto(photo, input, utc_offset_s, zone_name, &meta); !st.ok())
      return FailInput("sun", json,
                       {{"file", photo},
                        {"sha256", meta.sha256.empty() ? nlohmann::ordered_json(nullptr)
                                                       : nlohmann::ordered_json(meta.sha256)}},
                       st.error().message);
  } else {
    if (at.empty() || !lat || !lon) {
      std::cerr << "geoverify sun: --at, --lat and --lon are required (or a photo)\n";
      return kExitUsage;
    }
    auto time = ResolveTime(at, tz);
    if (!time.ok()) {
      std::cerr << "geoverify sun: " << time.error().message << "\n";
      return kExitUsage;
    }
    input.utc_seconds = time->utc_seconds;
    input.lat_deg = *lat;
    input.lon_deg = *lon;
    utc_offset_s = time->utc_offset_s;
  }
  SetDeltaT(input, delta_t);
  if (auto st = input.Check(); !st.ok()) {
    std::cerr << "geoverify sun: " << st.error().message << "\n";
    return kExitUsage;
  }
  const auto terms = SpaTerms::Default();
  if (!terms.ok()) {
    std::cerr << "geoverify sun: " << terms.error().message << "\n";
    return kExitSomeFailed;
  }
  SunSummary summary = SummarizeSun(**terms, input, utc_offset_s);
  summary.zone = zone_name;
  if (json) {
    std::cout << ToJson(summary).dump(2) << "\n";
  } else {
    std::cout << FormatText(summary);
  }
  return kExitOk;
}

}  // namespace gv::cli
