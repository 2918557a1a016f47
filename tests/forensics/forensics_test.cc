#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "forensics/analysis.h"
#include "forensics/block_stats.h"
#include "forensics/copy_move.h"
#include "forensics/double_compression.h"
#include "forensics/double_quantization.h"
#include "forensics/ela.h"
#include "forensics/hashes.h"
#include "forensics/jpeg_writers.h"
#include "forensics/known_tables.h"
#include "forensics/noise.h"
#include "forensics/thumbnail.h"
#include "forgeries.h"
#include "image/jpeg_structure.h"
#include "metadata/exiv2_reader.h"
#include "report/forensics_pictures.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "util/text.h"

namespace gv {
namespace {

cv::Mat Jpeg(const cv::Mat& image, int quality) {
  std::vector<std::uint8_t> bytes;
  cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
  return cv::imdecode(bytes, cv::IMREAD_COLOR);
}

// A stationary texture (blurred noise), like foliage or gravel: every block alike.
// (No repeated elements: the synthetic scenes of tests/support repeat drawn shapes
// pixel for pixel, which copy-move detection rightly reports.)
cv::Mat Stationary(int seed, double sigma = 1.2, cv::Size size = {640, 480}) {
  cv::Mat t(size, CV_8UC3);
  cv::theRNG().state = static_cast<std::uint64_t>(seed);
  cv::randu(t, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(t, t, cv::Size(0, 0), sigma);
  cv::normalize(t, t, 30, 225, cv::NORM_MINMAX);
  return t;
}

TEST(Ela, PastedUncompressedRegionIsTheHottest) {
  // The original went through JPEG twice at 90; the pasted square only once.
  const cv::Mat original = Jpeg(Stationary(1), 90);
  cv::Mat forged = original.clone();
  const cv::Rect pasted(352, 192, 128, 128);
  Stationary(2)(pasted).copyTo(forged(pasted));
  auto untouched = ErrorLevelAnalysis(Jpeg(original, 90));
  auto edited = ErrorLevelAnalysis(Jpeg(forged, 90));
  ASSERT_TRUE(untouched.ok() && edited.ok());
  EXPECT_TRUE(pasted.contains(edited->hottest_block)) << edited->hottest_block;
  // The pasted region stands out by more robust standard deviations than anything in the
  // untouched photo does.
  EXPECT_GT(edited->unevenness, untouched->unevenness + 1.5)
      << edited->unevenness << " vs " << untouched->unevenness;
  EXPECT_EQ(edited->picture.size(), original.size());
}

TEST(Ela, RejectsABadQuality) {
  ElaOptions o;
  o.quality = 0;
  EXPECT_FALSE(ErrorLevelAnalysis(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(0)), o).ok());
}

TEST(Noise, BlockWithStrongerNoiseStandsOut) {
  cv::Mat base(480, 640, CV_8UC1, cv::Scalar(120));
  cv::Mat noise(base.size(), CV_32F);
  cv::randn(noise, 0, 2.0);
  const cv::Rect splice(320, 160, 96, 96);
  cv::Mat strong(splice.size(), CV_32F);
  cv::randn(strong, 0, 8.0);
  strong.copyTo(noise(splice));
  cv::Mat uniform_noise(base.size(), CV_32F);
  cv::randn(uniform_noise, 0, 2.0);
  cv::Mat flat, spliced, uniform;
  base.convertTo(flat, CV_32F);
  cv::Mat(flat + noise).convertTo(spliced, CV_8U);
  cv::Mat(flat + uniform_noise).convertTo(uniform, CV_8U);
  auto a = NoiseResidual(spliced), b = NoiseResidual(uniform);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NEAR(b->median_sigma, 2.0, 0.3);  // Immerkær's estimate of the true sigma
  EXPECT_TRUE(splice.contains(a->most_different)) << a->most_different;
  EXPECT_GT(a->block_sigma.at<double>(a->most_different.y / 32, a->most_different.x / 32), 6.0);
  // The region score stands out for the splice, not for the uniform photo; a region with
  // less noise than the rest (a smoothed paste) is found as well.
  EXPECT_GT(a->region_z, 3 * std::max(1.0, b->region_z)) << a->region_z << " vs " << b->region_z;
  cv::Mat quiet = uniform.clone();
  cv::GaussianBlur(quiet(splice), quiet(splice), cv::Size(0, 0), 2.0);
  auto c = NoiseResidual(quiet);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(cv::Rect(splice.x - 32, splice.y - 32, splice.width + 32, splice.height + 32)
                  .contains(c->most_different))
      << c->most_different;
  EXPECT_GT(c->region_z, 3 * std::max(1.0, b->region_z)) << c->region_z << " vs " << b->region_z;
}

// Percentile counts 8-bit maps and copies float maps as floats (not the map twice in
// doubles): the same order statistic as sorting every value, on every depth, on a view
// (rows not contiguous) too.
TEST(BlockStats, PercentileIsTheSortedValueOnEveryDepth) {
  std::mt19937 rng(7);
  for (int depth : {CV_8U, CV_32F, CV_64F, CV_16U}) {
    cv::Mat whole(301, 257, CV_MAKETYPE(depth, 1));
    cv::randu(whole, 0, depth == CV_8U ? 256 : 1000);
    if (depth == CV_32F) whole.at<float>(5, 5) = -3.5f;  // negative values sort first
    const cv::Mat view = whole(cv::Rect(3, 2, 200, 250));
    cv::Mat as_double;
    view.convertTo(as_double, CV_64F);
    std::vector<double> sorted;
    for (int r = 0; r < as_double.rows; ++r)
      sorted.insert(sorted.end(), as_double.ptr<double>(r),
                    as_double.ptr<double>(r) + as_double.cols);
    std::sort(sorted.begin(), sorted.end());
    for (double q : {0.0, 0.01, 0.5, 0.99, 1.0}) {
      const auto k = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1));
      EXPECT_EQ(Percentile(view, q), sorted[k]) << "depth " << depth << ", q " << q;
    }
  }
  EXPECT_EQ(Percentile(cv::Mat(0, 0, CV_8U), 0.5), 0);
}

