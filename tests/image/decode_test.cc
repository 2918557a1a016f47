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

// A classic TIFF header and one directory holding only the image size, big-endian:
// tag 256 (width) as SHORT, tag 257 (height) as LONG.
std::vector<std::uint8_t> BigEndianTiffHeader(std::uint16_t width, std::uint32_t height) {
  std::vector<std::uint8_t> t = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 2};
  const std::vector<std::uint8_t> w = {1,
                                       0,
                                       0,
                                       3,
                                       0,
                                       0,
                                       0,
                                       1,
                                       static_cast<std::uint8_t>(width >> 8),
                                       static_cast<std::uint8_t>(width),
                                       0,
                                       0};
  std::vector<std::uint8_t> h = {1, 1, 0, 4, 0, 0, 0, 1};
  for (int i = 3; i >= 0; --i) h.push_back(static_cast<std::uint8_t>(height >> (8 * i)));
  t.insert(t.end(), w.begin(), w.end());
  t.insert(t.end(), h.begin(), h.end());
  return t;
}

TEST(ReadImageSize, ReadsTheFirstTiffDirectoryWithinTheFile) {
  std::vector<std::uint8_t> tiff;
  ASSERT_TRUE(cv::imencode(".tif", cv::Mat(21, 37, CV_8UC3, cv::Scalar(1, 2, 3)), tiff));
  auto size = ReadImageSize(tiff);  // libtiff writes little-endian
  ASSERT_TRUE(size.ok()) << size.error().message;
  EXPECT_EQ(size->width, 37);
  EXPECT_EQ(size->height, 21);
  const auto image = DecodeImage(tiff);
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_EQ(image->size(), cv::Size(37, 21));
  DecodeLimits small;
  small.max_pixels = 700;
  EXPECT_FALSE(DecodeImage(tiff, small).ok());

  const auto header = BigEndianTiffHeader(300, 200);
  size = ReadImageSize(header);
  ASSERT_TRUE(size.ok()) << size.error().message;
  EXPECT_EQ(size->width, 300);
  EXPECT_EQ(size->height, 200);
  // A directory cut short, or pointing past the end: an error, no read out of bounds.
  auto cut = ReadImageSize(std::span(header).first(header.size() - 3));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("TIFF"), std::string::npos) << cut.error().message;
  auto far = header;
  far[4] = 0x7f;
  EXPECT_FALSE(ReadImageSize(far).ok());
  // A TIFF claiming 60000 x 60000 pixels is refused before anything is decoded.
  const auto bomb = DecodeImage(BigEndianTiffHeader(60000, 60000));
  ASSERT_FALSE(bomb.ok());
  EXPECT_NE(bomb.error().message.find("above the decoding limit"), std::string::npos)
      << bomb.error().message;
}

TEST(ReadImageSize, NamesWhatItCannotDecode) {
  const std::string text = "Received 2025-03-21 from a family member.\n";
  auto r =
      ReadImageSize(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not recognised"), std::string::npos) << r.error().message;
  const std::vector<std::uint8_t> pdf = {'%', 'P', 'D', 'F', '-', '1', '.', '7', '\n', 0, 0, 0};
  r = ReadImageSize(pdf);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("PDF"), std::string::npos) << r.error().message;
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
