// HEIF (iPhone HEIC, AVIF) through libheif: files made by libheif's own encoders with EXIF
// written by exiv2, read back through the real intake, decoder, metadata reader and binary.
#include "image/heif.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "image/decode.h"
#include "image/evidence.h"
#include "image/format.h"
#include "metadata/exiv2_reader.h"
#include "support/run_binary.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

using test::Geoverify;
using test::Quote;

// An asymmetric scene: a rotation or a mirror cannot map it onto itself.
cv::Mat Scene() {
  cv::Mat m = test::MakeTexture(21, 320, 240);
  cv::rectangle(m, {0, 0, 60, 40}, cv::Scalar(0, 0, 255), cv::FILLED);  // red, top left
  return m;
}

test::SynthExif IphoneExif() {
  test::SynthExif e;
  e.make = "Apple", e.model = "iPhone 13";
  e.datetime_original = "2025:03:14 16:20:00";
  e.offset_time_original = "+06:30";
  e.lat = 16.647556, e.lon = 98.520722;
  return e;
}

TEST(Heif, ReadsSizeMetadataAndPixelsWithTheContainersRotation) {
  const cv::Mat scene = Scene();
  const auto heic = test::MakeHeif(scene, IphoneExif(), 6);  // shown turned 90 deg clockwise
  ASSERT_EQ(DetectFormat(heic), ImageFormat::kHeif);
  auto info = ReadHeifInfo(heic);
  ASSERT_TRUE(info.ok()) << info.error().message;
  // The 'ispe' size, as exiftool reports it (libheif 1.15's encoder writes the size after
  // its rotation there; cameras write the coded size): the pixel count either way.
  EXPECT_EQ(info->width * info->height, 320 * 240);
  EXPECT_TRUE(info->width == 320 || info->width == 240);
  EXPECT_EQ(info->codec, "HEVC");
  ASSERT_GT(info->exif.size(), 8u);
  EXPECT_TRUE(info->exif[0] == 'I' || info->exif[0] == 'M');  // the TIFF header

  auto size = ReadImageSize(heic);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->width, info->width);
  auto shown = DecodeImage(heic, {}, DecodeAs::kShown);
  ASSERT_TRUE(shown.ok()) << shown.error().message;
  cv::Mat turned;
  cv::rotate(scene, turned, cv::ROTATE_90_CLOCKWISE);
  EXPECT_LT(test::MeanDifference(*shown, turned), 6);
  EXPECT_GT(test::MeanDifference(*shown, cv::Mat(turned.size(), turned.type(), cv::Scalar(0))), 30);
  auto stored = DecodeImage(heic, {}, DecodeAs::kStored);
  ASSERT_TRUE(stored.ok());
  EXPECT_LT(test::MeanDifference(*stored, scene), 6);
  // The limits are checked before any pixel is decoded.
  DecodeLimits small;
  small.max_pixels = 240 * 320 - 1;
  auto refused = DecodeImage(heic, small);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("above the decoding limit"), std::string::npos);

  PhotoMetadata md;
  ASSERT_TRUE(ReadPhotoMetadata(heic, md).ok());
  EXPECT_EQ(md.format, "HEIF");
  EXPECT_EQ(md.make, "Apple");
  EXPECT_EQ(md.width, info->width);
  ASSERT_TRUE(md.gps.has_value());
  EXPECT_NEAR(md.gps->lat_deg, 16.647556, 1e-5);
  ASSERT_TRUE(md.datetime_original.has_value());
  EXPECT_EQ(md.datetime_original->hour, 16);
  EXPECT_EQ(md.offset_time_original_s, 6 * 3600 + 1800);
  // What a shared copy must not carry is found in HEIF originals too.
  auto present = MetadataPresent(heic);
  ASSERT_TRUE(present.ok());
  EXPECT_FALSE(present->empty());
}

