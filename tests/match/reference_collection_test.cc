#include "match/reference_collection.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "report/vector_writer.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

class CollectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "refs");
    std::string csv = "file,lat,lon,heading,note\n";
    for (int i = 0; i < 10; ++i) {
      const cv::Mat view = test::MakeTexture(500 + i, 480, 360);
      cv::imwrite((dir_ / "refs" / ("ref" + std::to_string(i) + ".jpg")).string(), view,
                  {cv::IMWRITE_JPEG_QUALITY, 90});
      csv += "ref" + std::to_string(i) + ".jpg," + std::to_string(16.6 + 0.01 * i) + "," +
             std::to_string(98.5 + 0.01 * i) + ",,compound wall " + std::to_string(i) + "\n";
    }
    cv::imwrite((dir_ / "refs" / "unlocated.jpg").string(), test::MakeTexture(900, 480, 360));
    test::WriteText(dir_ / "locations.csv", csv);
    options_.sidecar = dir_ / "locations.csv";
    options_.vocabulary_size = 256;
  }
  test::TempDir dir_;
  CollectionOptions options_;
};

TEST_F(CollectionTest, BuildInfoLocateAddExport) {
  const auto collection = dir_ / "refs.sqlite";
  auto built = BuildCollection({dir_ / "refs"}, collection, options_);
  ASSERT_TRUE(built.ok()) << built.error().message;
  EXPECT_EQ(built->added, 10);
  EXPECT_EQ(built->without_location, 1);  // skipped with a warning, counted
  ASSERT_EQ(built->warnings.size(), 1u);
  EXPECT_NE(built->warnings[0].find("unlocated.jpg"), std::string::npos);

  auto info = CollectionInfo(collection);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ((*info)["references"], 10);
  EXPECT_EQ((*info)["vocabulary_size"], "256");

  // A new view of reference 6: rotated, scaled, recompressed.
  const cv::Mat original = test::MakeTexture(506, 480, 360);
  cv::Mat query;
  cv::warpAffine(original, query, cv::getRotationMatrix2D({240, 180}, 12, 0.9), original.size());
  auto located = LocatePhoto(collection, query, {});
  ASSERT_TRUE(located.ok()) << located.error().message;
  ASSERT_FALSE(located->ranked.empty());
  EXPECT_NE(located->ranked[0].reference.path.find("ref6.jpg"), std::string::npos);
  EXPECT_EQ(located->ranked[0].match.verdict, "same_scene");
  ASSERT_TRUE(located->clue);
  EXPECT_NEAR(located->clue->lat_deg, 16.66, 1e-6);
  EXPECT_NEAR(located->clue->lon_deg, 98.56, 1e-6);
  EXPECT_EQ(located->clue->source, "reference_match");

  // Unrelated photo: no clue.
  auto unrelated = LocatePhoto(collection, test::MakeTexture(12345, 480, 360), {});
  ASSERT_TRUE(unrelated.ok());
  EXPECT_FALSE(unrelated->clue);

  // Add: new references are quantised with the existing vocabulary; duplicates skipped.
  std::filesystem::create_directories(dir_ / "more");
  cv::imwrite((dir_ / "more" / "ref20.jpg").string(), test::MakeTexture(520, 480, 360));
  std::filesystem::copy_file(dir_ / "refs" / "ref1.jpg", dir_ / "more" / "ref1.jpg");
  test::WriteText(dir_ / "more.csv", "ref20.jpg,16.9,98.9\nref1.jpg,16.61,98.51\n");
  CollectionOptions more = options_;
  more.sidecar = dir_ / "more.csv";
  auto added = AddToCollection(collection, {dir_ / "more"}, more);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added->added, 1);
  EXPECT_EQ(added->duplicates, 1);
  EXPECT_EQ((*CollectionInfo(collection))["references"], 11);
  auto after_add = LocatePhoto(collection, test::MakeTexture(520, 480, 360), {});
  ASSERT_TRUE(after_add.ok());
  ASSERT_TRUE(after_add->clue);
  EXPECT_NEAR(after_add->clue->lat_deg, 16.9, 1e-6);

  auto exported = CollectionFeatures(collection);
  ASSERT_TRUE(exported.ok());
  ASSERT_TRUE(WriteVectorLayer(dir_ / "refs.geojson", "references", *exported).ok());
  const auto geojson = nlohmann::json::parse(test::ReadAll(dir_ / "refs.geojson"));
  EXPECT_EQ(geojson["features"].size(), 11u);
  ASSERT_TRUE(WriteVectorLayer(dir_ / "clue.gpkg", "locate", LocateFeatures(*located)).ok());
}

