#include "case/case_config.h"

#include <gtest/gtest.h>

#include "support/landsat_scene.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

class CaseConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::WritePhoto(dir_ / "a.jpg", test::MakeSceneJpeg(64, 48, 80, 1), {});
    test::WritePhoto(dir_ / "b.jpg", test::MakeSceneJpeg(64, 48, 80, 2), {});
  }
  Result<CaseConfig> Parse(const std::string& yaml) { return ParseCaseConfig(yaml, dir_.path()); }
  // The error of a bad case.yaml, which must name the line.
  std::string ErrorOf(const std::string& yaml) {
    auto config = Parse(yaml);
    if (config.ok()) return "(no error)";
    return config.error().message;
  }
  test::TempDir dir_;
};

TEST_F(CaseConfigTest, ReadsEveryKeyOfTheSchema) {
  std::filesystem::copy_file(test::kLandsatCrop, dir_ / "map.tif");
  test::WriteText(
      dir_ / "area.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},)"
      R"("geometry":{"type":"Polygon","coordinates":[[[98,16],[99,16],[99,17],[98,16]]]}}]})");
  auto config = Parse(R"(title: KK Park intake
region: [92.0, 5.0, 127.0, 30.0]
basemaps: [map.tif]
known_sites: none
photos:
  ./a.jpg:
    taken_at_utc: 2025-03-14T16:20:00+06:30
    time_tolerance_s: 600
    shadows:
      - {object_height: 2.0, shadow_length: 3.1, azimuth: 250, length_tolerance: 0.05}
    same_place_as: [b.jpg]
    clues:
      - {kind: country, value: MM}
      - {kind: near, lat: 16.64, lon: 98.52, radius_m: 2000}
      - {kind: not_near, lat: 16.70, lon: 98.57, radius_m: 500}
      - {kind: within, file: area.geojson}
  b.jpg:
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->title, "KK Park intake");
  ASSERT_TRUE(config->region);
  EXPECT_DOUBLE_EQ(config->region->max_lat, 30.0);
  ASSERT_EQ(config->basemaps.size(), 1u);
  EXPECT_EQ(config->basemaps[0], dir_ / "map.tif");
  EXPECT_EQ(config->known_sites, "none");
  ASSERT_EQ(config->photos.size(), 2u);
  const PhotoConfig* a = config->Photo("a.jpg");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->taken_at_utc);
  EXPECT_EQ(*a->taken_at_utc, 1741945800);  // 2025-03-14T09:50:00Z
  EXPECT_EQ(a->time_tolerance_s, 600);
  ASSERT_EQ(a->shadows.size(), 1u);
  EXPECT_EQ(a->shadows[0].keys.at("azimuth"), "250");
  EXPECT_EQ(a->same_place_as, std::vector<std::string>{"b.jpg"});
  ASSERT_EQ(a->clues.size(), 4u);
  EXPECT_EQ(a->clues[0].country, "MM");
  EXPECT_EQ(a->clues[2].kind, "not_near");
  EXPECT_DOUBLE_EQ(a->clues[2].radius_m, 500);
  EXPECT_EQ(a->clues[3].file, dir_ / "area.geojson");
}

TEST_F(CaseConfigTest, NoFileMeansDefaults) {
  auto config = LoadCaseConfig(dir_.path());
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->file.empty());
  EXPECT_FALSE(config->region);
  EXPECT_EQ(config->known_sites, "default");
}

TEST_F(CaseConfigTest, UnknownKeyNamesItsLine) {
  EXPECT_EQ(
      ErrorOf("title: x\nregoin: [1, 2, 3, 4]\n").rfind("case.yaml:2: unknown key 'regoin'", 0), 0u)
      << ErrorOf("title: x\nregoin: [1, 2, 3, 4]\n");
  EXPECT_EQ(
      ErrorOf("photos:\n  a.jpg:\n    shadow: []\n").rfind("case.yaml:3: unknown key 'shadow'", 0),
      0u);
  EXPECT_EQ(
      ErrorOf("photos:\n  a.jpg:\n    clues:\n      - {kind: near, lat: 1, lon: 2, radius: 5}\n")
          .rfind("case.yaml:4: unknown key 'radius'", 0),
      0u);
}

TEST_F(CaseConfigTest, WrongTypeNamesItsLine) {
  EXPECT_EQ(ErrorOf("title: [a, b]\n").rfind("case.yaml:1: title must be a text value", 0), 0u);
  EXPECT_EQ(
      ErrorOf("region: [92, five, 127, 30]\n").rfind("case.yaml:1: lat_min must be a number", 0),
      0u);
  EXPECT_EQ(ErrorOf("photos:\n  a.jpg:\n    time_tolerance_s: soon\n")
                .rfind("case.yaml:3: time_tolerance_s must be a number", 0),
            0u);
  EXPECT_EQ(ErrorOf("photos: [a.jpg]\n").rfind("case.yaml:1: photos must map", 0), 0u);
  EXPECT_EQ(ErrorOf("photos:\n  a.jpg:\n    taken_at_utc: 2025-03-14 09:50\n")
                .rfind("case.yaml:3: taken_at_utc", 0),
            0u);
}