// The container's transformations as reported (irot, imir, their order), applied to the
// coded pixels, give the pixels as shown: for each of the eight orientations libheif's
// encoder can write. And the same in inspect's JSON.
TEST(Heif, ReportsTheContainersRotationAndMirror) {
  const cv::Mat scene = Scene();
  int rotated = 0, mirrored = 0;
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE("orientation " + std::to_string(orientation));
    const auto heic = test::MakeHeif(scene, IphoneExif(), orientation);
    auto info = ReadHeifInfo(heic);
    ASSERT_TRUE(info.ok()) << info.error().message;
    auto coded = DecodeHeif(heic, false);
    auto shown = DecodeHeif(heic, true);
    ASSERT_TRUE(coded.ok() && shown.ok());
    cv::Mat m = coded->clone();
    const auto mirror = [&] {
      if (info->mirror == "left-right") cv::flip(m, m, 1);
      if (info->mirror == "top-bottom") cv::flip(m, m, 0);
    };
    const auto rotate = [&] {
      if (info->rotation_ccw == 90) cv::rotate(m, m, cv::ROTATE_90_COUNTERCLOCKWISE);
      if (info->rotation_ccw == 180) cv::rotate(m, m, cv::ROTATE_180);
      if (info->rotation_ccw == 270) cv::rotate(m, m, cv::ROTATE_90_CLOCKWISE);
    };
    if (info->mirror_first) {
      mirror();
      rotate();
    } else {
      rotate();
      mirror();
    }
    EXPECT_LT(test::MeanDifference(m, *shown), 2)
        << "rotation_ccw " << info->rotation_ccw << " mirror " << info->mirror << " first "
        << info->mirror_first;
    rotated += info->rotation_ccw != 0;
    mirrored += !info->mirror.empty();
    PhotoMetadata md;
    ASSERT_TRUE(ReadPhotoMetadata(heic, md).ok());
    ASSERT_TRUE(md.heif.has_value());
    EXPECT_EQ(md.heif->rotation_cw, (360 - info->rotation_ccw) % 360);
    EXPECT_EQ(md.heif->mirror, info->mirror);
    if (orientation == 1) {
      EXPECT_TRUE(info->rotation_ccw == 0 && info->mirror.empty());
    }
    if (orientation == 6) {  // shown turned 90 degrees clockwise
      EXPECT_EQ(md.heif->rotation_cw, 90);
      EXPECT_TRUE(info->mirror.empty());
    }
  }
  EXPECT_EQ(rotated, 5);   // 3, 5, 6, 7, 8
  EXPECT_EQ(mirrored, 4);  // 2, 4, 5, 7
  // A damaged container: no transformation read, no read past the end.
  auto heic = test::MakeHeif(scene, IphoneExif(), 6);
  for (std::size_t cut : {heic.size() / 2, std::size_t{200}, std::size_t{40}, std::size_t{9}}) {
    HeifInfo partial;
    ReadHeifTransforms(std::span<const std::uint8_t>(heic.data(), cut), partial);
    EXPECT_TRUE(partial.rotation_ccw == 0 || partial.rotation_ccw == 270);
  }
}

TEST(Heif, AvifAndXmpAndAFileWithoutExif) {
  const std::string xmp =
      "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
      "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description "
      "xmlns:xmp='http://ns.adobe.com/xap/1.0/' "
      "xmp:CreatorTool='Lightroom'/></rdf:RDF></x:xmpmeta>";
  const auto avif = test::MakeHeif(Scene(), {}, 1, true, xmp);
  auto info = ReadHeifInfo(avif);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->codec, "AV1");
  EXPECT_TRUE(info->exif.empty());
  auto pixels = DecodeImage(avif);
  ASSERT_TRUE(pixels.ok()) << pixels.error().message;
  EXPECT_LT(test::MeanDifference(*pixels, Scene()), 8);
  PhotoMetadata md;
  ASSERT_TRUE(ReadPhotoMetadata(avif, md).ok());
  EXPECT_TRUE(md.has_xmp);
  EXPECT_FALSE(md.has_exif);
  EXPECT_EQ(md.width, 320);
}

