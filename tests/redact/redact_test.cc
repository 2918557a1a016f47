#include "redact/redact.h"

#include <gtest/gtest.h>
#include <lcms2.h>

#include <algorithm>
#include <exiv2/exiv2.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "metadata/exiv2_reader.h"
#include "redact/clean_copy.h"
#include "support/run_binary.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

using test::TempDir;

// A phone photo carrying everything a shared copy must not: GPS, a body serial number, a
// thumbnail, XMP, IPTC, a comment, an ICC profile, trailing bytes after the image; turned
// by its EXIF orientation (6: shown rotated 90 degrees clockwise).
std::filesystem::path LeakyPhoto(const TempDir& dir, const std::string& name = "leaky.jpg") {
  test::SynthExif e;
  e.make = "Apple";
  e.model = "iPhone 12";
  e.datetime_original = "2025:03:14 16:20:00";
  e.offset_time_original = "+07:00";
  e.lat = 16.6938;
  e.lon = 98.5046;
  e.orientation = 6;
  e.thumb_width = 160;
  e.thumb_height = 120;
  e.xmp_creator_tool = "Family camera app";
  e.iptc_special_instructions = "home of the victim's family";
  const auto path = dir / name;
  test::WritePhoto(path, test::MakeSceneJpeg(400, 300, 92, 7), e);
  auto image = Exiv2::ImageFactory::open(path.string());
  image->readMetadata();
  image->exifData()["Exif.Photo.BodySerialNumber"] = "SN-C02XK7QHJGH5";
  image->setComment("sent by the victim's brother");
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  cmsUInt32Number size = 0;
  cmsSaveProfileToMem(srgb, nullptr, &size);
  Exiv2::DataBuf icc(static_cast<long>(size));
  cmsSaveProfileToMem(srgb, icc.pData_, &size);
  cmsCloseProfile(srgb);
  image->setIccProfile(icc);
  image->writeMetadata();
  std::ofstream(path, std::ios::binary | std::ios::app) << "TRAILING-DATA-AFTER-EOI";
  return path;
}

bool Contains(const std::vector<std::uint8_t>& bytes, const std::string& s) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()).find(s) !=
         std::string_view::npos;
}

TEST(Redact, TheCopyCarriesNothingButThePixelsAsShown) {
  TempDir dir;
  const auto path = LeakyPhoto(dir);
  auto evidence = OpenEvidence(path);
  ASSERT_TRUE(evidence.ok());
  // What identifies the camera and the place, looked for in every copy.
  const auto identifying = IdentifyingStrings(evidence->bytes());
  EXPECT_NE(std::find(identifying.begin(), identifying.end(), "SN-C02XK7QHJGH5"),
            identifying.end());
  EXPECT_GE(identifying.size(), 5u);  // the serial, latitude and longitude bytes both ways
  // The original fails the check made on every copy: it is what a copy must not be.
  const Status original = VerifyCleanCopy(evidence->bytes(), false, {});
  ASSERT_FALSE(original.ok());
  EXPECT_NE(original.error().message.find("APP1"), std::string::npos) << original.error().message;

  RedactOptions options;
  options.faces = FaceMode::kOff;
  options.fill = cv::Vec3b(0, 0, 255);  // red, BGR
  options.margin = 0.1;
  const std::vector<RedactBox> boxes = {{cv::Rect(50, 100, 100, 40), "house number"}};
  auto copy = RedactEvidence(*evidence, boxes, nullptr, options);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  EXPECT_EQ(copy->extension, ".jpg");
  EXPECT_TRUE(VerifyCleanCopy(copy->bytes, false, {}).ok());
  EXPECT_FALSE(Contains(copy->bytes, "SN-C02XK7QHJGH5"));
  EXPECT_FALSE(Contains(copy->bytes, "TRAILING-DATA"));
  auto image = Exiv2::ImageFactory::open(copy->bytes.data(), static_cast<long>(copy->bytes.size()));
  image->readMetadata();
  EXPECT_TRUE(image->exifData().empty());
  EXPECT_TRUE(image->xmpData().empty());
  EXPECT_TRUE(image->iptcData().empty());
  EXPECT_TRUE(image->comment().empty());
  EXPECT_FALSE(image->iccProfileDefined());
  // Shown upright: 300 x 400 after orientation 6, and the box (grown by 10 %) solid red.
  const cv::Mat pixels = cv::imdecode(copy->bytes, cv::IMREAD_COLOR);
  ASSERT_EQ(pixels.cols, 300);
  ASSERT_EQ(pixels.rows, 400);
  ASSERT_EQ(copy->regions.size(), 1u);
  EXPECT_EQ(copy->regions[0].box, cv::Rect(40, 96, 120, 48));
  EXPECT_EQ(copy->regions[0].label, "house number");
  const cv::Scalar inside = cv::mean(pixels(copy->regions[0].box));
  EXPECT_NEAR(inside[2], 255, 2);
  EXPECT_NEAR(inside[1], 0, 2);
  // The same photo as shown, outside the box, within the re-encoding's error; the region's
  // hash is of the original's pixels there.
  auto shown = SharedPixels(*evidence);
  ASSERT_TRUE(shown.ok());
  EXPECT_TRUE(CheckDerivation(*shown, pixels, copy->regions, copy->salt).ok());
  EXPECT_EQ(copy->regions[0].pixels_sha256,
            RegionPixelsSha256(*shown, copy->regions[0].box, copy->salt));
  // A box outside the picture is an error naming it.
  auto outside = RedactEvidence(*evidence, {{cv::Rect(250, 10, 100, 40), ""}}, nullptr, options);
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.error().message.find("outside the picture"), std::string::npos);
}

