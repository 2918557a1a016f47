#include "metadata/metadata_json.h"

#include <gtest/gtest.h>

namespace gv {
namespace {

TEST(MetadataJson, HasEveryDocumentedKeyInOrder) {
  PhotoMetadata p;
  p.file = "a.jpg";
  const auto j = ToJson(p);
  const std::vector<std::string> expected = {"file",
                                             "sha256",
                                             "bytes",
                                             "format",
                                             "width",
                                             "height",
                                             "make",
                                             "model",
                                             "serial",
                                             "lens",
                                             "software",
                                             "orientation",
                                             "datetime_original",
                                             "offset_time_original",
                                             "taken_at_utc",
                                             "taken_at_utc_source",
                                             "time_zone",
                                             "gps",
                                             "thumbnail",
                                             "jpeg",
                                             "tags",
                                             "findings",
                                             "error"};
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_EQ(keys, expected);
  EXPECT_TRUE(j["gps"].is_null());
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_FALSE(ToJson(p, false).contains("tags"));
}

TEST(MetadataJson, GpsAndTimesInExiftoolUnits) {
  PhotoMetadata p;
  p.datetime_original = CivilTime{2008, 10, 22, 16, 28, 39};
  p.offset_time_original_s = -(3 * 3600 + 1800);
  p.taken_at_utc = ToEpochSeconds(*p.datetime_original) + 3 * 3600 + 1800;
  p.taken_at_utc_source = "offset";
  GpsFix g;
  g.lat_deg = 43.4674483333333;
  g.lon_deg = -11.885126666;
  g.position_valid = true;
  g.alt_m = -3.5;
  g.utc_seconds = static_cast<double>(ToEpochSeconds({2008, 10, 23, 14, 27, 7})) + 0.24;
  p.gps = g;
  p.tags = {{"Iptc.Application2.Keywords", "a"},
            {"Iptc.Application2.Keywords", "b"},
            {"Exif.Image.Make", "X"}};
  p.AddFinding("GPS_NULL_ISLAND", Severity::kWarning, "m");
  const auto j = ToJson(p);
  EXPECT_EQ(j["datetime_original"], "2008-10-22T16:28:39");
  EXPECT_EQ(j["offset_time_original"], "-03:30");
  EXPECT_EQ(j["taken_at_utc"], "2008-10-22T19:58:39Z");
  EXPECT_DOUBLE_EQ(j["gps"]["lat"].get<double>(), 43.4674483333333);
  EXPECT_DOUBLE_EQ(j["gps"]["lon"].get<double>(), -11.885126666);
  EXPECT_DOUBLE_EQ(j["gps"]["alt_m"].get<double>(), -3.5);
  EXPECT_EQ(j["gps"]["datetime_utc"], "2008-10-23T14:27:07.24Z");
  EXPECT_EQ(j["tags"]["Iptc.Application2.Keywords"], nlohmann::ordered_json::array({"a", "b"}));
  EXPECT_EQ(j["findings"][0]["severity"], "warning");
}

}  // namespace
}  // namespace gv
