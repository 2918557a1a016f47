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

void DeriveCaptureTime(PhotoMetadata& photo, const TimeZoneIndex* zones) {
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
  if (gps && gps->position_valid && zones != nullptr) {
    const auto rules = zones->RulesAt({gps->lat_deg, gps->lon_deg});
    if (!rules.ok()) return;
    photo.taken_at_utc = local - rules->OffsetForLocal(local);
    photo.taken_at_utc_source = "timezone_at_gps";
    photo.time_zone = rules->name();
  }
}

}  // namespace gv
