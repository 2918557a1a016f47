#include "metadata/exiv2_reader.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

class Exiv2ReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { InitializeMetadataLibrary(); }
  PhotoMetadata Read(const test::SynthExif& exif, int w = 320, int h = 240) {
    const auto path = dir_ / "photo.jpg";
    test::WritePhoto(path, test::MakeSceneJpeg(w, h, 85, 7), exif);
    PhotoMetadata out;
    const Status st = ReadPhotoMetadata(test::ReadAll(path), out);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    return out;
  }
  test::TempDir dir_;
};

TEST_F(Exiv2ReaderTest, ReadsCameraTimesAndOrientation) {
  test::SynthExif exif;
  exif.make = "Xiaomi";
  exif.model = "Redmi Note 12";
  exif.datetime_original = "2025:03:14 16:20:00";
  exif.offset_time_original = "+06:30";
  exif.orientation = 6;
  const auto p = Read(exif);
  EXPECT_EQ(p.format, "JPEG");
  EXPECT_EQ(p.width, 320);
  EXPECT_EQ(p.height, 240);
  EXPECT_EQ(p.make, "Xiaomi");
  EXPECT_EQ(p.model, "Redmi Note 12");
  EXPECT_EQ(p.orientation, 6);
  ASSERT_TRUE(p.datetime_original);
  EXPECT_EQ(FormatIsoLocal(*p.datetime_original), "2025-03-14T16:20:00");
  EXPECT_EQ(p.offset_time_original_s, 6 * 3600 + 1800);
  EXPECT_TRUE(p.has_exif);
}

TEST_F(Exiv2ReaderTest, GpsIsSignedDecimalDegrees) {
  test::SynthExif exif;
  exif.lat = -33.8567844;  // southern and western hemispheres
  exif.lon = -70.6483059;
  exif.alt_m = -12.5;  // below sea level
  exif.gps_date = "2025:01:02";
  exif.gps_time_s = 3 * 3600 + 4 * 60 + 5.25;
  const auto p = Read(exif);
  ASSERT_TRUE(p.gps);
  EXPECT_TRUE(p.gps->position_valid);
  EXPECT_NEAR(p.gps->lat_deg, -33.8567844, 1e-6);
  EXPECT_NEAR(p.gps->lon_deg, -70.6483059, 1e-6);
  ASSERT_TRUE(p.gps->alt_m);
  EXPECT_NEAR(*p.gps->alt_m, -12.5, 1e-9);
  ASSERT_TRUE(p.gps->utc_seconds);
  EXPECT_NEAR(*p.gps->utc_seconds,
              static_cast<double>(ToEpochSeconds({2025, 1, 2, 3, 4, 5})) + 0.25, 1e-6);
  EXPECT_EQ(p.gps->map_datum, "WGS-84");
}

TEST_F(Exiv2ReaderTest, ReadsThumbnailIptcXmpAndEveryTag) {
  test::SynthExif exif;
  exif.make = "Apple";
  exif.thumb_width = 160;
  exif.thumb_height = 120;
  exif.iptc_special_instructions = "FBMD01000a8a0300";
  exif.xmp_creator_tool = "Snapseed 2.0";
  const auto p = Read(exif);
  ASSERT_TRUE(p.thumbnail);
  EXPECT_EQ(p.thumbnail->width, 160);
  EXPECT_EQ(p.thumbnail->height, 120);
  EXPECT_GT(p.thumbnail->bytes, 100u);
  EXPECT_EQ(p.iptc_special_instructions, "FBMD01000a8a0300");
  EXPECT_EQ(p.xmp_creator_tool, "Snapseed 2.0");
  const auto has = [&](const std::string& key) {
    return std::any_of(p.tags.begin(), p.tags.end(), [&](const auto& t) { return t.first == key; });
  };
  EXPECT_TRUE(has("Exif.Image.Make"));
  EXPECT_TRUE(has("Iptc.Application2.SpecialInstructions"));
  EXPECT_TRUE(has("Xmp.xmp.CreatorTool"));
  EXPECT_TRUE(has("Exif.Thumbnail.JPEGInterchangeFormat"));
}

TEST_F(Exiv2ReaderTest, GpsVersionAloneIsNoGps) {
  test::SynthExif exif;
  exif.make = "Canon";
  const auto p = Read(exif);
  EXPECT_FALSE(p.gps);
}

TEST_F(Exiv2ReaderTest, RefusesVideoContainersBeforeExiv2SeesThem) {
  const std::string mp4(
      "\0\0\0\x18"
      "ftypmp42\0\0\0\0mp42isom\0\0\0\x08moov",
      32);
  PhotoMetadata out;
  const Status st =
      ReadPhotoMetadata({reinterpret_cast<const std::uint8_t*>(mp4.data()), mp4.size()}, out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("not supported"), std::string::npos);
  EXPECT_EQ(out.format, "ISO-BMFF video");
}

TEST_F(Exiv2ReaderTest, CorruptJpegIsAnErrorNotACrash) {
  test::SynthExif exif;
  exif.make = "Canon";
  test::WritePhoto(dir_ / "a.jpg", test::MakeSceneJpeg(64, 64, 80, 1), exif);
  auto bytes = test::ReadAll(dir_ / "a.jpg");
  bytes.resize(120);
  PhotoMetadata out;
  const Status st = ReadPhotoMetadata(bytes, out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("corrupt JPEG"), std::string::npos);
}

TEST_F(Exiv2ReaderTest, ReadsPngDimensions) {
  std::vector<std::uint8_t> png;
  cv::imencode(".png", cv::Mat(30, 50, CV_8UC3, cv::Scalar(9, 9, 9)), png);
  PhotoMetadata out;
  ASSERT_TRUE(ReadPhotoMetadata(png, out).ok());
  EXPECT_EQ(out.format, "PNG");
  EXPECT_EQ(out.width, 50);
  EXPECT_EQ(out.height, 30);
  EXPECT_FALSE(out.has_exif);
}

}  // namespace
}  // namespace gv