TEST(Redact, AnEmbeddedProfileIsConvertedToSrgb) {
  // A photo whose ICC profile says its values are linear light (gamma 1, sRGB primaries):
  // shown in sRGB, a mid grey of 64 is about 137.
  TempDir dir;
  const auto path = dir / "linear.jpg";
  {
    const cv::Mat grey(64, 64, CV_8UC3, cv::Scalar(64, 64, 64));
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", grey, jpeg, {cv::IMWRITE_JPEG_QUALITY, 98});
    test::WritePhoto(path, jpeg, {});
  }
  cmsCIExyY white;
  cmsWhitePointFromTemp(&white, 6504);
  const cmsCIExyYTRIPLE primaries = {{0.64, 0.33, 1}, {0.30, 0.60, 1}, {0.15, 0.06, 1}};
  cmsToneCurve* linear = cmsBuildGamma(nullptr, 1.0);
  cmsToneCurve* curves[3] = {linear, linear, linear};
  cmsHPROFILE profile = cmsCreateRGBProfile(&white, &primaries, curves);
  cmsUInt32Number size = 0;
  cmsSaveProfileToMem(profile, nullptr, &size);
  Exiv2::DataBuf icc(static_cast<long>(size));
  cmsSaveProfileToMem(profile, icc.pData_, &size);
  cmsCloseProfile(profile);
  cmsFreeToneCurve(linear);
  {
    auto image = Exiv2::ImageFactory::open(path.string());
    image->readMetadata();
    image->setIccProfile(icc);
    image->writeMetadata();
  }
  auto evidence = OpenEvidence(path);
  ASSERT_TRUE(evidence.ok());
  std::string note;
  auto shown = SharedPixels(*evidence, &note);
  ASSERT_TRUE(shown.ok());
  EXPECT_NE(note.find("sRGB"), std::string::npos) << note;
  EXPECT_NEAR(cv::mean(*shown)[1], 137, 4);
  EXPECT_NEAR(cv::mean(*evidence->Pixels())[1], 64, 2);  // as decoded, before
}

TEST(Redact, KeepTimeWritesOnlyTheCaptureTimeAfresh) {
  TempDir dir;
  auto evidence = OpenEvidence(LeakyPhoto(dir));
  ASSERT_TRUE(evidence.ok());
  RedactOptions options;
  options.faces = FaceMode::kOff;
  options.keep_time = true;
  auto copy = RedactEvidence(*evidence, {}, nullptr, options);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  auto image = Exiv2::ImageFactory::open(copy->bytes.data(), static_cast<long>(copy->bytes.size()));
  image->readMetadata();
  std::vector<std::string> keys;
  for (const auto& d : image->exifData()) keys.push_back(d.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"Exif.Image.ExifTag", "Exif.Photo.DateTimeOriginal",
                                            "Exif.Photo.OffsetTimeOriginal"}));
  EXPECT_EQ(image->exifData()["Exif.Photo.DateTimeOriginal"].toString(), "2025:03:14 16:20:00");
  EXPECT_EQ(image->exifData()["Exif.Photo.OffsetTimeOriginal"].toString(), "+07:00");
  // Without --keep-time the same block fails the check.
  EXPECT_FALSE(VerifyCleanCopy(copy->bytes, false, {}).ok());
  EXPECT_TRUE(VerifyCleanCopy(copy->bytes, true, {}).ok());
  // PNG keeps it in one eXIf chunk before the image data.
  auto png = EncodeCleanPng(cv::Mat(30, 40, CV_8UC3, cv::Scalar(9, 99, 199)),
                            CaptureTimeExif({2025, 3, 14, 16, 20, 0}, 7 * 3600));
  ASSERT_TRUE(png.ok());
  EXPECT_TRUE(VerifyCleanCopy(*png, true, {}).ok());
  EXPECT_FALSE(VerifyCleanCopy(*png, false, {}).ok());
  auto present = MetadataPresent(*png);
  ASSERT_TRUE(present.ok()) << present.error().message;
  EXPECT_NE(std::find(present->begin(), present->end(), "Exif.Photo.DateTimeOriginal"),
            present->end());
  EXPECT_EQ(cv::imdecode(*png, cv::IMREAD_COLOR).at<cv::Vec3b>(10, 10), cv::Vec3b(9, 99, 199));
}

