#include "metadata/capture_time.h"

#include <gtest/gtest.h>

namespace gv {
namespace {

PhotoMetadata Photo(const char* local) {
  PhotoMetadata p;
  p.datetime_original = ParseExifDateTime(local);
  return p;
}

GpsFix Fix(double lat, double lon, std::optional<CivilTime> utc = std::nullopt) {
  GpsFix g;
  g.lat_deg = lat;
  g.lon_deg = lon;
  g.position_valid = true;
  if (utc) g.utc_seconds = static_cast<double>(ToEpochSeconds(*utc));
  return g;
}

std::shared_ptr<TimeZoneIndex> Zones() {
  auto zones = TimeZoneIndex::Default();
  EXPECT_TRUE(zones.ok()) << zones.error().message;
  return zones.ok() ? *zones : nullptr;
}

TEST(ExplainedZoneOffset, AcceptsQuarterHoursWithinDriftOnly) {
  EXPECT_EQ(ExplainedZoneOffset(6 * 3600 + 1800 + 90), 6 * 3600 + 1800);
  EXPECT_EQ(ExplainedZoneOffset(5 * 3600 + 45 * 60), 5 * 3600 + 45 * 60);
  EXPECT_EQ(ExplainedZoneOffset(-5 * 3600), -5 * 3600);
  EXPECT_FALSE(ExplainedZoneOffset(7 * 60 * 60 + 7 * 60));  // 7 minutes off any quarter hour
  EXPECT_FALSE(ExplainedZoneOffset(-(22 * 3600 - 91)));     // the DSCN camera: 22 h behind
  EXPECT_FALSE(ExplainedZoneOffset(15 * 3600));
}

TEST(DeriveCaptureTime, PrefersOffsetTimeOriginal) {
  auto p = Photo("2025:03:14 16:20:00");
  p.offset_time_original_s = 6 * 3600 + 1800;
  p.gps = Fix(16.65, 98.52, CivilTime{2025, 3, 14, 12, 0, 0});
  DeriveCaptureTime(p, Zones().get());
  EXPECT_EQ(p.taken_at_utc_source, "offset");
  EXPECT_EQ(FormatIsoUtc(*p.taken_at_utc), "2025-03-14T09:50:00Z");
}

TEST(DeriveCaptureTime, UsesGpsClockWhenItDiffersByAZoneOffset) {
  auto p = Photo("2025:03:14 16:20:00");
  p.gps = Fix(16.65, 98.52, CivilTime{2025, 3, 14, 9, 49, 58});
  DeriveCaptureTime(p, Zones().get());
  EXPECT_EQ(p.taken_at_utc_source, "gps");
  EXPECT_EQ(FormatIsoUtc(*p.taken_at_utc), "2025-03-14T09:50:00Z");
}

TEST(DeriveCaptureTime, FallsBackToTheHalfHourZoneAtTheGpsPosition) {
  auto p = Photo("2025:03:15 08:05:00");
  p.gps = Fix(16.8205, 98.5309);  // Shwe Kokko, Myanmar: UTC+06:30
  DeriveCaptureTime(p, Zones().get());
  EXPECT_EQ(p.taken_at_utc_source, "timezone_at_gps");
  EXPECT_EQ(p.time_zone, "Asia/Yangon");
  EXPECT_EQ(FormatIsoUtc(*p.taken_at_utc), "2025-03-15T01:35:00Z");
}

TEST(DeriveCaptureTime, UnknownWithoutAnyTimeSource) {
  auto p = Photo("2025:03:15 08:05:00");
  DeriveCaptureTime(p, Zones().get());
  EXPECT_FALSE(p.taken_at_utc);
  EXPECT_EQ(p.taken_at_utc_source, "");
  PhotoMetadata no_time;
  no_time.gps = Fix(1, 1, CivilTime{2020, 1, 1, 0, 0, 0});
  DeriveCaptureTime(no_time, nullptr);
  EXPECT_EQ(no_time.taken_at_utc_source, "gps");
}

}  // namespace
}  // namespace gv
