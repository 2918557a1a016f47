#include "sun/shadow_check.h"

#include <cmath>
#include <cstdio>
#include <numbers>

#include "sun/sun_summary.h"

namespace gv {
namespace {
double Deg(double r) { return r * 180.0 / std::numbers::pi; }
}  // namespace

Status ShadowCheckInput::Check() const {
  if (auto st = sun.Check(); !st.ok()) return st;
  if (!(object_height > 0)) return MakeError("object height must be positive");
  if (!(shadow_length > 0)) return MakeError("shadow length must be positive");
  if (!(length_tolerance >= 0 && length_tolerance < 1))
    return MakeError("length tolerance must be within 0..1");
  if (shadow_azimuth_deg && !(*shadow_azimuth_deg >= 0 && *shadow_azimuth_deg <= 360)) {
    return MakeError("azimuth must be within 0..360 degrees");
  }
  if (!(azimuth_tolerance_deg > 0 && azimuth_tolerance_deg < 90))
    return MakeError("azimuth tolerance must be in (0, 90)");
  if (!(time_tolerance_s >= 0)) return MakeError("time tolerance must not be negative");
  return OkStatus();
}

Result<ShadowCheck> CheckShadow(const SpaTerms& terms, const ShadowCheckInput& in) {
  if (auto st = in.Check(); !st.ok()) return st.error();
  const SpaResult sun = ComputeSpa(terms, in.sun);
  if (sun.e <= 0) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "the sun is below the horizon (elevation %.2f deg) at this time and place: no "
                  "shadow can be cast; "
                  "the photo's time or place is wrong",
                  sun.e);
    return MakeError(buf);
  }
  ShadowCheck c{};
  c.expected_elevation_deg = sun.e;
  c.expected_ratio = *ShadowRatio(sun.e);
  c.expected_shadow_azimuth_deg = std::fmod(sun.azimuth + 180.0, 360.0);
  c.observed_ratio = in.shadow_length / in.object_height;
  c.observed_elevation_deg = Deg(std::atan(1.0 / c.observed_ratio));
  // Allowed difference: the length tolerance in elevation terms plus how far the sun moves
  // (at most 0.25 deg/min) within the time tolerance.
  const double e_lo = Deg(std::atan(1.0 / (c.observed_ratio * (1 + in.length_tolerance))));
  const double e_hi = Deg(std::atan(1.0 / (c.observed_ratio * (1 - in.length_tolerance))));
  c.elevation_margin_deg =
      std::max(c.observed_elevation_deg - e_lo, e_hi - c.observed_elevation_deg) +
      in.time_tolerance_s / 240.0;
  const double de = c.observed_elevation_deg - c.expected_elevation_deg;
  bool ok = std::abs(de) <= c.elevation_margin_deg;
  if (in.shadow_azimuth_deg) {
    c.azimuth_difference_deg =
        std::remainder(*in.shadow_azimuth_deg - c.expected_shadow_azimuth_deg, 360.0);
    ok = ok && std::abs(*c.azimuth_difference_deg) <=
                   in.azimuth_tolerance_deg + in.time_tolerance_s / 240.0;
  }
  c.consistent = ok;
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "shadow ratio %.3f implies sun elevation %.2f deg; SPA gives %.2f deg (ratio %.3f) "
                "at the photo's time "
                "and place: difference %+.2f deg, allowed %.2f deg",
                c.observed_ratio, c.observed_elevation_deg, c.expected_elevation_deg,
                c.expected_ratio, de, c.elevation_margin_deg);
  std::string message = buf;
  if (c.azimuth_difference_deg) {
    std::snprintf(buf, sizeof buf,
                  "; shadow direction %.1f deg vs expected %.1f deg (difference %+.1f deg)",
                  *in.shadow_azimuth_deg, c.expected_shadow_azimuth_deg, *c.azimuth_difference_deg);
    message += buf;
  }
  c.finding = {ok ? "SHADOW_CONSISTENT" : "SHADOW_INCONSISTENT",
               ok ? Severity::kInfo : Severity::kWarning, message, "shadow"};
  return c;
}

nlohmann::ordered_json ToJson(const ShadowCheck& c) {
  nlohmann::ordered_json j;
  j["consistent"] = c.consistent;
  j["expected_elevation_deg"] = c.expected_elevation_deg;
  j["observed_elevation_deg"] = c.observed_elevation_deg;
  j["elevation_difference_deg"] = c.observed_elevation_deg - c.expected_elevation_deg;
  j["elevation_margin_deg"] = c.elevation_margin_deg;
  j["expected_shadow_ratio"] = c.expected_ratio;
  j["observed_shadow_ratio"] = c.observed_ratio;
  j["expected_shadow_azimuth_deg"] = c.expected_shadow_azimuth_deg;
  j["azimuth_difference_deg"] =
      c.azimuth_difference_deg ? nlohmann::ordered_json(*c.azimuth_difference_deg) : nullptr;
  j["finding"] = {{"code", c.finding.code},
                  {"severity", SeverityName(c.finding.severity)},
                  {"message", c.finding.message}};
  return j;
}

}  // namespace gv
