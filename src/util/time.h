// Civil (calendar) date-times without a time zone, and conversions to and from seconds
// since the Unix epoch. Proleptic Gregorian calendar; algorithms from H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gv {

struct CivilTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

// Days since 1970-01-01 for a proleptic Gregorian date.
std::int64_t DaysFromCivil(int year, int month, int day);
// Seconds since the epoch, treating the civil time as UTC.
std::int64_t ToEpochSeconds(const CivilTime& t);
CivilTime FromEpochSeconds(std::int64_t seconds);

// Parses EXIF "YYYY:MM:DD HH:MM:SS" (also '-' date separators and 'T'); trailing text
// after the seconds is ignored. Rejects all-zero or blank dates and out-of-range fields.
std::optional<CivilTime> ParseExifDateTime(std::string_view text);

// Parses a UTC offset "+06:30", "-05:00", "+0530", "Z". Returns seconds east of UTC.
std::optional<int> ParseUtcOffset(std::string_view text);

// ISO 8601 date-time "2025-03-14T16:20:00", with optional fractional seconds (dropped)
// and optional zone "Z" / "+06:30" / "+0630". The separator may be 'T' or a space.
struct ZonedTime {
  CivilTime local;
  std::optional<int> offset_s;  // seconds east of UTC; empty when the text has no zone
};
std::optional<ZonedTime> ParseIso8601(std::string_view text);

// "2008-10-22T16:28:39" (no zone).
std::string FormatIsoLocal(const CivilTime& t);
// "2008-10-22T16:28:39Z".
std::string FormatIsoUtc(std::int64_t epoch_seconds);
// "+06:30".
std::string FormatUtcOffset(int seconds_east);
// Current time as ISO 8601 UTC.
std::string NowIsoUtc();

}  // namespace gv