TEST(Hashes, ResizedRecompressedCopyIsCloseAndAnotherSceneIsFar) {
  const cv::Mat photo = test::MakeTexture(5);
  cv::Mat small;
  cv::resize(photo, small, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  const PerceptualHashes a = ComputeHashes(photo), b = ComputeHashes(Jpeg(small, 70)),
                         c = ComputeHashes(test::MakeTexture(6));
  EXPECT_LE(HammingDistance(a.phash, b.phash), 6);
  EXPECT_LE(HammingDistance(a.dhash, b.dhash), 8);
  EXPECT_GE(HammingDistance(a.phash, c.phash), 16);
  EXPECT_EQ(HashHex(0x0123456789abcdefULL), "0123456789abcdef");
}

TEST(Hashes, ACroppedCopyIsGroupedWithItsOriginal) {
  // The Landsat fixture (CC0) re-sent cropped: a fifth cut off the right and bottom, and a
  // tenth off every side; each at half size and JPEG 70. Their whole frames are too far
  // from the original's to be grouped; their parts are not.
  const cv::Mat photo =
      cv::imread(std::string(GEOVERIFY_TEST_DATA) + "/landsat_rgb_byte_crop.tif", cv::IMREAD_COLOR);
  ASSERT_FALSE(photo.empty());
  const auto resent = [&](const cv::Rect& part) {
    cv::Mat small;
    cv::resize(photo(part), small, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
    return Jpeg(small, 70);
  };
  const int w = photo.cols, h = photo.rows;
  const CropHashes original = ComputeCropHashes(photo),
                   corner = ComputeCropHashes(resent(cv::Rect(0, 0, w * 4 / 5, h * 4 / 5))),
                   centre = ComputeCropHashes(
                       resent(cv::Rect(w / 10, h / 10, w - 2 * (w / 10), h - 2 * (h / 10)))),
                   other = ComputeCropHashes(test::MakeTexture(6));
  EXPECT_EQ(original.whole, ComputeHashes(photo).phash);
  EXPECT_GT(HammingDistance(original.whole, corner.whole), 10);
  EXPECT_GT(HammingDistance(original.whole, centre.whole), 10);
  EXPECT_LE(CropTolerantDistance(original, corner), 10);
  EXPECT_LE(CropTolerantDistance(centre, original), 10);  // either way round
  EXPECT_GT(CropTolerantDistance(original, other), 10);
  const auto groups = GroupNearDuplicates({other, original, corner, centre});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0], (std::vector<std::size_t>{1, 2, 3}));
}

