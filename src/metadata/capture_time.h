// When was the photo taken, in UTC? From the local DateTimeOriginal and, in this order of
// preference: OffsetTimeOriginal ("offset"); the GPS time stamp when camera and GPS clocks
// differ by a real zone offset ("gps"); the IANA time zone at the GPS position
// ("timezone_at_gps"). Without DateTimeOriginal the GPS time itself is used ("gps").
#pragma once

#include <cstdint>
#include <optional>

#include "geo/timezone.h"
#include "metadata/photo_metadata.h"

namespace gv {

// If `seconds` (camera clock minus GPS clock) is a whole number of quarter hours within
// ±2 minutes (clock drift) and in -12 h..+14 h, the offset it stands for; else nothing.
std::optional<int> ExplainedZoneOffset(double seconds);

// Sets taken_at_utc, taken_at_utc_source and time_zone of `photo`. `zones` may be null
// (no boundary data installed): then the third method is skipped.
void DeriveCaptureTime(PhotoMetadata& photo, const TimeZoneIndex* zones);

}  // namespace gv
