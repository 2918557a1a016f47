#include "image/decode.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "image/format.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

std::vector<std::uint8_t> Png(int w, int h) {
  std::vector<std::uint8_t> out;
  cv::imencode(".png", cv::Mat(h, w, CV_8UC3, cv::Scalar(1, 2, 3)), out);
  return out;
}

TEST(DetectFormat, UsesContentNotNames) {
  EXPECT_EQ(DetectFormat(test::MakeSceneJpeg(32, 32, 80, 1)), ImageFormat::kJpeg);
  EXPECT_EQ(DetectFormat(Png(4, 4)), ImageFormat::kPng);
  const std::string mp4(
      "\0\0\0\x18"
      "ftypisom\0\0\0\0",
      16);
  EXPECT_EQ(DetectFormat({reinterpret_cast<const std::uint8_t*>(mp4.data()), mp4.size()}),
            ImageFormat::kIsoVideo);
  const std::string heic(
      "\0\0\0\x18"
      "ftypheic\0\0\0\0",
      16);
  EXPECT_EQ(DetectFormat({reinterpret_cast<const std::uint8_t*>(heic.data()), heic.size()}),
            ImageFormat::kHeif);
  EXPECT_FALSE(IsSupportedForMetadata(ImageFormat::kIsoVideo));
  EXPECT_TRUE(IsSupportedForMetadata(ImageFormat::kTiff));
}

TEST(ReadImageSize, ReadsHeadersOfCommonFormats) {
  auto size = ReadImageSize(Png(37, 21));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->width, 37);
  EXPECT_EQ(size->height, 21);
  size = ReadImageSize(test::MakeSceneJpeg(160, 90, 80, 1));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->width, 160);
}

TEST(DecodeImage, DecodesWithinLimits) {
  const auto image = DecodeImage(test::MakeSceneJpeg(160, 90, 80, 1));
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_EQ(image->cols, 160);
  EXPECT_EQ(image->rows, 90);
}

TEST(DecodeImage, RefusesPixelBombBeforeDecoding) {
  auto png = Png(8, 8);
  // Claim 100000 x 100000 pixels in the IHDR chunk (CRC now wrong: never reached).
  const std::uint32_t big = 100000;
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = static_cast<std::uint8_t>(big >> (24 - 8 * i));
    png[20 + i] = static_cast<std::uint8_t>(big >> (24 - 8 * i));
  }
  const auto image = DecodeImage(png);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find("above the decoding limit"), std::string::npos);
  DecodeLimits small;
  small.max_pixels = 1000;
  EXPECT_FALSE(DecodeImage(test::MakeSceneJpeg(160, 90, 80, 1), small).ok());
}

TEST(DecodeImage, ShownOrAsStored) {
  // Stored 64 x 48 with EXIF orientation 6: shown turned a quarter, 48 x 64.
  test::TempDir dir;
  test::SynthExif exif;
  exif.orientation = 6;
  test::WritePhoto(dir / "turned.jpg", test::MakeSceneJpeg(64, 48, 90, 2), exif);
  const auto bytes = test::ReadAll(dir / "turned.jpg");
  auto shown = DecodeImage(bytes), stored = DecodeImage(bytes, {}, DecodeAs::kStored),
       grey = DecodeImage(bytes, {}, DecodeAs::kStoredGrey);
  ASSERT_TRUE(shown.ok() && stored.ok() && grey.ok());
  EXPECT_EQ(shown->size(), cv::Size(48, 64));
  EXPECT_EQ(stored->size(), cv::Size(64, 48));
  EXPECT_EQ(stored->channels(), 3);
  EXPECT_EQ(grey->size(), cv::Size(64, 48));
  EXPECT_EQ(grey->channels(), 1);
  // The limits hold for every frame.
  DecodeLimits small;
  small.max_pixels = 1000;
  EXPECT_FALSE(DecodeImage(bytes, small, DecodeAs::kStoredGrey).ok());
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

// A bright mark at a known place of the stored grid, under each EXIF orientation: where
// OpenCV shows it is where ShownRect says.
TEST(ShownRect, AgreesWithTheDecoderForAllEightOrientations) {
  const cv::Rect mark(8, 16, 24, 8);
  cv::Mat stored(48, 64, CV_8UC3, cv::Scalar(40, 40, 40));
  stored(mark).setTo(cv::Scalar(230, 230, 230));
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", stored, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95});
  test::TempDir dir;
  for (int orientation = 1; orientation <= 8; ++orientation) {
    test::SynthExif exif;
    exif.orientation = orientation;
    const auto path = dir / ("o" + std::to_string(orientation) + ".jpg");
    test::WritePhoto(path, jpeg, exif);
    auto shown = DecodeImage(test::ReadAll(path));
    ASSERT_TRUE(shown.ok());
    cv::Mat grey, bright;
    cv::cvtColor(*shown, grey, cv::COLOR_BGR2GRAY);
    cv::threshold(grey, bright, 135, 255, cv::THRESH_BINARY);
    EXPECT_EQ(cv::boundingRect(bright), ShownRect(mark, stored.size(), orientation))
        << "orientation " << orientation;
  }
  EXPECT_EQ(ShownRect(mark, stored.size(), 0), mark);
}

}  // namespace
}  // namespace gv