TEST(Hashes, OpenCvImgHashesKnowACopyFromAnotherPicture) {
  // A real picture (the Landsat fixture, CC0) re-sent at half size and JPEG 70, against a
  // drawn scene.
  const cv::Mat photo =
      cv::imread(std::string(GEOVERIFY_TEST_DATA) + "/landsat_rgb_byte_crop.tif", cv::IMREAD_COLOR);
  ASSERT_FALSE(photo.empty());
  cv::Mat small;
  cv::resize(photo, small, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  const ImgHashes x = ComputeImgHashes(photo), y = ComputeImgHashes(Jpeg(small, 70)),
                  z = ComputeImgHashes(
                      cv::imdecode(test::MakeSceneJpeg(640, 480, 90, 3), cv::IMREAD_COLOR));
  EXPECT_EQ(x.marr_hildreth.size(), 72u);
  EXPECT_EQ(x.radial_variance.size(), 40u);
  EXPECT_EQ(x.block_mean.size(), 32u);
  EXPECT_EQ(x.color_moment.size(), 42u);
  const ImgHashDistances same = CompareImgHashes(x, y), other = CompareImgHashes(x, z);
  EXPECT_LT(same.marr_hildreth, other.marr_hildreth);
  EXPECT_LT(same.radial_variance, other.radial_variance);
  EXPECT_LT(same.block_mean, other.block_mean);
  EXPECT_LT(same.color_moment, other.color_moment);
  EXPECT_EQ(CompareImgHashes(x, x).block_mean, 0);
  EXPECT_EQ(HexLower(std::vector<std::uint8_t>{0x00, 0xab, 0x10}), "00ab10");
  // Colour moments and radial variance survive a quarter turn; pHash does not.
  cv::Mat turned;
  cv::rotate(photo, turned, cv::ROTATE_90_CLOCKWISE);
  const ImgHashDistances rotated = CompareImgHashes(x, ComputeImgHashes(turned));
  EXPECT_LT(rotated.color_moment, other.color_moment);
}

class ForensicsFile : public ::testing::Test {
 protected:
  void SetUp() override { InitializeMetadataLibrary(); }
  // A camera-like photo whose EXIF thumbnail is made from `thumb_source`.
  std::filesystem::path Photo(const std::string& name, const cv::Mat& main,
                              const cv::Mat& thumb_source, int orientation = 1) {
    std::vector<std::uint8_t> jpeg, thumb;
    cv::imencode(".jpg", main, jpeg, {cv::IMWRITE_JPEG_QUALITY, 92});
    cv::Mat small;
    cv::resize(thumb_source, small, cv::Size(160, 120), 0, 0, cv::INTER_AREA);
    cv::imencode(".jpg", small, thumb, {cv::IMWRITE_JPEG_QUALITY, 80});
    test::SynthExif exif;
    exif.make = "Canon";
    exif.thumb_jpeg = thumb;
    if (orientation != 1) exif.orientation = orientation;
    const auto path = dir_ / name;
    test::WritePhoto(path, jpeg, exif);
    return path;
  }
  test::TempDir dir_;
};

TEST_F(ForensicsFile, ThumbnailOfTheSameImageAgreesAndOfAnEditedOneIsReported) {
  const cv::Mat scene = Stationary(3, 4.0);
  cv::Mat edited = scene.clone();
  cv::rectangle(edited, cv::Rect(400, 100, 160, 160), cv::Scalar(20, 20, 20), cv::FILLED);
  ForensicsOptions o;
  const auto same_photo = Photo("same.jpg", scene, scene);
  const ForensicsReport same_report = AnalyzeFile(same_photo, o);
  auto same = ToJson(same_report);
  std::filesystem::create_directories(dir_ / "pictures");
  WriteForensicsPictures(same_report, same_photo, dir_ / "pictures", same);
  const auto changed = AnalyzePhoto(Photo("changed.jpg", edited, scene), o);
  ASSERT_TRUE(same["error"].is_null()) << same["error"];
  ASSERT_FALSE(same["thumbnail"].is_null());
  EXPECT_LT(same["thumbnail"]["worst_block"].get<double>(), 0.8);
  EXPECT_TRUE(same["findings"].empty()) << same["findings"];
  ASSERT_EQ(changed["findings"].size(), 1u);
  EXPECT_EQ(changed["findings"][0]["code"], "THUMBNAIL_CONTENT_DIFFERS");
  // A phone held upright: pixels and thumbnail stored as the sensor saw them, orientation 6
  // to show them turned. The thumbnail is compared in the stored frame: no finding.
  const auto upright = AnalyzePhoto(Photo("upright.jpg", scene, scene, 6), o);
  ASSERT_TRUE(upright["error"].is_null()) << upright["error"];
  EXPECT_EQ(upright["width"], 480);  // shown turned
  ASSERT_FALSE(upright["thumbnail"].is_null());
  EXPECT_LT(upright["thumbnail"]["worst_block"].get<double>(), 0.8) << upright["thumbnail"];
  EXPECT_TRUE(upright["findings"].empty()) << upright["findings"];
  // The worst block lies on the rectangle (thumbnail pixels are a quarter of the image's).
  const int x = changed["thumbnail"]["worst_block_at"][0],
            y = changed["thumbnail"]["worst_block_at"][1];
  EXPECT_TRUE(cv::Rect(100 - 8, 25 - 8, 40 + 8, 40 + 8).contains(cv::Point(x, y))) << x << "," << y;
  // JPEG structure, hashes, pictures named after the evidence.
  EXPECT_EQ(same["jpeg"]["quality_estimate"], 92);
  EXPECT_TRUE(same["jpeg"]["standard_tables"].get<bool>());
  EXPECT_EQ(same["hashes"]["phash"].get<std::string>().size(), 16u);
  for (const char* kind : {"ela", "noise", "thumbnail"}) {
    const std::string picture = same[kind]["picture"];
    EXPECT_NE(picture.find(same["sha256"].get<std::string>().substr(0, 8)), std::string::npos);
    EXPECT_FALSE(cv::imread(picture).empty()) << picture;
  }
}

// A 3:2 photo with a 4:3 thumbnail framed each way cameras do it: letterboxed, its centre
// filling the thumbnail (Ricoh RDC-5300), stretched.
TEST(Thumbnail, EachCameraFramingAgreesAndAnEditShowsThroughIt) {
  const cv::Mat scene = Stationary(7, 4.0, {900, 600});
  const auto encoded = [](const cv::Mat& m) {
    std::vector<std::uint8_t> bytes;
    cv::imencode(".jpg", m, bytes, {cv::IMWRITE_JPEG_QUALITY, 80});
    return bytes;
  };
  cv::Mat letterbox(120, 160, CV_8UC3, cv::Scalar(0, 0, 0)), crop, off_centre, stretch;
  cv::resize(scene, letterbox(cv::Rect(0, 6, 160, 107)), cv::Size(160, 107), 0, 0, cv::INTER_AREA);
  cv::resize(scene(cv::Rect(50, 0, 800, 600)), crop, cv::Size(160, 120), 0, 0, cv::INTER_AREA);
  cv::resize(scene, stretch, cv::Size(160, 120), 0, 0, cv::INTER_AREA);
  // A crop 30 px (6 thumbnail px) off centre, as the Ricoh's is: the framing is refined.
  cv::resize(scene(cv::Rect(20, 0, 800, 600)), off_centre, cv::Size(160, 120), 0, 0,
             cv::INTER_AREA);
  const std::vector<std::pair<cv::Mat, ThumbnailFraming>> cases = {
      {letterbox, ThumbnailFraming::kLetterbox},
      {crop, ThumbnailFraming::kCentreCrop},
      {off_centre, ThumbnailFraming::kCentreCrop},
      {stretch, ThumbnailFraming::kStretch}};
  for (const auto& [thumb, framing] : cases) {
    auto c = CompareThumbnail(encoded(thumb), scene);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->framing, framing) << ToString(framing);
    EXPECT_LT(c->worst_block, 0.8) << ToString(framing);
    EXPECT_EQ(c->thumbnail_size, cv::Size(160, 120));
  }
  // The image edited after the camera wrote a centre-cropped thumbnail: the edit shows.
  cv::Mat edited = scene.clone();
  cv::rectangle(edited, cv::Rect(450, 200, 150, 150), cv::Scalar(230, 230, 230), cv::FILLED);
  auto c = CompareThumbnail(encoded(crop), edited);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_GT(c->worst_block, 1.5);
  EXPECT_EQ(c->framing, ThumbnailFraming::kCentreCrop);
  // (450, 200) 150 px in the image is (80, 40) 30 px in the centre-cropped thumbnail.
  EXPECT_TRUE(cv::Rect(80 - 8, 40 - 8, 30 + 8, 30 + 8).contains(c->worst_block_at))
      << c->worst_block_at;
  EXPECT_FALSE(CompareThumbnail(encoded(crop), cv::Mat()).ok());
  // Flat pictures (nothing to align on) still compare.
  const cv::Mat grey(600, 900, CV_8UC3, cv::Scalar(128, 128, 128));
  auto flat =
      CompareThumbnail(encoded(cv::Mat(120, 160, CV_8UC3, cv::Scalar(128, 128, 128))), grey);
  ASSERT_TRUE(flat.ok()) << flat.error().message;
  EXPECT_LT(flat->worst_block, 0.8);
}

