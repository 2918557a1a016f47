#include "sun/sun_summary.h"

#include <cmath>
#include <cstdio>
#include <numbers>
#include <sstream>

#include "geo/tzif.h"
#include "util/time.h"

namespace gv {
namespace {

using Json = nlohmann::ordered_json;

Json TimeOrNull(const std::optional<double>& t) {
  return t ? Json(FormatIsoUtc(static_cast<std::int64_t>(std::llround(*t)))) : Json(nullptr);
}

}  // namespace

std::optional<double> ShadowRatio(double elevation_deg) {
  if (!(elevation_deg > 0.0)) return std::nullopt;
  return 1.0 / std::tan(elevation_deg * std::numbers::pi / 180.0);
}

SunSummary SummarizeSun(const SpaTerms& terms, const SpaInput& input, int utc_offset_s) {
  SunSummary s;
  s.input = input;
  s.spa = ComputeSpa(terms, input);
  s.events = ComputeSunEvents(terms, input, utc_offset_s);
  s.utc_offset_s = utc_offset_s;
  s.shadow_ratio = ShadowRatio(s.spa.e);
  return s;
}

Json ToJson(const SunSummary& s) {
  Json j;
  j["at_utc"] = FormatIsoUtc(static_cast<std::int64_t>(std::llround(s.input.utc_seconds)));
  j["lat"] = s.input.lat_deg;
  j["lon"] = s.input.lon_deg;
  j["elevation_m"] = s.input.elevation_m;
  j["azimuth_deg"] = s.spa.azimuth;
  j["zenith_deg"] = s.spa.zenith;
  j["elevation_deg"] = s.spa.e;
  j["elevation_true_deg"] = s.spa.e0;
  j["sunrise"] = TimeOrNull(s.events.sunrise_utc);
  j["transit"] = TimeOrNull(s.events.transit_utc);
  j["sunset"] = TimeOrNull(s.events.sunset_utc);
  j["shadow_ratio"] = s.shadow_ratio ? Json(*s.shadow_ratio) : Json(nullptr);
  j["shadow_azimuth_deg"] =
      s.shadow_ratio ? Json(std::fmod(s.spa.azimuth + 180.0, 360.0)) : Json(nullptr);
  j["equation_of_time_min"] = s.spa.eot_min;
  j["utc_offset"] = FormatUtcOffset(s.utc_offset_s);
  j["time_zone"] = s.zone.empty() ? Json(nullptr) : Json(s.zone);
  j["delta_t_s"] = s.input.delta_t_s;
  j["pressure_mbar"] = s.input.pressure_mbar;
  j["temperature_c"] = s.input.temperature_c;
  return j;
}

std::string FormatText(const SunSummary& s) {
  const auto local = [&](const std::optional<double>& t) -> std::string {
    if (!t) return "none (sun does not cross the horizon)";
    const auto when = static_cast<std::int64_t>(std::llround(*t));
    return FormatIsoUtc(when) + "  (" + FormatIsoLocal(FromEpochSeconds(when + s.utc_offset_s)) +
           FormatUtcOffset(s.utc_offset_s) + ")";
  };
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "time         %s\nposition     %.6f, %.6f, %.0f m\n"
                "azimuth      %.4f deg (from true north, clockwise)\n"
                "elevation    %.4f deg refracted, %.4f deg true (zenith %.4f deg)\n",
                FormatIsoUtc(static_cast<std::int64_t>(std::llround(s.input.utc_seconds))).c_str(),
                s.input.lat_deg, s.input.lon_deg, s.input.elevation_m, s.spa.azimuth, s.spa.e,
                s.spa.e0, s.spa.zenith);
  std::ostringstream out;
  out << buf;
  if (s.shadow_ratio) {
    std::snprintf(buf, sizeof buf, "shadow       %.4f x object height, pointing %.2f deg\n",
                  *s.shadow_ratio, std::fmod(s.spa.azimuth + 180.0, 360.0));
    out << buf;
  } else {
    out << "shadow       none: the sun is below the horizon\n";
  }
  out << "sunrise      " << local(s.events.sunrise_utc) << "\ntransit      "
      << local(s.events.transit_utc) << "\nsunset       " << local(s.events.sunset_utc) << "\n";
  return out.str();
}

Result<ResolvedTime> ResolveTime(std::string_view text, const std::string& zone) {
  const auto parsed = ParseIso8601(text);
  if (!parsed) {
    return MakeError("'" + std::string(text) +
                     "' is not an ISO 8601 time (2025-03-14T16:20:00+06:30, ...Z)");
  }
  const double local = static_cast<double>(ToEpochSeconds(parsed->local));
  ResolvedTime out;
  out.zone = zone;
  if (parsed->offset_s) {
    out.utc_offset_s = *parsed->offset_s;
    out.utc_seconds = local - *parsed->offset_s;
    if (!zone.empty()) {
      auto rules = ZoneRules::Load(zone);
      if (!rules.ok()) return rules.error();
      out.utc_offset_s = rules->OffsetAtUtc(static_cast<std::int64_t>(out.utc_seconds));
    }
    return out;
  }
  if (zone.empty()) {
    return MakeError("'" + std::string(text) +
                     "' has no time zone: add Z or an offset, or give --tz");
  }
  auto rules = ZoneRules::Load(zone);
  if (!rules.ok()) return rules.error();
  out.utc_offset_s = rules->OffsetForLocal(static_cast<std::int64_t>(local));
  out.utc_seconds = local - out.utc_offset_s;
  return out;
}

}  // namespace gv