// A photo of reference 3's wall from 75 degrees off its normal: the references' plain
// features miss it; the photo's affine views find it (the cascade of `locate`).
TEST_F(CollectionTest, AnObliquePhotoIsLocatedThroughItsAffineViews) {
  const auto collection = dir_ / "refs.sqlite";
  ASSERT_TRUE(BuildCollection({dir_ / "refs"}, collection, options_).ok());
  const cv::Mat wall = test::MakeTexture(503, 480, 360);
  cv::Mat oblique;
  cv::warpPerspective(wall, oblique,
                      cv::Mat(test::CameraHomography(wall.size(), 75, 30, 10, {320, 240})),
                      {640, 480}, cv::INTER_AREA, cv::BORDER_CONSTANT, cv::Scalar(90, 100, 110));
  LocateOptions plain;
  plain.cascade = CascadeMode::kOff;
  auto missed = LocatePhoto(collection, oblique, plain);
  ASSERT_TRUE(missed.ok()) << missed.error().message;
  EXPECT_FALSE(missed->clue);
  EXPECT_EQ(missed->stages, std::vector<std::string>{"features"});

  auto located = LocatePhoto(collection, oblique, {});
  ASSERT_TRUE(located.ok()) << located.error().message;
  EXPECT_EQ(located->stage, "affine_views");
  EXPECT_EQ(located->stages, (std::vector<std::string>{"features", "affine_views"}));
  ASSERT_FALSE(located->ranked.empty());
  EXPECT_NE(located->ranked[0].reference.path.find("ref3.jpg"), std::string::npos);
  EXPECT_EQ(located->ranked[0].match.verdict, "same_scene");
  ASSERT_TRUE(located->clue);
  EXPECT_NEAR(located->clue->lat_deg, 16.63, 1e-6);
  EXPECT_EQ(ToJson(*located)["stage"], "affine_views");
}

TEST_F(CollectionTest, TooLargeAndFeaturelessImagesAreCountedNotFatal) {
  std::vector<std::uint8_t> png;
  cv::imencode(".png", cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3)), png);
  for (int i = 0; i < 4; ++i) {  // claim 100000 x 100000 pixels in IHDR
    png[16 + i] = static_cast<std::uint8_t>(100000u >> (24 - 8 * i));
    png[20 + i] = static_cast<std::uint8_t>(100000u >> (24 - 8 * i));
  }
  test::WriteBytes(dir_ / "refs" / "bomb.png", png);
  cv::imwrite((dir_ / "refs" / "blank.png").string(),
              cv::Mat(300, 300, CV_8UC3, cv::Scalar(200, 200, 200)));
  test::WriteText(dir_ / "locations.csv",
                  test::ReadAllText(dir_ / "locations.csv") + "bomb.png,1,1\nblank.png,2,2\n");
  auto built = BuildCollection({dir_ / "refs"}, dir_ / "refs.sqlite", options_);
  ASSERT_TRUE(built.ok()) << built.error().message;
  EXPECT_EQ(built->added, 10);
  EXPECT_EQ(built->failed, 2);
  std::string warnings;
  for (const auto& w : built->warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("above the decoding limit"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("no usable features"), std::string::npos) << warnings;
}

TEST_F(CollectionTest, BadCollectionsAndInputsAreClearErrors) {
  test::WriteText(dir_ / "corrupt.sqlite", std::string(4096, 'x'));
  EXPECT_FALSE(CollectionInfo(dir_ / "corrupt.sqlite").ok());
  EXPECT_FALSE(LocatePhoto(dir_ / "corrupt.sqlite", test::MakeTexture(1), {}).ok());
  EXPECT_FALSE(CollectionInfo(dir_ / "missing.sqlite").ok());
  // Nothing with a location: no collection is written at all.
  std::filesystem::create_directories(dir_ / "none");
  cv::imwrite((dir_ / "none" / "a.jpg").string(), test::MakeTexture(3));
  CollectionOptions no_sidecar;
  EXPECT_FALSE(BuildCollection({dir_ / "none"}, dir_ / "empty.sqlite", no_sidecar).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "empty.sqlite"));
  int leftovers = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    leftovers += e.path().filename().string()[0] == '.';
  EXPECT_EQ(leftovers, 0);
}

}  // namespace
}  // namespace gv