TEST(CopyMove, TheMapIsRefinedOnTheDetailAndStaysNearTheKeypoints) {
  // A rotated and scaled copy with a known map; the map handed in is 0.8 px and 0.3 deg off,
  // as RANSAC on keypoints leaves it.
  const cv::Mat photo = Stationary(9, 1.2, {640, 480});
  const cv::Rect source(100, 100, 120, 120);
  const cv::Point2f centre(160, 160), to(420, 300);
  const bench::Forgery f = bench::CopyRegion(photo, source, to, 20, 1.1);
  cv::Mat gray;
  cv::cvtColor(Jpeg(f.image, 90), gray, cv::COLOR_BGR2GRAY);
  const cv::Mat detail = CopyMoveDetail(gray);
  const auto map = [&](double angle, double dx, double dy) {
    cv::Mat m = cv::getRotationMatrix2D(centre, angle, 1.1);
    m.at<double>(0, 2) += to.x - centre.x + dx;
    m.at<double>(1, 2) += to.y - centre.y + dy;
    return cv::Matx23d(m);
  };
  const cv::Matx23d truth = map(20, 0, 0), off = map(20.3, 0.8, -0.6);
  cv::Mat target(photo.size(), CV_8UC1, cv::Scalar(0)), source_mask = target.clone();
  source_mask(source).setTo(255);
  cv::warpAffine(source_mask, target, cv::Mat(truth), photo.size(), cv::INTER_NEAREST);
  cv::erode(target, target, cv::Mat(), {-1, -1}, 4);
  const cv::Matx23d refined = RefineCopyMoveMap(detail, off, target);
  for (const cv::Point2d p : {cv::Point2d(100, 100), cv::Point2d(220, 220)}) {
    const cv::Point2d a = truth * cv::Vec3d(p.x, p.y, 1), b = refined * cv::Vec3d(p.x, p.y, 1);
    EXPECT_LT(cv::norm(a - b), 0.3) << p;
  }
  const double before = CopyMoveCorrelation(detail, off, target),
               after = CopyMoveCorrelation(detail, refined, target);
  EXPECT_GT(after, before + 0.1) << before << " -> " << after;
  EXPECT_GT(after, 0.8);
  // A map that matches nothing: whatever ECC makes of it, the result stays within about 2 px
  // of it (the refinement never wanders off to another place).
  const cv::Matx23d elsewhere = map(-40, -250, 60);
  const cv::Matx23d near = RefineCopyMoveMap(detail, elsewhere, target);
  for (const cv::Point2d p : {cv::Point2d(100, 100), cv::Point2d(220, 220)}) {
    const cv::Point2d a = elsewhere * cv::Vec3d(p.x, p.y, 1), b = near * cv::Vec3d(p.x, p.y, 1);
    EXPECT_LT(cv::norm(a - b), 2.5) << p;
  }
}

// A segment (marker 0xFF `marker`, then `body`) inserted right after the SOI.
std::vector<std::uint8_t> WithSegment(std::vector<std::uint8_t> jpeg, std::uint8_t marker,
                                      const std::string& body) {
  const std::size_t length = body.size() + 2;
  std::vector<std::uint8_t> seg = {0xFF, marker, static_cast<std::uint8_t>(length >> 8),
                                   static_cast<std::uint8_t>(length & 0xFF)};
  seg.insert(seg.end(), body.begin(), body.end());
  jpeg.insert(jpeg.begin() + 2, seg.begin(), seg.end());
  return jpeg;
}

TEST(JpegWriters, NamesWhatTheIdentifiersSayAndNothingElse) {
  EXPECT_EQ(AppSegmentWriter(0xED, "Photoshop 3.0")->name,
            "Adobe Photoshop image resources (Photoshop, or an IPTC editor)");
  EXPECT_TRUE(AppSegmentWriter(0xEC, "Ducky")->editor);
  EXPECT_FALSE(AppSegmentWriter(0xE2, "MPF")->editor);
  EXPECT_FALSE(AppSegmentWriter(0xE1, "Exif")->editor);
  EXPECT_FALSE(AppSegmentWriter(0xE2, "Exif").has_value());  // the identifier in another APPn
  EXPECT_FALSE(AppSegmentWriter(0xE9, "Something").has_value());
  EXPECT_EQ(CommentWriter("CREATOR: gd-jpeg v1.0 (using IJG JPEG v62), quality = 82")->name,
            "GD library (PHP: a website or service re-encoded the photo)");
  EXPECT_FALSE(CommentWriter("a comment about GIMP").has_value());
}

TEST_F(ForensicsFile, EditorSegmentsAndCommentsAreNamedAndReported) {
  std::vector<std::uint8_t> plain;
  cv::imencode(".jpg", Stationary(4), plain, {cv::IMWRITE_JPEG_QUALITY, 90});
  test::WriteBytes(dir_ / "plain.jpg", plain);
  auto edited = WithSegment(plain, 0xFE, "CREATOR: gd-jpeg v1.0 (using IJG JPEG v62)");
  edited = WithSegment(edited, 0xED, std::string("Photoshop 3.0\0008BIM", 18));
  edited = WithSegment(edited, 0xEC, std::string("Ducky\0\1\0\4\0\0\0\x50\0\0", 15));
  test::WriteBytes(dir_ / "edited.jpg", edited);
  const auto p = AnalyzePhoto(dir_ / "plain.jpg", {});
  const auto e = AnalyzePhoto(dir_ / "edited.jpg", {});
  ASSERT_TRUE(p["error"].is_null()) << p["error"];
  ASSERT_TRUE(e["error"].is_null()) << e["error"];
  ASSERT_EQ(p["jpeg"]["writers"].size(), 1u) << p["jpeg"]["writers"];
  EXPECT_EQ(p["jpeg"]["writers"][0]["segment"], "APP0");
  EXPECT_FALSE(p["jpeg"]["writers"][0]["editor"].get<bool>());
  for (const auto& f : p["findings"]) EXPECT_NE(f["code"], "JPEG_EDITOR_SEGMENTS") << f;
  // APP12 and APP13 first (inserted last), then the JFIF APP0 and the comment.
  EXPECT_EQ(e["jpeg"]["segments"][0]["writer"], "Adobe Photoshop \"Save for Web\"");
  EXPECT_EQ(e["jpeg"]["segments"][0]["app_id"], "Ducky");
  std::vector<std::string> segments;
  for (const auto& w : e["jpeg"]["writers"]) segments.push_back(w["segment"]);
  EXPECT_EQ(segments, (std::vector<std::string>{"APP12", "APP13", "APP0", "COM"}));
  std::string message;
  for (const auto& f : e["findings"])
    if (f["code"] == "JPEG_EDITOR_SEGMENTS") message = f["message"];
  EXPECT_NE(message.find("\"Save for Web\" (APP12)"), std::string::npos) << message;
  EXPECT_NE(message.find("(APP13)"), std::string::npos) << message;
  EXPECT_NE(message.find("GD library"), std::string::npos) << message;
  EXPECT_EQ(message.find("JFIF"), std::string::npos) << message;
}