TEST(Redact, TheCheckNamesWhatSurvives) {
  const cv::Mat pixels(40, 60, CV_8UC3, cv::Scalar(20, 120, 220));
  auto jpeg = EncodeCleanJpeg(pixels, 95);
  ASSERT_TRUE(jpeg.ok());
  EXPECT_TRUE(VerifyCleanCopy(*jpeg, false, {}).ok());
  auto trailing = *jpeg;
  trailing.insert(trailing.end(), {'x', 'y', 'z'});
  auto s = VerifyCleanCopy(trailing, false, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("3 bytes after the end of the image"), std::string::npos);
  // A comment segment put right after SOI.
  auto commented = *jpeg;
  const std::vector<std::uint8_t> com = {0xFF, 0xFE, 0x00, 0x06, 'h', 'o', 'm', 'e'};
  commented.insert(commented.begin() + 2, com.begin(), com.end());
  s = VerifyCleanCopy(commented, false, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("comment"), std::string::npos) << s.error().message;
  // A serial number anywhere in the bytes.
  s = VerifyCleanCopy(*jpeg, false,
                      {std::string(reinterpret_cast<const char*>(jpeg->data()) + 200, 8)});
  EXPECT_FALSE(s.ok());
  // PNG: OpenCV's own encoding, then a text chunk.
  auto png = EncodeCleanPng(pixels);
  ASSERT_TRUE(png.ok());
  EXPECT_TRUE(VerifyCleanCopy(*png, false, {}).ok());
  std::vector<std::uint8_t> with_text(png->begin(), png->begin() + 33);  // signature + IHDR
  const std::vector<std::uint8_t> text = {0,   0, 0,   4,   't', 'E', 'X', 't',
                                          'a', 0, 'b', 'c', 0,   0,   0,   0};
  with_text.insert(with_text.end(), text.begin(), text.end());
  with_text.insert(with_text.end(), png->begin() + 33, png->end());
  s = VerifyCleanCopy(with_text, false, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("tEXt"), std::string::npos) << s.error().message;
}

TEST(Redact, DerivationHoldsOnlyWithTheLoggedRegions) {
  cv::Mat original = test::MakeTexture(3, 320, 240);
  const std::string salt = "00112233445566778899aabbccddeeff";
  const RedactRegion region{cv::Rect(100, 60, 50, 40), "box", "",
                            RegionPixelsSha256(original, cv::Rect(100, 60, 50, 40), salt)};
  cv::Mat copy = original.clone();
  copy(region.box).setTo(cv::Scalar(0, 0, 0));
  auto jpeg = EncodeCleanJpeg(copy, 95);
  ASSERT_TRUE(jpeg.ok());
  const cv::Mat decoded = cv::imdecode(*jpeg, cv::IMREAD_COLOR);
  EXPECT_TRUE(CheckDerivation(original, decoded, {region}, salt).ok());
  // Something else hidden too: a block outside the region changed.
  cv::Mat edited = decoded.clone();
  edited(cv::Rect(10, 10, 24, 24)).setTo(cv::Scalar(255, 255, 255));
  auto s = CheckDerivation(original, edited, {region}, salt);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("differ"), std::string::npos) << s.error().message;
  // A region logged with another place's hash, or not filled.
  RedactRegion moved = region;
  moved.box.x += 20;
  s = CheckDerivation(original, decoded, {moved}, salt);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("hash"), std::string::npos) << s.error().message;
  s = CheckDerivation(original, original, {region}, salt);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("solid"), std::string::npos) << s.error().message;
  // A log edited by hand: a salt that is not hex is an error, not a crash.
  s = CheckDerivation(original, decoded, {region}, "zz112233445566778899aabbccddeeff");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("salt"), std::string::npos) << s.error().message;
}

