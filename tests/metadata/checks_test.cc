#include "metadata/checks.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "case/inspect.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

class ChecksTest : public ::testing::Test {
 protected:
  PhotoMetadata Inspect(const test::SynthExif& exif, int w = 640, int h = 480, int quality = 85) {
    const auto path = dir_ / "photo.jpg";
    test::WritePhoto(path, test::MakeSceneJpeg(w, h, quality, 11), exif);
    return InspectPath(path);
  }
  PhotoMetadata InspectPath(const std::filesystem::path& path) {
    InspectOptions options;
    auto zones = TimeZoneIndex::Default();
    if (zones.ok()) options.zones = zones->get();
    return InspectFile(path, options);
  }
  static const Finding* Find(const PhotoMetadata& p, const std::string& code) {
    for (const auto& f : p.findings) {
      if (f.code == code) return &f;
    }
    return nullptr;
  }
  test::TempDir dir_;
};

TEST_F(ChecksTest, CleanCameraPhotoHasNoWarnings) {
  test::SynthExif exif;
  exif.make = "Xiaomi";
  exif.model = "Redmi Note 12";
  exif.datetime_original = exif.datetime = "2025:03:14 16:20:00";
  exif.lat = 16.647556, exif.lon = 98.520722;
  exif.gps_date = "2025:03:14";
  exif.gps_time_s = 9 * 3600 + 49 * 60 + 58;
  const auto p = Inspect(exif);
  for (const auto& f : p.findings)
    EXPECT_EQ(f.severity, Severity::kInfo) << f.code << ": " << f.message;
  EXPECT_EQ(p.taken_at_utc_source, "gps");
}

TEST_F(ChecksTest, MessagingAppCopyWithoutMetadataNamesThePlatform) {
  const auto jpeg = test::MakeSceneJpeg(1600, 1200, 75, 3);
  test::WriteBytes(dir_ / "wa.jpg", jpeg);
  const auto p = InspectPath(dir_ / "wa.jpg");
  const Finding* f = Find(p, "NO_METADATA");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->message.find("WhatsApp"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("quality ~75"), std::string::npos) << f->message;
}

TEST_F(ChecksTest, FacebookMarkerIsReported) {
  test::SynthExif exif;
  exif.iptc_special_instructions = "FBMD0a000a6c0100009e0600003c0c0000";
  const auto p = Inspect(exif, 960, 720);
  const Finding* f = Find(p, "NO_METADATA");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("FBMD"), std::string::npos) << f->message;
}

TEST_F(ChecksTest, EditingSoftwareAndLaterSaveAreWarnings) {
  test::SynthExif exif;
  exif.make = "Apple";
  exif.software = "Adobe Photoshop 25.0 (Windows)";
  exif.datetime_original = "2025:03:14 17:00:00";
  exif.datetime = "2025:03:20 10:12:00";
  const auto p = Inspect(exif);
  ASSERT_NE(Find(p, "EDITED_WITH_SOFTWARE"), nullptr);
  const Finding* later = Find(p, "MODIFIED_AFTER_CAPTURE");
  ASSERT_NE(later, nullptr);
  EXPECT_NE(later->message.find("5d 17h12m00s"), std::string::npos) << later->message;
}

TEST_F(ChecksTest, CameraFirmwareIsOnlyRecorded) {
  test::SynthExif exif;
  exif.make = "NIKON";
  exif.software = "COOLPIX P6000V1.0";
  const auto p = Inspect(exif);
  EXPECT_EQ(Find(p, "EDITED_WITH_SOFTWARE"), nullptr);
  ASSERT_NE(Find(p, "SOFTWARE_RECORDED"), nullptr);
  EXPECT_EQ(KnownEditor("GIMP 2.4.5"), "GIMP");
  EXPECT_EQ(KnownEditor("Nikon Transfer 1.1 W"), "");
}

TEST_F(ChecksTest, CameraClockTwentyTwoHoursBehindGpsIsAMismatch) {
  test::SynthExif exif;  // the real case of the DSCN*.jpg GPS samples (ianare/exif-samples)
  exif.make = "NIKON";
  exif.datetime_original = "2008:10:22 16:28:39";
  exif.lat = 43.4674483, exif.lon = 11.8851267;
  exif.gps_date = "2008:10:23";
  exif.gps_time_s = 14 * 3600 + 27 * 60 + 7.24;
  const auto p = Inspect(exif);
  const Finding* f = Find(p, "GPS_TIME_MISMATCH");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("-21h58m28s"), std::string::npos) << f->message;
  EXPECT_NE(p.taken_at_utc_source, "gps");
}

TEST_F(ChecksTest, CameraClockInAnotherZoneThanThePositionIsInfo) {
  test::SynthExif exif;  // Laos (UTC+7) with a camera on Myanmar time (UTC+06:30)
  exif.datetime_original = "2025:02:02 18:45:10";
  exif.lat = 20.361150, exif.lon = 100.099807;
  exif.gps_date = "2025:02:02";
  exif.gps_time_s = 12 * 3600 + 15 * 60 + 9;
  const auto p = Inspect(exif);
  const Finding* f = Find(p, "CAMERA_CLOCK_ZONE_DIFFERS");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("Asia/Vientiane"), std::string::npos) << f->message;
  EXPECT_EQ(Find(p, "GPS_TIME_MISMATCH"), nullptr);
}

TEST_F(ChecksTest, NullIslandAndOutOfRangeGps) {
  test::SynthExif exif;
  exif.lat = 0.0, exif.lon = 0.0;
  ASSERT_NE(Find(Inspect(exif), "GPS_NULL_ISLAND"), nullptr);
  exif.lat = 95.0, exif.lon = 10.0;
  const auto p = Inspect(exif);
  ASSERT_NE(Find(p, "GPS_INVALID"), nullptr);
  EXPECT_FALSE(p.gps->position_valid);
}

TEST_F(ChecksTest, ThumbnailOfAnotherShapeMeansCropAfterCapture) {
  test::SynthExif exif;
  exif.make = "Apple";
  exif.thumb_width = 160, exif.thumb_height = 120;
  ASSERT_NE(Find(Inspect(exif, 1280, 720), "THUMBNAIL_MISMATCH"), nullptr);
  EXPECT_EQ(Find(Inspect(exif, 1280, 960), "THUMBNAIL_MISMATCH"), nullptr);
}

TEST_F(ChecksTest, TruncatedAndAppendedFilesAreWarnings) {
  test::SynthExif exif;
  exif.make = "Apple";
  test::WritePhoto(dir_ / "whole.jpg", test::MakeSceneJpeg(320, 240, 85, 2), exif);
  auto bytes = test::ReadAll(dir_ / "whole.jpg");
  auto cut = bytes;
  cut.resize(bytes.size() - 500);
  test::WriteBytes(dir_ / "cut.jpg", cut);
  EXPECT_NE(Find(InspectPath(dir_ / "cut.jpg"), "TRUNCATED_IMAGE"), nullptr);
  for (char c : std::string("PK\x03\x04 zip archive appended"))
    bytes.push_back(static_cast<std::uint8_t>(c));
  test::WriteBytes(dir_ / "appended.jpg", bytes);
  EXPECT_NE(Find(InspectPath(dir_ / "appended.jpg"), "TRAILING_DATA"), nullptr);
}

}  // namespace
}  // namespace gv