TEST_F(ForensicsFile, UnreadableFileGetsAnErrorNamingIt) {
  test::WriteBytes(dir_ / "broken.jpg", {0xff, 0xd8, 0xff, 0xe0, 0, 2});
  const auto j = AnalyzePhoto(dir_ / "broken.jpg", {});
  ASSERT_FALSE(j["error"].is_null());
  EXPECT_NE(j["error"].get<std::string>().find("broken.jpg"), std::string::npos);
  EXPECT_EQ(j["sha256"].get<std::string>().size(), 64u);
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(DoubleCompression, GhostGivesTheFirstQualityAndSingleSavesStayClean) {
  const cv::Mat scene = cv::imdecode(test::MakeSceneJpeg(800, 600, 100, 8), cv::IMREAD_COLOR);
  const cv::Mat once = Jpeg(scene, 90), twice = Jpeg(Jpeg(scene, 60), 90);
  auto a = DetectDoubleCompression(once, 90), b = DetectDoubleCompression(twice, 90);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(a->detected) << a->ghost_ratio;
  ASSERT_TRUE(b->detected) << b->ghost_ratio;
  EXPECT_NEAR(*b->first_quality, 60, 3);
}

// Saves `image` at each quality in turn (decoding in between) and runs the DCT-histogram
// test on the last file, as `geoverify forensics` does: its luminance table, grey decoding.
Result<DoubleQuantizationResult> SavedAndTested(const cv::Mat& image, std::vector<int> qualities) {
  std::vector<std::uint8_t> bytes;
  cv::Mat current = image;
  for (int q : qualities) {
    cv::imencode(".jpg", current, bytes, {cv::IMWRITE_JPEG_QUALITY, q});
    current = cv::imdecode(bytes, cv::IMREAD_COLOR);
  }
  auto jpeg = ParseJpegStructure(bytes);
  if (!jpeg.ok()) return jpeg.error();
  if (jpeg->LuminanceTable() == nullptr) return MakeError("no luminance table");
  return DetectDoubleQuantization(cv::imdecode(bytes, cv::IMREAD_GRAYSCALE),
                                  jpeg->LuminanceTable()->values);
}

TEST(DoubleQuantization, FindsRecompressionInBothDirectionsNotSingleSaves) {
  // Textures with natural coefficient statistics. (The drawn test scenes are mostly flat
  // shapes: too few busy blocks for the q1 > q2 case, as for flat camera photos.)
  for (const cv::Mat& image : {Stationary(3, 1.2, {800, 600}), Stationary(5, 2.0, {800, 600})}) {
    for (int q : {60, 75, 90}) {
      auto once = SavedAndTested(image, {q});
      ASSERT_TRUE(once.ok()) << once.error().message;
      EXPECT_FALSE(once->detected)
          << "q" << q << " fit " << once->fit_gain << " ijg " << once->ijg_gain;
    }
    // Second quality higher (the JPEG ghost's case too) and lower (no ghost).
    for (const auto& [q1, q2] : std::vector<std::pair<int, int>>{{60, 85}, {90, 65}}) {
      auto twice = SavedAndTested(image, {q1, q2});
      ASSERT_TRUE(twice.ok()) << twice.error().message;
      ASSERT_TRUE(twice->detected)
          << q1 << "->" << q2 << " fit " << twice->fit_gain << " ijg " << twice->ijg_gain;
      ASSERT_TRUE(twice->first_quality.has_value());
      EXPECT_NEAR(*twice->first_quality, q1, 3) << q1 << "->" << q2;
    }
  }
}

// An 800 x 600 photo saved at 60 and again at 85, with a square from another picture
// (never compressed) pasted at `kPasted` in between the two saves.
const cv::Rect kPasted(420, 260, 160, 160);
std::vector<std::uint8_t> PastedBetweenTwoSaves() {
  cv::Mat host = Jpeg(Stationary(3, 1.2, {800, 600}), 60);
  Stationary(8, 1.5, {800, 600})(kPasted).copyTo(host(kPasted));
  std::vector<std::uint8_t> bytes;
  cv::imencode(".jpg", host, bytes, {cv::IMWRITE_JPEG_QUALITY, 85});
  return bytes;
}

TEST(DoubleQuantization, APastedRegionIsTheLeastDoubleCompressed) {
  const cv::Rect pasted = kPasted;
  const std::vector<std::uint8_t> bytes = PastedBetweenTwoSaves();
  auto jpeg = ParseJpegStructure(bytes);
  ASSERT_TRUE(jpeg.ok() && jpeg->LuminanceTable() != nullptr);
  auto r = DetectDoubleQuantization(cv::imdecode(bytes, cv::IMREAD_GRAYSCALE),
                                    jpeg->LuminanceTable()->values);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->detected);
  EXPECT_GT(r->single_region_z, 3);
  const cv::Rect around(pasted.x - 32, pasted.y - 32, pasted.width + 32, pasted.height + 32);
  EXPECT_TRUE(around.contains(r->single_region_at))
      << r->single_region_at << " z " << r->single_region_z;
}

TEST_F(ForensicsFile, ThePastedRegionIsBoxedInThePictureAsShown) {
  // The same forgery stored 800 x 600 with EXIF orientation 6 (shown 600 x 800, turned a
  // quarter clockwise): the stored square (420, 260) 160 px is shown at (180, 420).
  test::SynthExif turned;
  turned.orientation = 6;
  test::WritePhoto(dir_ / "turned.jpg", PastedBetweenTwoSaves(), turned);
  const auto j = AnalyzePhoto(dir_ / "turned.jpg", {});
  ASSERT_TRUE(j["error"].is_null()) << j["error"];
  const auto& region = j["jpeg"]["double_compression"]["dct_single_region"];
  ASSERT_TRUE(region.is_object()) << j["jpeg"]["double_compression"].dump();
  const cv::Rect box(region["box"][0].get<int>(), region["box"][1].get<int>(),
                     region["box"][2].get<int>(), region["box"][3].get<int>());
  EXPECT_EQ(box.size(), cv::Size(32, 32));
  const cv::Rect around(180 - 32, 420 - 32, 160 + 64, 160 + 64);
  EXPECT_EQ(box & around, box) << box;
}

