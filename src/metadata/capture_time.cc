#include "metadata/capture_time.h"

#include <cmath>

#include "geo/tzif.h"

namespace gv {

std::optional<int> ExplainedZoneOffset(double seconds) {
  constexpr double kQuarterHour = 900.0, kDriftTolerance = 120.0;
  const double rounded = std::round(seconds / kQuarterHour) * kQuarterHour;
  if (std::abs(seconds - rounded) > kDriftTolerance) return std::nullopt;
  if (rounded < -12 * 3600.0 || rounded > 14 * 3600.0) return std::nullopt;
  return static_cast<int>(rounded);
}

namespace {

void DeriveTime(PhotoMetadata& photo, const ZoneRules* rules_at_gps) {
  const GpsFix* gps = photo.gps ? &*photo.gps : nullptr;
  if (!photo.datetime_original) {
    if (gps && gps->utc_seconds) {
      photo.taken_at_utc = static_cast<std::int64_t>(std::floor(*gps->utc_seconds));
      photo.taken_at_utc_source = "gps";
    }
    return;
  }
  const std::int64_t local = ToEpochSeconds(*photo.datetime_original);
  if (photo.offset_time_original_s) {
    photo.taken_at_utc = local - *photo.offset_time_original_s;
    photo.taken_at_utc_source = "offset";
    return;
  }
  if (gps && gps->utc_seconds) {
    if (const auto offset = ExplainedZoneOffset(static_cast<double>(local) - *gps->utc_seconds)) {
      photo.taken_at_utc = local - *offset;
      photo.taken_at_utc_source = "gps";
      return;
    }
  }
  if (rules_at_gps != nullptr) {
    photo.taken_at_utc = local - rules_at_gps->OffsetForLocal(local);
    photo.taken_at_utc_source = "timezone_at_gps";
    photo.time_zone = rules_at_gps->name();
  }
}

}  // namespace

void DeriveCaptureTime(PhotoMetadata& photo, const TimeZoneIndex* zones) {
  const GpsFix* gps = photo.gps ? &*photo.gps : nullptr;
  std::optional<ZoneRules> rules;
  if (gps && gps->position_valid && zones != nullptr) {
    if (auto found = zones->RulesAt({gps->lat_deg, gps->lon_deg}); found.ok())
      rules = std::move(*found);
  }
  DeriveTime(photo, rules ? &*rules : nullptr);
  // The zone at the position, whatever the time came from (the sun's local times use it).
  if (rules) {
    photo.zone_at_gps = rules->name();
    if (photo.taken_at_utc) photo.zone_at_gps_offset_s = rules->OffsetAtUtc(*photo.taken_at_utc);
  }
}

}  // namespace gv