TEST(Heif, CutOrCorruptFilesAreErrorsNamingWhy) {
  auto heic = test::MakeHeif(Scene(), IphoneExif(), 1);
  for (const std::size_t keep : {std::size_t{40}, heic.size() / 2, heic.size() - 10}) {
    const std::vector<std::uint8_t> cut(heic.begin(), heic.begin() + keep);
    auto pixels = DecodeImage(cut);
    EXPECT_FALSE(pixels.ok()) << keep;
    if (!pixels.ok()) {
      EXPECT_NE(pixels.error().message.find("HEIF"), std::string::npos);
    }
  }
  std::vector<std::uint8_t> flipped = heic;
  for (std::size_t i = heic.size() / 2; i < heic.size(); i += 7) flipped[i] ^= 0x5A;
  PhotoMetadata md;
  (void)ReadPhotoMetadata(flipped, md);  // no crash; an error or what could be read
  (void)DecodeImage(flipped);
}

// The thumbnail item against the picture, as for a JPEG's EXIF thumbnail: one made from the
// same picture agrees, one of another picture is a finding.
TEST(Heif, ThumbnailItemIsComparedWithThePicture) {
  test::TempDir dir;
  const cv::Mat scene = test::MakeTexture(31, 640, 480);
  cv::Mat same, other;
  cv::resize(scene, same, {160, 120}, 0, 0, cv::INTER_AREA);
  cv::resize(test::MakeTexture(32, 640, 480), other, {160, 120}, 0, 0, cv::INTER_AREA);
  test::WriteBytes(dir / "same.heic", test::MakeHeif(scene, IphoneExif(), 6, false, {}, same));
  test::WriteBytes(dir / "other.heic", test::MakeHeif(scene, IphoneExif(), 6, false, {}, other));
  const auto r =
      Geoverify("forensics --json " + Quote(dir / "same.heic") + " " + Quote(dir / "other.heic"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  ASSERT_TRUE(j[0]["thumbnail"].is_object()) << j[0];
  EXPECT_EQ(j[0]["thumbnail"]["width"], 120);  // turned as the picture is
  const auto codes = [](const nlohmann::json& report) {
    std::string all;
    for (const auto& f : report["findings"]) all += f["code"].get<std::string>() + " ";
    return all;
  };
  EXPECT_EQ(codes(j[0]).find("THUMBNAIL_CONTENT_DIFFERS"), std::string::npos) << codes(j[0]);
  EXPECT_NE(codes(j[1]).find("THUMBNAIL_CONTENT_DIFFERS"), std::string::npos) << j[1];
}

// Through the binary: inspect reads an iPhone-like HEIC as exiftool would, forensics says
// what does not apply, run takes it through every step.
TEST(Heif, InspectForensicsAndRunTakeHeic) {
  test::TempDir dir;
  const auto heic = test::MakeHeif(Scene(), IphoneExif(), 6);
  test::WriteBytes(dir / "IMG_0001.HEIC", heic);
  auto r = Geoverify("inspect --json " + Quote(dir / "IMG_0001.HEIC"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out)[0];
  EXPECT_EQ(j["format"], "HEIF");
  EXPECT_EQ(j["make"], "Apple");
  EXPECT_EQ(j["taken_at_utc"], "2025-03-14T09:50:00Z");
  EXPECT_NEAR(j["gps"]["lat"].get<double>(), 16.647556, 1e-5);
  EXPECT_EQ(j["heif"]["codec"], "HEVC");
  EXPECT_EQ(j["heif"]["rotation"], 90);  // shown turned 90 degrees clockwise
  EXPECT_TRUE(j["heif"]["mirror"].is_null());

  r = Geoverify("forensics --json " + Quote(dir / "IMG_0001.HEIC"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto f = nlohmann::json::parse(r.out)[0];
  EXPECT_TRUE(f["error"].is_null()) << f;

  std::filesystem::create_directories(dir / "case");
  test::WriteBytes(dir / "case" / "IMG_0001.HEIC", heic);
  r = Geoverify("run --json " + Quote(dir / "case") + " -o " + Quote(dir / "out"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto photos = nlohmann::json::parse(test::ReadAllText(dir / "out" / "photos.json"));
  ASSERT_EQ(photos.size(), 1u);
  EXPECT_TRUE(photos[0]["step_errors"].empty()) << photos[0]["step_errors"];
  bool gps_clue = false;
  for (const auto& c : photos[0]["clues"]) gps_clue |= c["kind"] == "gps";
  EXPECT_TRUE(gps_clue);
}

}  // namespace
}  // namespace gv
