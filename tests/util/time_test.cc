#include "util/time.h"

#include <gtest/gtest.h>

namespace gv {
namespace {

TEST(CivilTime, RoundTripsThroughEpochSeconds) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  const CivilTime t{2024, 2, 29, 23, 59, 58};
  const CivilTime back = FromEpochSeconds(ToEpochSeconds(t));
  EXPECT_EQ(FormatIsoLocal(back), "2024-02-29T23:59:58");
  EXPECT_EQ(FormatIsoUtc(-1), "1969-12-31T23:59:59Z");
}

TEST(ParseExifDateTime, AcceptsExifAndIsoForms) {
  ASSERT_TRUE(ParseExifDateTime("2008:10:22 16:28:39"));
  EXPECT_EQ(FormatIsoLocal(*ParseExifDateTime("2008:10:22 16:28:39")), "2008-10-22T16:28:39");
  EXPECT_EQ(FormatIsoLocal(*ParseExifDateTime("2004-08-27T13:52:55+02:00")), "2004-08-27T13:52:55");
  EXPECT_EQ(FormatIsoLocal(*ParseExifDateTime("2008:10:22")), "2008-10-22T00:00:00");
}

TEST(ParseExifDateTime, RejectsPlaceholdersAndImpossibleDates) {
  EXPECT_FALSE(ParseExifDateTime("0000:00:00 00:00:00"));
  EXPECT_FALSE(ParseExifDateTime("    :  :     :  :  "));
  EXPECT_FALSE(ParseExifDateTime("2023:02:29 10:00:00"));
  EXPECT_FALSE(ParseExifDateTime("2023:13:01 10:00:00"));
  EXPECT_FALSE(ParseExifDateTime("2023:01:01 24:00:00"));
  EXPECT_FALSE(ParseExifDateTime(""));
}

TEST(ParseUtcOffset, ParsesHalfHourZonesAndRejectsGarbage) {
  EXPECT_EQ(ParseUtcOffset("+06:30"), 6 * 3600 + 1800);
  EXPECT_EQ(ParseUtcOffset("-03:30"), -(3 * 3600 + 1800));
  EXPECT_EQ(ParseUtcOffset("+0545"), 5 * 3600 + 45 * 60);
  EXPECT_EQ(ParseUtcOffset("Z"), 0);
  EXPECT_FALSE(ParseUtcOffset("+25:00"));
  EXPECT_FALSE(ParseUtcOffset("06:30"));
  EXPECT_EQ(FormatUtcOffset(-(9 * 3600 + 1800)), "-09:30");
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(ParseIso8601, ZonesAndFractions) {
  auto t = ParseIso8601("2025-03-14T16:20:00+06:30");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatIsoLocal(t->local), "2025-03-14T16:20:00");
  EXPECT_EQ(t->offset_s, 6 * 3600 + 1800);
  t = ParseIso8601("2025-03-14T09:50:00.250Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->offset_s, 0);
  t = ParseIso8601("2025-03-14 16:20:00");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->offset_s);
  EXPECT_FALSE(ParseIso8601("2025:03:14 16:20:00"));  // EXIF form is not ISO
  EXPECT_FALSE(ParseIso8601("2025-03-14T16:20:00+6"));
  EXPECT_FALSE(ParseIso8601("2025-03-14"));
}

}  // namespace
}  // namespace gv