TEST(DoubleQuantization, TestRecompressionNamesWhatItCannotTest) {
  std::vector<std::uint8_t> png;
  cv::imencode(".png", Stationary(4, 1.2, {200, 200}), png);
  auto not_jpeg = TestRecompression(png);
  ASSERT_FALSE(not_jpeg.ok());
  auto tiny = TestRecompression(test::MakeSceneJpeg(40, 40, 80, 1));
  ASSERT_FALSE(tiny.ok());
  EXPECT_NE(tiny.error().message.find("too small"), std::string::npos) << tiny.error().message;
  // A photo saved twice: both tests run, the DCT histograms find it and the first quality.
  std::vector<std::uint8_t> first, second;
  cv::imencode(".jpg", Stationary(5, 2.0, {800, 600}), first, {cv::IMWRITE_JPEG_QUALITY, 60});
  cv::imencode(".jpg", cv::imdecode(first, cv::IMREAD_COLOR), second,
               {cv::IMWRITE_JPEG_QUALITY, 85});
  auto twice = TestRecompression(second);
  ASSERT_TRUE(twice.ok()) << twice.error().message;
  EXPECT_EQ(twice->last_quality, 85);
  ASSERT_TRUE(twice->dct && twice->ghost);
  EXPECT_TRUE(twice->Detected());
  ASSERT_TRUE(twice->FirstQuality());
  EXPECT_NEAR(*twice->FirstQuality(), 60, 3);
}

TEST(DoubleQuantization, RefusesWhatItCannotMeasure) {
  const auto table = IjgTable(80, false);
  EXPECT_FALSE(DetectDoubleQuantization(cv::Mat(), table).ok());
  EXPECT_FALSE(DetectDoubleQuantization(cv::Mat(40, 40, CV_8UC1, cv::Scalar(9)), table).ok());
  EXPECT_FALSE(DetectDoubleQuantization(cv::Mat(200, 200, CV_8UC3), table).ok());
  // A flat picture has no coefficients to count: nothing is claimed.
  auto flat = DetectDoubleQuantization(cv::Mat(256, 256, CV_8UC1, cv::Scalar(120)), table);
  ASSERT_TRUE(flat.ok());
  EXPECT_FALSE(flat->detected);
  EXPECT_EQ(flat->frequencies, 0);
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

// Copy-move detection on `photo` and on a forgery with `source` copied onto `target`, both
// saved as JPEG 90.
std::pair<Result<CopyMoveResult>, Result<CopyMoveResult>> CleanAndCopied(const cv::Mat& photo,
                                                                         const cv::Rect& source,
                                                                         const cv::Rect& target) {
  cv::Mat forged = photo.clone();
  photo(source).copyTo(forged(target));
  return {DetectCopyMove(Jpeg(photo, 90)), DetectCopyMove(Jpeg(forged, 90))};
}

// Both copied regions are in the mask, and little else.
void ExpectMaskCovers(const cv::Mat& mask, const cv::Rect& source, const cv::Rect& target) {
  cv::Mat truth(mask.size(), CV_8UC1, cv::Scalar(0));
  truth(source).setTo(255);
  truth(target).setTo(255);
  const double overlap = cv::countNonZero(mask & truth);
  EXPECT_GT(overlap / cv::countNonZero(truth), 0.5);
  EXPECT_GT(overlap / std::max(1, cv::countNonZero(mask)), 0.6);
}

TEST(CopyMove, ClonedRegionIsFoundAndRepetitionIsNot) {
  const cv::Rect source(100, 300, 140, 140), target(520, 320, 140, 140);
  auto [clean, copied] = CleanAndCopied(Stationary(21, 2.0, {800, 600}), source, target);
  ASSERT_TRUE(clean.ok() && copied.ok());
  EXPECT_FALSE(clean->detected) << clean->score;
  ASSERT_TRUE(copied->detected) << copied->matches << " " << copied->score;
  EXPECT_GT(copied->score, 0.6);
  ExpectMaskCovers(copied->mask, source, target);
}

// A copy as a person makes one in an editor: an object cut along its (not convex) outline,
// pasted with a feathered edge, turned and scaled a little, saved again; and the same copy
// mirrored, which plain SIFT matching cannot see (its descriptors are not mirror-invariant).
cv::Mat StarObject(cv::Size size, cv::Point centre, int radius) {
  std::vector<cv::Point> outline;
  for (int k = 0; k < 10; ++k) {
    const double a = k * CV_PI / 5, r = k % 2 ? radius * 0.45 : radius;
    outline.emplace_back(centre.x + static_cast<int>(r * std::cos(a)),
                         centre.y + static_cast<int>(r * std::sin(a)));
  }
  cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{outline}, cv::Scalar(255));
  return mask;
}

TEST(CopyMove, AFeatheredTurnedObjectIsFoundAlsoWhenMirrored) {
  const cv::Mat photo = Stationary(23, 2.0, {800, 600});
  const cv::Point centre(190, 170);
  const cv::Mat object = StarObject(photo.size(), centre, 90);
  for (const bool mirror : {false, true}) {
    // About the object's centre: mirrored left-right, scaled 1.1, turned 25 degrees, moved to
    // (560, 400).
    const double a = 25 * CV_PI / 180, cs = 1.1 * std::cos(a), sn = 1.1 * std::sin(a);
    const double m = mirror ? -1 : 1;
    cv::Matx23d map(m * cs, sn, 0, -m * sn, cs, 0);
    map(0, 2) = 560 - (map(0, 0) * centre.x + map(0, 1) * centre.y);
    map(1, 2) = 400 - (map(1, 0) * centre.x + map(1, 1) * centre.y);
    const bench::Forgery f = bench::PasteObject(photo, object, map, 3.0);
    auto r = DetectCopyMove(Jpeg(f.image, 85));
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->detected) << "mirrored " << mirror << ": " << r->method << " " << r->matches
                             << " " << r->score;
    EXPECT_EQ(r->mirrored, mirror);
    // The mask follows the star's outline, not the hull of its keypoints (which holds the
    // background between its points: 0.82-0.84 of that mask is right, 0.96-0.97 of this one).
    const double overlap = cv::countNonZero(r->mask & f.truth);
    EXPECT_GT(overlap / cv::countNonZero(f.truth), 0.8) << "mirrored " << mirror;
    EXPECT_GT(overlap / std::max(1, cv::countNonZero(r->mask)), 0.9) << "mirrored " << mirror;
  }
  auto clean = DetectCopyMove(Jpeg(photo, 85));
  ASSERT_TRUE(clean.ok());
  EXPECT_FALSE(clean->detected) << clean->method << " " << clean->score;
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

