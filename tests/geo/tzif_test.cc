#include "geo/tzif.h"

#include <gtest/gtest.h>

#include "util/time.h"

namespace gv {
namespace {

std::int64_t Utc(int y, int mo, int d, int h, int mi) {
  return ToEpochSeconds({y, mo, d, h, mi, 0});
}

TEST(ZoneRules, YangonIsHalfHourZone) {
  const auto yangon = ZoneRules::Load("Asia/Yangon");
  ASSERT_TRUE(yangon.ok()) << yangon.error().message;
  EXPECT_EQ(yangon->OffsetAtUtc(Utc(2025, 3, 14, 9, 50)), 6 * 3600 + 1800);
  EXPECT_EQ(yangon->OffsetForLocal(Utc(2025, 3, 14, 16, 20)), 6 * 3600 + 1800);
}

TEST(ZoneRules, FollowsDaylightSavingTransitions) {
  const auto rome = ZoneRules::Load("Europe/Rome");
  ASSERT_TRUE(rome.ok());
  EXPECT_EQ(rome->OffsetAtUtc(Utc(2008, 10, 22, 12, 0)), 7200);  // CEST until 26 Oct 2008
  EXPECT_EQ(rome->OffsetAtUtc(Utc(2008, 12, 1, 12, 0)), 3600);
  bool ambiguous = false;
  // 2008-10-26 02:30 local happened twice (03:00 CEST -> 02:00 CET): earlier instant.
  EXPECT_EQ(rome->OffsetForLocal(Utc(2008, 10, 26, 2, 30), &ambiguous), 7200);
  EXPECT_TRUE(ambiguous);
  // 2008-03-30 02:30 local never happened: offset before the jump.
  EXPECT_EQ(rome->OffsetForLocal(Utc(2008, 3, 30, 2, 30), &ambiguous), 3600);
  EXPECT_FALSE(ambiguous);
}

TEST(ZoneRules, RejectsNamesThatEscapeTheZoneFolder) {
  EXPECT_FALSE(ZoneRules::Load("../../etc/passwd").ok());
  EXPECT_FALSE(ZoneRules::Load("/etc/passwd").ok());
  EXPECT_FALSE(ZoneRules::Load("No/Such_Zone").ok());
}

TEST(ZoneRules, RejectsMalformedData) {
  std::vector<std::uint8_t> junk = {'T', 'Z', 'i', 'f', '2'};
  EXPECT_FALSE(ZoneRules::Parse(junk, "junk").ok());
  junk.resize(44, 0);
  junk[43] = 200;  // 200 types claimed, no data
  junk[39] = 1;
  EXPECT_FALSE(ZoneRules::Parse(junk, "junk").ok());
}

}  // namespace
}  // namespace gv