TEST_F(CaseConfigTest, PositionsOutOfRange) {
  const std::string clue =
      "photos:\n  a.jpg:\n    clues:\n      - {kind: near, lat: 96.64, lon: 98.52, radius_m: 10}\n";
  EXPECT_EQ(ErrorOf(clue).rfind("case.yaml:4: latitude 96.64 is outside -90..90", 0), 0u)
      << ErrorOf(clue);
  EXPECT_EQ(ErrorOf("region: [92, -95, 127, 30]\n").rfind("case.yaml:1: region latitudes", 0), 0u);
  EXPECT_EQ(ErrorOf("region: [127, 5, 92, 30]\n").rfind("case.yaml:1: region must be", 0), 0u);
}

TEST_F(CaseConfigTest, TextBoxesAreFourPositiveNumbers) {
  auto ok = ErrorOf("photos:\n  a.jpg:\n    text_boxes: [[10, 20, 300, 80]]\n");
  EXPECT_EQ(ok, "(no error)");
  const std::string three = "photos:\n  a.jpg:\n    text_boxes: [[10, 20, 300]]\n";
  EXPECT_EQ(ErrorOf(three).rfind("case.yaml:3: a text box is [x, y, width, height]", 0), 0u)
      << ErrorOf(three);
  const std::string empty = "photos:\n  a.jpg:\n    text_boxes: [[10, 20, 0, 80]]\n";
  EXPECT_EQ(ErrorOf(empty).rfind("case.yaml:3: a text box needs", 0), 0u) << ErrorOf(empty);
}

TEST_F(CaseConfigTest, PhotoNotInTheFolder) {
  EXPECT_EQ(ErrorOf("title: t\nphotos:\n  missing.jpg:\n")
                .rfind("case.yaml:3: photo 'missing.jpg' is not in the case folder", 0),
            0u);
  // A file outside the case folder is not one of its photos, even when it exists.
  const std::string outside = "../" + dir_.path().filename().string() + "-outside.jpg";
  test::WritePhoto(dir_ / outside, test::MakeSceneJpeg(64, 48, 80, 3), {});
  const auto climbing = ErrorOf("photos:\n  " + outside + ":\n");
  std::filesystem::remove(dir_ / outside);
  EXPECT_EQ(climbing.rfind("case.yaml:2: photo '" + outside + "' is not in the case folder", 0), 0u)
      << climbing;
  EXPECT_EQ(
      ErrorOf("photos:\n  /etc/hostname:\n").rfind("case.yaml:2: photo '/etc/hostname' is not", 0),
      0u);
  EXPECT_EQ(ErrorOf("photos:\n  a.jpg:\n    same_place_as: [gone.jpg]\n")
                .rfind("case.yaml:3: same_place_as names 'gone.jpg'", 0),
            0u);
}

TEST_F(CaseConfigTest, CollectionsAndBasemapsThatCannotBeOpenedAreNamed) {
  test::WriteText(dir_ / "not-a-collection", "hello");
  const auto refs = ErrorOf("references: [not-a-collection]\n");
  EXPECT_EQ(refs.rfind("case.yaml:1: reference collection 'not-a-collection' cannot be opened", 0),
            0u)
      << refs;
  const auto maps = ErrorOf("\nbasemaps: [nowhere.tif]\n");
  EXPECT_EQ(maps.rfind("case.yaml:2: basemap 'nowhere.tif' cannot be opened", 0), 0u) << maps;
}

TEST_F(CaseConfigTest, BadClueKindCountryAndShadow) {
  EXPECT_EQ(ErrorOf("photos:\n  a.jpg:\n    clues:\n      - {kind: country, value: XX}\n")
                .rfind("case.yaml:4: 'XX' is not an ISO 3166-1 alpha-2 country code", 0),
            0u);
  EXPECT_EQ(ErrorOf("photos:\n  a.jpg:\n    clues:\n      - {kind: somewhere}\n")
                .rfind("case.yaml:4: unknown clue kind 'somewhere'", 0),
            0u);
  const auto shadow =
      ErrorOf("photos:\n  a.jpg:\n    shadows:\n      - {object_height: -2, shadow_length: 3}\n");
  EXPECT_EQ(shadow.rfind("case.yaml:4: ", 0), 0u) << shadow;
}

TEST_F(CaseConfigTest, SyntaxErrorNamesItsLine) {
  const auto e = ErrorOf("title: a\nregion: [1, 2\n");
  EXPECT_EQ(e.rfind("case.yaml:", 0), 0u) << e;
}

}  // namespace
}  // namespace gv