TEST(Redact, FacesAreProposedAndFilledSmallOnesToo) {
  auto detector = FaceDetector::Open();
  ASSERT_TRUE(detector.ok()) << detector.error().message;
  const cv::Mat astronaut = cv::imread(std::string(GEOVERIFY_TEST_DATA) + "/astronaut_256.jpg");
  ASSERT_FALSE(astronaut.empty());
  // Her face is near (88..138, 34..85) in the 256 px portrait.
  const cv::Rect face(88, 34, 50, 51);
  auto found = (*detector)->Detect(astronaut);
  bool hit = false;
  for (const auto& f : found) hit = hit || (f.box & face).area() > 0.5 * face.area();
  EXPECT_TRUE(hit) << found.size() << " proposals";
  // The same face at 48 px in a 1600 x 1200 textured scene.
  cv::Mat scene = test::MakeTexture(11, 1600, 1200);
  cv::GaussianBlur(scene, scene, cv::Size(0, 0), 3);
  const double s = 48.0 / face.width;
  cv::Mat small;
  cv::resize(astronaut, small, cv::Size(), s, s, cv::INTER_AREA);
  small.copyTo(scene(cv::Rect(900, 500, small.cols, small.rows)));
  const cv::Rect small_face(900 + static_cast<int>(face.x * s), 500 + static_cast<int>(face.y * s),
                            static_cast<int>(face.width * s), static_cast<int>(face.height * s));
  found = (*detector)->Detect(scene);
  hit = false;
  for (const auto& f : found) hit = hit || (f.box & small_face).area() > 0.5 * small_face.area();
  EXPECT_TRUE(hit) << found.size() << " proposals";
}

