#include "geo/timezone.h"

#include <gtest/gtest.h>

#include "util/time.h"

namespace gv {
namespace {

// Needs data/generated/timezones.gpkg, which scripts/test installs (scripts/fetch-data).
class TimeZoneIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = TimeZoneIndex::Default();
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    index_ = *opened;
  }
  std::string ZoneAt(double lat, double lon) {
    auto zone = index_->ZoneAt({lat, lon});
    EXPECT_TRUE(zone.ok());
    return zone.ok() ? zone->zone : "";
  }
  std::shared_ptr<TimeZoneIndex> index_;
};

TEST_F(TimeZoneIndexTest, TellsMyawaddyFromMaeSotAcrossTheMoeiRiver) {
  EXPECT_EQ(ZoneAt(16.647556, 98.520722), "Asia/Yangon");  // KK Park, Myanmar
  EXPECT_EQ(ZoneAt(16.7130, 98.5750), "Asia/Bangkok");     // Mae Sot, Thailand
}

TEST_F(TimeZoneIndexTest, FindsSoutheastAsianZones) {
  EXPECT_EQ(ZoneAt(10.6333, 103.5000), "Asia/Phnom_Penh");     // Sihanoukville
  EXPECT_EQ(ZoneAt(20.361150, 100.099807), "Asia/Vientiane");  // Golden Triangle SEZ
  EXPECT_EQ(ZoneAt(15.2742, 120.5669), "Asia/Manila");         // Bamban
  EXPECT_EQ(ZoneAt(43.4674483, 11.8851267), "Europe/Rome");
}

TEST_F(TimeZoneIndexTest, OpenSeaFallsBackToNauticalZone) {
  auto zone = index_->ZoneAt({5.0, 90.0});  // Bay of Bengal / Indian Ocean
  ASSERT_TRUE(zone.ok());
  EXPECT_TRUE(zone->at_sea);
  EXPECT_EQ(zone->zone, "Etc/GMT-6");
  EXPECT_FALSE(index_->ZoneAt({95.0, 0.0}).ok());
}

TEST(NauticalZone, UsesPosixSigns) {
  EXPECT_EQ(NauticalZone(105.0), "Etc/GMT-7");
  EXPECT_EQ(NauticalZone(-75.0), "Etc/GMT+5");
  EXPECT_EQ(NauticalZone(3.0), "Etc/GMT");
}

TEST(TimeZoneIndex, MissingDataIsAClearError) {
  auto opened = TimeZoneIndex::Open("/nonexistent/timezones.gpkg");
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("scripts/fetch-data"), std::string::npos);
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(TimeZoneIndex, RulesAtGivesTheZonesRulesAndName) {
  auto index = TimeZoneIndex::Default();
  ASSERT_TRUE(index.ok());
  auto rules = (*index)->RulesAt({16.647556, 98.520722});
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_EQ(rules->name(), "Asia/Yangon");
  EXPECT_EQ(rules->OffsetAtUtc(ToEpochSeconds({2025, 3, 14, 9, 50, 0})), 6 * 3600 + 1800);
  EXPECT_FALSE((*index)->RulesAt({-91.0, 0.0}).ok());
}

}  // namespace
}  // namespace gv