// A flat wall or sky: a smooth ramp with sensor-like noise (seeded), no keypoints to match.
cv::Mat FlatNoisy(int seed, double sigma, cv::Size size = {800, 600}) {
  cv::Mat ramp(size, CV_32FC3), noise(size, CV_32FC3), out;
  for (int y = 0; y < size.height; ++y)
    ramp.row(y).setTo(cv::Scalar::all(70 + 110.0 * y / size.height));
  cv::theRNG().state = static_cast<std::uint64_t>(seed);
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(sigma));
  cv::Mat(ramp + noise).convertTo(out, CV_8UC3);
  return out;
}

TEST(CopyMove, CopyOfAFlatRegionIsFoundByItsRepeatedNoise) {
  // Noise of a dim room at high ISO (sigma 8 grey levels). With the noise of a bright wall
  // (sigma 3), the JPEG at 90 leaves too little of it and the copy is missed (README).
  const cv::Rect source(100, 80, 130, 130), target(520, 400, 130, 130);
  auto [clean, copied] = CleanAndCopied(FlatNoisy(5, 8), source, target);
  ASSERT_TRUE(clean.ok() && copied.ok());
  EXPECT_FALSE(clean->detected) << clean->method << " " << clean->score;
  ASSERT_TRUE(copied->detected) << copied->method << " " << copied->score;
  EXPECT_EQ(copied->method, "block_correlation");
  EXPECT_NEAR(std::abs(copied->source_to_target(0, 2)), 420, 1.5);
  EXPECT_NEAR(std::abs(copied->source_to_target(1, 2)), 320, 1.5);
  ExpectMaskCovers(copied->mask, source, target);
}

TEST(CopyMove, SaysOnceOnEveryWayOutWhenItsScaleSpaceIsFreed) {
  // The forensics step starts ELA and the noise residual on this signal: it must come once
  // after a detection, and once when the detection refuses its input.
  int calls = 0;
  auto r = DetectCopyMove(Jpeg(FlatNoisy(6, 3), 85), {}, [&] { ++calls; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_FALSE(DetectCopyMove(cv::Mat(), {}, [&] { ++calls; }).ok());
  EXPECT_EQ(calls, 1);
  calls = 0;
  CopyMoveOptions bad;
  bad.max_side = -1;
  EXPECT_FALSE(DetectCopyMove(Jpeg(FlatNoisy(6, 3), 85), bad, [&] { ++calls; }).ok());
  EXPECT_EQ(calls, 1);
}

TEST(CopyMove, StraightEdgesRepeatingAlongThemselvesAreNotACopy) {
  // Long horizontal bars: any horizontal shift maps an edge onto itself.
  cv::Mat photo = FlatNoisy(6, 3);
  for (int y : {90, 230, 380, 470})
    cv::rectangle(photo, cv::Rect(0, y, 800, 18 + y / 40), cv::Scalar(30, 40, 50), cv::FILLED);
  auto r = DetectCopyMove(Jpeg(photo, 85));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->detected) << r->method << " " << r->score << " shift "
                            << r->source_to_target(0, 2) << "," << r->source_to_target(1, 2);
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

// A real aerial photo (the Landsat crop of tests/data, 320 px) with a small region (40 px)
// copied rotated by 30 degrees and scaled by 0.9, then saved as JPEG 85: 11 keypoint matches
// in the copy. The settings before 2026-11-29 (12 inliers, SIFT contrast 0.02, ratio 0.6)
// missed it.
cv::Mat RotatedSmallCopy(cv::Mat& truth) {
  const cv::Mat photo =
      cv::imread(std::string(GEOVERIFY_TEST_DATA) + "/landsat_rgb_byte_crop.tif", cv::IMREAD_COLOR);
  if (photo.empty()) return {};
  const bench::Forgery f = bench::CopyRegion(photo, cv::Rect(60, 70, 40, 40), {220, 200}, 30, 0.9);
  truth = f.truth;
  return Jpeg(f.image, 85);
}

TEST(CopyMove, SmallRotatedCopyInARealPhotoIsFoundTheSameWayEveryTime) {
  cv::Mat truth;
  const cv::Mat forged = RotatedSmallCopy(truth);
  ASSERT_FALSE(forged.empty());
  auto a = DetectCopyMove(forged);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->detected) << a->method << " " << a->matches << " " << a->score;
  EXPECT_EQ(a->method, "keypoints");
  const double overlap = cv::countNonZero(a->mask & truth);
  EXPECT_GT(overlap / cv::countNonZero(truth), 0.5);
  EXPECT_GT(overlap / std::max(1, cv::countNonZero(a->mask)), 0.5);
  // Approximate matching draws random trees: seeded, so the verdict is reproducible.
  auto b = DetectCopyMove(forged);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->matches, b->matches);
  EXPECT_EQ(a->score, b->score);
  EXPECT_EQ(cv::countNonZero(a->mask != b->mask), 0);
  // The untouched photo, saved the same way, is not a copy.
  const cv::Mat photo =
      cv::imread(std::string(GEOVERIFY_TEST_DATA) + "/landsat_rgb_byte_crop.tif", cv::IMREAD_COLOR);
  auto clean = DetectCopyMove(Jpeg(photo, 85));
  ASSERT_TRUE(clean.ok());
  EXPECT_FALSE(clean->detected) << clean->method << " " << clean->score;
}

