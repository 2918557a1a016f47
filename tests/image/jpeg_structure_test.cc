#include "image/jpeg_structure.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "support/synth_photo.h"

namespace gv {
namespace {

std::vector<std::uint8_t> Encode(int quality, bool progressive = false) {
  cv::Mat img(48, 64, CV_8UC3, cv::Scalar(40, 120, 200));
  cv::circle(img, {20, 20}, 10, {255, 255, 255}, -1);
  std::vector<std::uint8_t> out;
  const std::vector<int> params = {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_PROGRESSIVE,
                                   progressive ? 1 : 0};
  cv::imencode(".jpg", img, out, params);
  return out;
}

TEST(JpegStructure, ReadsFrameAndEstimatesLibjpegQuality) {
  for (int q : {30, 50, 75, 90, 95}) {
    const auto parsed = ParseJpegStructure(Encode(q));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->width, 64);
    EXPECT_EQ(parsed->height, 48);
    EXPECT_EQ(parsed->components, 3);
    EXPECT_EQ(parsed->EstimatedQuality(), q);
    EXPECT_TRUE(parsed->StandardTables());
    EXPECT_TRUE(parsed->has_eoi);
    EXPECT_EQ(parsed->trailing_bytes, 0u);
    EXPECT_TRUE(parsed->HasApp(0xE0, "JFIF"));
  }
}

// Rewrites the luma sampling factors in the SOF segment (the header parse needs no pixels).
std::vector<std::uint8_t> WithLumaSampling(std::vector<std::uint8_t> bytes, std::uint8_t factors) {
  const auto parsed = ParseJpegStructure(bytes);
  for (const auto& seg : parsed->segments) {
    if (seg.marker == 0xC0 || seg.marker == 0xC2) bytes[seg.offset + 4 + 7] = factors;
  }
  return bytes;
}

TEST(JpegStructure, ReportsSubsamplingAndProgressive) {
  EXPECT_EQ(ParseJpegStructure(Encode(80))->subsampling, "4:2:0");
  EXPECT_EQ(ParseJpegStructure(WithLumaSampling(Encode(80), 0x11))->subsampling, "4:4:4");
  EXPECT_EQ(ParseJpegStructure(WithLumaSampling(Encode(80), 0x21))->subsampling, "4:2:2");
  EXPECT_FALSE(ParseJpegStructure(Encode(80))->progressive);
  EXPECT_TRUE(ParseJpegStructure(Encode(80, true))->progressive);
}

TEST(JpegStructure, LuminanceIsTheFirstComponentsTable) {
  auto bytes = Encode(70);
  auto parsed = ParseJpegStructure(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->luma_table_id, 0);
  ASSERT_NE(parsed->LuminanceTable(), nullptr);
  EXPECT_EQ(parsed->LuminanceTable()->values, IjgTable(70, false));
  // An encoder may give Y table 1 and the chroma table 0: swap the selectors in the SOF.
  for (const auto& seg : parsed->segments) {
    if (seg.marker == 0xC0) {
      bytes[seg.offset + 4 + 8] = 1;   // Y
      bytes[seg.offset + 4 + 11] = 0;  // Cb
      bytes[seg.offset + 4 + 14] = 0;  // Cr
    }
  }
  parsed = ParseJpegStructure(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->luma_table_id, 1);
  EXPECT_EQ(parsed->LuminanceTable()->values, IjgTable(70, true));
}

TEST(JpegStructure, NonStandardTablesAreTold) {
  auto bytes = Encode(85);
  auto parsed = ParseJpegStructure(bytes);
  ASSERT_TRUE(parsed.ok());
  // Change one luminance coefficient inside the DQT segment: no longer a libjpeg scale.
  for (const auto& seg : parsed->segments) {
    if (seg.marker == 0xDB) {
      bytes[seg.offset + 5 + 10] += 3;
      break;
    }
  }
  parsed = ParseJpegStructure(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->StandardTables());
  EXPECT_EQ(parsed->EstimatedQuality(), 85);
}

TEST(JpegStructure, DetectsTruncationAndTrailingData) {
  auto bytes = Encode(80);
  auto truncated = bytes;
  truncated.resize(truncated.size() - 40);
  auto parsed = ParseJpegStructure(truncated);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->has_eoi);
  auto appended = bytes;
  for (char c : std::string("hidden payload")) appended.push_back(static_cast<std::uint8_t>(c));
  parsed = ParseJpegStructure(appended);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->trailing_bytes, 14u);
}

TEST(JpegStructure, RejectsLengthsThatRunPastTheEnd) {
  auto bytes = Encode(80);
  bytes.resize(30);  // inside the first segments
  EXPECT_FALSE(ParseJpegStructure(bytes).ok());
  std::vector<std::uint8_t> hostile = {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x', 'i', 'f'};
  const auto result = ParseJpegStructure(hostile);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("past the end"), std::string::npos);
  EXPECT_FALSE(ParseJpegStructure(std::vector<std::uint8_t>{0xFF, 0xD8, 0xFF, 0xD9}).ok());
  EXPECT_FALSE(ParseJpegStructure(std::vector<std::uint8_t>{0x89, 'P', 'N', 'G'}).ok());
}

TEST(JpegStructure, SurvivesRandomCorruption) {
  const auto original = test::MakeSceneJpeg(120, 90, 80, 3);
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    auto bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f)
      bytes[rng() % std::min<std::size_t>(bytes.size(), 700)] = static_cast<std::uint8_t>(rng());
    if (rng() % 3 == 0) bytes.resize(rng() % bytes.size());
    const auto parsed = ParseJpegStructure(bytes);  // must not crash or read out of bounds (ASan)
    if (parsed.ok()) {
      EXPECT_GE(parsed->width, 0);
    }
  }
}

}  // namespace
}  // namespace gv