TEST(Redact, ASmallHeadTiltedSidewaysIsFound) {
  auto detector = FaceDetector::Open();
  ASSERT_TRUE(detector.ok()) << detector.error().message;
  const cv::Mat astronaut = cv::imread(std::string(GEOVERIFY_TEST_DATA) + "/astronaut_256.jpg");
  ASSERT_FALSE(astronaut.empty());
  // The portrait at a face width of 44 px, turned 20 degrees clockwise, in a 1200 x 900
  // scene: of face widths 44, 56, 70 px turned -20, 15, 20, 25 degrees, the one the
  // upright detectors miss (dlib's own filters take moderate tilts).
  const double s = 44.0 / 50;
  cv::Mat head;
  cv::resize(astronaut, head, cv::Size(), s, s, cv::INTER_AREA);
  const cv::Point2f centre(113 * static_cast<float>(s), 60 * static_cast<float>(s));  // the face's
  cv::warpAffine(head, head, cv::getRotationMatrix2D(centre, -20, 1.0), head.size(),
                 cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::Mat scene = test::MakeTexture(5, 1200, 900);
  cv::GaussianBlur(scene, scene, cv::Size(0, 0), 3);
  head.copyTo(scene(cv::Rect(500, 300, head.cols, head.rows)));
  const cv::Rect face(500 + static_cast<int>(centre.x) - 22, 300 + static_cast<int>(centre.y) - 22,
                      44, 44);
  const auto hits = [&](const FaceDetectOptions& options) {
    for (const auto& f : (*detector)->Detect(scene, options))
      if ((f.box & face).area() > 0.5 * face.area()) return true;
    return false;
  };
  EXPECT_TRUE(hits({}));
  FaceDetectOptions upright;
  upright.tilts.clear();
  EXPECT_FALSE(hits(upright)) << "found without the turned passes: the test shows nothing";
}

TEST(RedactCommand, CopiesLogVerifyAndRefuseTheEvidenceFolder) {
  TempDir dir;
  const auto evidence_dir = dir / "evidence";
  std::filesystem::create_directories(evidence_dir);
  const auto leaky = LeakyPhoto(dir, "evidence/leaky.jpg");
  std::filesystem::copy_file(std::string(GEOVERIFY_TEST_DATA) + "/astronaut_256.jpg",
                             evidence_dir / "face.jpg");
  std::ofstream(evidence_dir / "broken.jpg") << "\xFF\xD8\xFF\xE0 not a JPEG";
  const auto before = test::ReadAll(leaky);
  const auto out = dir / "share";
  auto r = test::Geoverify("redact " + test::Quote(evidence_dir) + " -o " + test::Quote(out) +
                           " --operator 'Det. Sgt. A' --json");
  EXPECT_EQ(r.exit_code, 1) << r.out;  // the broken file fails, the others go on
  const auto printed = nlohmann::json::parse(r.out);
  ASSERT_EQ(printed.size(), 3u);
  EXPECT_TRUE(printed[0].contains("error"));  // broken.jpg, sorted first
  EXPECT_EQ(test::ReadAll(leaky), before);    // the evidence untouched
  const auto log = nlohmann::json::parse(test::ReadAllText(out / "redaction.json"));
  ASSERT_EQ(log.size(), 2u);
  for (const char* key : {"original", "original_sha256", "copy", "copy_sha256", "regions", "salt",
                          "method", "tool_version", "operator", "utc"})
    EXPECT_TRUE(log[0].contains(key)) << key;
  EXPECT_EQ(log[0]["operator"], "Det. Sgt. A");
  const auto& face_entry =
      log[0]["original"].get<std::string>().find("face") != std::string::npos ? log[0] : log[1];
  ASSERT_GE(face_entry["regions"].size(), 1u);
  EXPECT_EQ(face_entry["regions"][0]["source"], "face");
  // --verify: 0 for the copy, 1 for another photo's copy, 2 without the log.
  const std::string copy = face_entry["copy"];
  r = test::Geoverify("redact --verify " + test::Quote(evidence_dir / "face.jpg") + " " +
                      test::Quote(copy) + " --log " + test::Quote(out / "redaction.json"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = test::Geoverify("redact --verify " + test::Quote(leaky) + " " + test::Quote(copy) +
                      " --log " + test::Quote(out / "redaction.json"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("NOT DERIVED"), std::string::npos) << r.out;
  r = test::Geoverify("redact --verify " + test::Quote(leaky) + " " + test::Quote(copy));
  EXPECT_EQ(r.exit_code, 2);
  // Propose: no copy, proposals.json, which goes back as --boxes.
  const auto proposals_dir = dir / "proposals";
  r = test::Geoverify("redact " + test::Quote(evidence_dir / "face.jpg") + " --faces propose -o " +
                      test::Quote(proposals_dir));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(std::filesystem::exists(proposals_dir / "face.jpg"));
  const auto proposals = nlohmann::json::parse(test::ReadAllText(proposals_dir / "proposals.json"));
  ASSERT_EQ(proposals.size(), 1u);
  ASSERT_GE(proposals[0]["boxes"].size(), 1u);
  r = test::Geoverify("redact " + test::Quote(evidence_dir / "face.jpg") + " --faces off --boxes " +
                      test::Quote(proposals_dir / "proposals.json") + " -o " +
                      test::Quote(dir / "confirmed"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto confirmed =
      nlohmann::json::parse(test::ReadAllText(dir / "confirmed" / "redaction.json"));
  ASSERT_EQ(confirmed.size(), 1u);
  EXPECT_EQ(confirmed[0]["regions"].size(), proposals[0]["boxes"].size());
  EXPECT_EQ(confirmed[0]["regions"][0]["source"], "box");
  // CSV boxes: a header, a box for every photo and one for this file by name; one box
  // outside the picture fails that photo only.
  {
    std::ofstream csv(dir / "boxes.csv");
    csv << "file,x,y,w,h,label\n10,10,30,20,plate\nface.jpg,100,100,40,40,tattoo\n";
  }
  r = test::Geoverify("redact " + test::Quote(evidence_dir / "face.jpg") + " --faces off --boxes " +
                      test::Quote(dir / "boxes.csv") + " -o " + test::Quote(dir / "csv") +
                      " --json");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto csv_log = nlohmann::json::parse(r.out);
  ASSERT_EQ(csv_log.size(), 1u);
  ASSERT_EQ(csv_log[0]["regions"].size(), 2u);
  EXPECT_EQ(csv_log[0]["regions"][0]["label"], "plate");
  EXPECT_EQ(csv_log[0]["regions"][1]["label"], "tattoo");
  EXPECT_EQ(csv_log[0]["regions"][0]["x"], 4);  // 10 - 0.2 x 30
  {
    std::ofstream csv(dir / "outside.csv");
    csv << "250,250,20,20\n";
  }
  r = test::Geoverify("redact " + test::Quote(evidence_dir / "face.jpg") + " " +
                          test::Quote(leaky) + " --faces off --boxes " +
                          test::Quote(dir / "outside.csv") + " -o " + test::Quote(dir / "outside"),
                      true);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("outside the picture"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "outside" / "leaky.jpg"));  // 300 x 400: inside
  EXPECT_FALSE(std::filesystem::exists(dir / "outside" / "face.jpg"));  // 256 x 256: outside
  // The evidence folder as the output: refused, nothing written there.
  r = test::Geoverify("redact " + test::Quote(leaky) + " -o " + test::Quote(evidence_dir), true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("evidence folder"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(evidence_dir / "redaction.json") &&
               nlohmann::json::parse(test::ReadAllText(evidence_dir / "redaction.json")).size() >
                   0);
}

}  // namespace
}  // namespace gv