TEST(CopyMove, OptionsAreChecked) {
  CopyMoveOptions o;
  o.max_keypoints = 3;
  EXPECT_FALSE(DetectCopyMove(cv::Mat(100, 100, CV_8UC3), o).ok());
  o = {};
  o.contrast_threshold = -1;
  EXPECT_FALSE(DetectCopyMove(cv::Mat(100, 100, CV_8UC3), o).ok());
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

const std::filesystem::path kKnownTables =
    std::filesystem::path(GEOVERIFY_SOURCE_DIR) / "data" / "jpeg_tables.json";

// An OpenCV JPEG whose 8-bit DQT tables (ids 0 and 1) are overwritten with `tables`: the
// stream stays valid, only the quantisation changes.
std::vector<std::uint8_t> WithTables(std::vector<std::uint8_t> bytes,
                                     const std::vector<std::array<std::uint16_t, 64>>& tables) {
  for (std::size_t i = 2; i + 4 < bytes.size();) {
    if (bytes[i] != 0xFF) break;
    const std::uint8_t marker = bytes[i + 1];
    const std::size_t length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (marker == 0xDB) {
      for (std::size_t at = i + 4; at + 65 <= i + 2 + length; at += 65) {
        const std::size_t id = bytes[at] & 0x0F;
        if (id < tables.size())
          for (std::size_t k = 0; k < 64; ++k)
            bytes[at + 1 + k] = static_cast<std::uint8_t>(tables[id][kJpegZigZag[k]]);
      }
    }
    if (marker == 0xDA) break;
    i += 2 + length;
  }
  return bytes;
}

TEST(KnownTables, TheShippedSetsLoadAndTellACameraFromLibjpeg) {
  auto known = LoadKnownTables(kKnownTables);
  ASSERT_TRUE(known.ok()) << known.error().message;
  ASSERT_GE(known->size(), 10u);
  const KnownTableSet* sx60 = nullptr;
  for (const auto& set : *known)
    if (set.model == "Canon PowerShot SX60 HS") sx60 = &set;
  ASSERT_NE(sx60, nullptr);
  ASSERT_EQ(sx60->tables.size(), 2u);
  for (const auto& t : sx60->tables)
    for (auto v : t) ASSERT_LE(v, 255);  // 8-bit tables: they fit the rewrite below
  std::vector<std::uint8_t> ijg;
  cv::imencode(".jpg", Stationary(12, 1.2, {64, 48}), ijg, {cv::IMWRITE_JPEG_QUALITY, 90});
  const auto camera = WithTables(ijg, sx60->tables);
  auto parsed = ParseJpegStructure(camera), plain = ParseJpegStructure(ijg);
  ASSERT_TRUE(parsed.ok() && plain.ok());
  const auto matches = MatchKnownTables(*parsed, *known);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0], sx60);
  EXPECT_TRUE(MatchKnownTables(*plain, *known).empty());
  EXPECT_FALSE(cv::imdecode(camera, cv::IMREAD_COLOR).empty());  // still a valid JPEG
}

TEST_F(ForensicsFile, KnownSourceOfTheTablesIsInTheJson) {
  auto known = LoadKnownTables(kKnownTables);
  ASSERT_TRUE(known.ok());
  const KnownTableSet* two = nullptr;  // any set of two 8-bit tables
  for (const auto& set : *known) {
    bool eight_bit = set.tables.size() == 2;
    for (const auto& t : set.tables)
      for (auto v : t) eight_bit &= v <= 255;
    if (eight_bit && set.model) two = &set;
  }
  ASSERT_NE(two, nullptr);
  std::vector<std::uint8_t> ijg;
  cv::imencode(".jpg", Stationary(13, 1.2, {320, 240}), ijg, {cv::IMWRITE_JPEG_QUALITY, 90});
  test::WriteBytes(dir_ / "camera.jpg", WithTables(ijg, two->tables));
  test::WriteBytes(dir_ / "libjpeg.jpg", ijg);
  const auto camera = AnalyzePhoto(dir_ / "camera.jpg", {});
  const auto libjpeg = AnalyzePhoto(dir_ / "libjpeg.jpg", {});
  ASSERT_TRUE(camera["error"].is_null() && libjpeg["error"].is_null());
  ASSERT_EQ(camera["jpeg"]["known_source"].size(), 1u) << camera["jpeg"].dump();
  EXPECT_EQ(camera["jpeg"]["known_source"][0]["model"], *two->model);
  EXPECT_FALSE(camera["jpeg"]["standard_tables"].get<bool>());
  EXPECT_TRUE(libjpeg["jpeg"]["known_source"].empty());
  EXPECT_TRUE(libjpeg["jpeg"]["standard_tables"].get<bool>());
}

TEST(KnownTables, ABadTableFileIsAnErrorNamingIt) {
  test::TempDir dir;
  std::string values;
  for (int i = 0; i < 64; ++i) values += (i ? "," : "") + std::to_string(i == 5 ? 0 : 9);
  test::WriteText(dir / "zero.json", R"({"tables":[{"make":"X","tables":[[)" + values + "]]}]}");
  test::WriteText(dir / "short.json", R"({"tables":[{"make":"X","tables":[[1,2,3]]}]})");
  test::WriteText(dir / "text.json", "not json");
  for (const char* name : {"zero.json", "short.json", "text.json", "missing.json"}) {
    auto r = LoadKnownTables(dir / name);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.error().message.find(name), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

// A pattern repeated all over the photo (tiles, wallpaper, a brick wall): every shift by a
// whole number of periods maps the picture onto itself, but that is no copy. Both methods
// find such a shift; the candidate lies mostly on its own source and is dropped.
TEST(CopyMove, APatternRepeatedAllOverThePhotoIsNotACopy) {
  for (int period : {24, 64}) {
    cv::theRNG().state = 1;
    cv::Mat tile(period, period, CV_8UC3);
    cv::randu(tile, 0, 255);
    cv::GaussianBlur(tile, tile, cv::Size(0, 0), 1.5);
    cv::Mat wall(480, 640, CV_8UC3);
    for (int y = 0; y < wall.rows; y += period)
      for (int x = 0; x < wall.cols; x += period) {
        const cv::Rect r(x, y, std::min(period, wall.cols - x), std::min(period, wall.rows - y));
        tile(cv::Rect(0, 0, r.width, r.height)).copyTo(wall(r));
      }
    cv::Mat noise(wall.size(), CV_16SC3), wide;
    cv::randn(noise, 0, 3);
    wall.convertTo(wide, CV_16SC3);
    cv::Mat(wide + noise).convertTo(wall, CV_8UC3);
    auto r = DetectCopyMove(Jpeg(wall, 85));
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->detected) << "period " << period << ": " << r->method << " " << r->score;
  }
}

// A thumbnail-sized photo: a copy 40 px wide is reported, one under 32 px is not (regions
// that small repeat by chance in thumbnails; README).
TEST(CopyMove, CopiesSmallerThan32PixelsAreNotReported) {
  for (int side : {26, 40}) {
    cv::theRNG().state = 5;
    cv::Mat photo(90, 120, CV_8UC3, cv::Scalar(120, 130, 140)), noise(90, 120, CV_16SC3), wide;
    cv::randn(noise, 0, 8);
    photo.convertTo(wide, CV_16SC3);
    cv::Mat(wide + noise).convertTo(photo, CV_8UC3);
    photo(cv::Rect(5, 5, side, side)).copyTo(photo(cv::Rect(115 - side, 85 - side, side, side)));
    auto r = DetectCopyMove(Jpeg(photo, 90));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->detected, side >= 32) << side << " px: " << r->method << " " << r->score;
  }
}

}  // namespace
}  // namespace gv
