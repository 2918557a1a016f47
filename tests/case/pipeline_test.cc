// The case pipeline and each step on generated evidence, through the real libraries.
#include "case/pipeline.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "geo/geodesy.h"
#include "match/reference_collection.h"
#include "metadata/exiv2_reader.h"
#include "report/case_outputs.h"
#include "support/landsat_scene.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

std::vector<std::uint8_t> Jpeg(const cv::Mat& image, int quality = 90) {
  std::vector<std::uint8_t> out;
  cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

bool Inside(const std::vector<std::vector<LatLon>>& rings, LatLon at) {
  for (const auto& ring : rings) {
    std::vector<cv::Point2f> polygon;
    for (const auto& p : ring)
      polygon.emplace_back(static_cast<float>(p.lon_deg), static_cast<float>(p.lat_deg));
    if (cv::pointPolygonTest(
            polygon, {static_cast<float>(at.lon_deg), static_cast<float>(at.lat_deg)}, false) >= 0)
      return true;
  }
  return false;
}

class PipelineTest : public ::testing::Test {
 protected:
  Case Run(const std::string& yaml = "", std::set<std::string> skip = {},
           CascadeMode cascade = CascadeMode::kOff) {
    if (!yaml.empty()) test::WriteText(dir_ / "case.yaml", yaml);
    auto config = LoadCaseConfig(dir_.path());
    EXPECT_TRUE(config.ok()) << config.error().message;
    PipelineOptions options = options_;
    options.skip = std::move(skip);
    options.locate.cascade = cascade;
    auto built = BuildCase(dir_.path(), options.inspect, {}, config.ok() ? *config : CaseConfig{});
    EXPECT_TRUE(built.ok());
    Case c = std::move(*built);
    EXPECT_TRUE(RunCasePipeline(c, options).ok());
    return c;
  }
  static const PhotoRecord& Photo(const Case& c, const std::string& path) {
    for (const auto& p : c.photos)
      if (p.path == path) return p;
    throw std::runtime_error("no photo " + path);
  }
  static const Clue* ClueOf(const PhotoRecord& p, const std::string& kind) {
    for (const auto& c : p.clues)
      if (c.kind == kind) return &c;
    return nullptr;
  }
  static bool HasFinding(const PhotoRecord& p, const std::string& code) {
    for (const auto& f : p.findings)
      if (f.code == code) return true;
    return false;
  }
  test::TempDir dir_;
  PipelineOptions options_;  // what Run starts from
};

TEST_F(PipelineTest, TimeZoneClueFromTheRecordedOffset) {
  test::SynthExif e;
  e.datetime_original = "2025:03:14 16:20:00";
  e.offset_time_original = "+06:30";
  test::WritePhoto(dir_ / "a.jpg", test::MakeSceneJpeg(320, 240, 85, 1), e);
  test::SynthExif local;  // local time only; case.yaml gives the UTC time: offset +07:00
  local.datetime_original = "2025:03:14 17:20:00";
  test::WritePhoto(dir_ / "b.jpg", test::MakeSceneJpeg(320, 240, 85, 2), local);
  const Case c = Run("photos:\n  b.jpg:\n    taken_at_utc: 2025-03-14T10:20:00Z\n",
                     {"forensics", "same_scene"});
  const Clue* a = ClueOf(Photo(c, "a.jpg"), "time_zone");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->params["utc_offset"], "+06:30");
  const auto zones = a->params["zones"].dump();
  EXPECT_NE(zones.find("Asia/Yangon"), std::string::npos) << zones;
  EXPECT_EQ(zones.find("Asia/Bangkok"), std::string::npos) << zones;
  EXPECT_NE(a->params["countries"].dump().find("MM"), std::string::npos);
  const PhotoRecord& b = Photo(c, "b.jpg");
  EXPECT_EQ(b.taken_at_utc_source, "case.yaml");
  const Clue* bz = ClueOf(b, "time_zone");
  ASSERT_NE(bz, nullptr);
  EXPECT_EQ(bz->params["utc_offset"], "+07:00");
  EXPECT_NE(bz->params["zones"].dump().find("Asia/Bangkok"), std::string::npos);
}

TEST_F(PipelineTest, GpsClueCarriesItsUncertaintyAndLosesTrustAfterEdits) {
  test::SynthExif plain;
  plain.lat = 16.647556, plain.lon = 98.520722;
  plain.h_positioning_error_m = 12.5;
  test::WritePhoto(dir_ / "plain.jpg", test::MakeSceneJpeg(320, 240, 85, 1), plain);
  test::SynthExif edited = plain;
  edited.h_positioning_error_m.reset();
  edited.software = "Adobe Photoshop 25.0 (Windows)";
  test::WritePhoto(dir_ / "edited.jpg", test::MakeSceneJpeg(320, 240, 85, 2), edited);
  const Case c = Run("", {"forensics", "same_scene"});
  const Clue* p = ClueOf(Photo(c, "plain.jpg"), "gps");
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->point);
  EXPECT_NEAR(p->point->lat_deg, 16.647556, 1e-6);
  EXPECT_DOUBLE_EQ(p->uncertainty_m, 12.5);
  EXPECT_DOUBLE_EQ(p->confidence, 1.0);
  // The nearest GeoNames place (installed by scripts/fetch-data) names where it is.
  EXPECT_EQ(p->params["place"]["name"], "Myawaddy");
  EXPECT_NE(p->description.find("km SSE of Myawaddy"), std::string::npos) << p->description;
  const Clue* e = ClueOf(Photo(c, "edited.jpg"), "gps");
  ASSERT_NE(e, nullptr);
  EXPECT_DOUBLE_EQ(e->uncertainty_m, 30);  // the stated default
  EXPECT_EQ(e->params["uncertainty_source"], "default");
  EXPECT_LT(e->confidence, 1.0);
  EXPECT_NE(e->confidence_note.find("EDITED_WITH_SOFTWARE"), std::string::npos);
  EXPECT_EQ(e->sha256, Photo(c, "edited.jpg").sha256);
}

TEST_F(PipelineTest, InvestigatorCluesFromCaseYaml) {
  test::WritePhoto(dir_ / "a.jpg", test::MakeSceneJpeg(320, 240, 85, 1), {});
  const Case c = Run(R"(photos:
  a.jpg:
    clues:
      - {kind: country, value: MM}
      - {kind: near, lat: 16.64, lon: 98.52, radius_m: 2000}
      - {kind: not_near, lat: 16.70, lon: 98.57, radius_m: 500}
)",
                     {"forensics", "same_scene"});
  const PhotoRecord& a = Photo(c, "a.jpg");
  const Clue* country = ClueOf(a, "country");
  ASSERT_NE(country, nullptr);
  EXPECT_TRUE(Inside(country->polygons, {16.8409, 96.1735}));  // Yangon
  EXPECT_TRUE(Inside(country->polygons, {21.9588, 96.0891}));  // Mandalay
  EXPECT_FALSE(Inside(country->polygons, {13.75, 100.5}));     // Bangkok
  // Natural Earth's 1:50m border puts KK Park (on the Moei river) in Thailand: the clue says
  // its border is a few km off, and the park lies within that of the outline.
  EXPECT_FALSE(Inside(country->polygons, {16.6476, 98.5207}));
  EXPECT_DOUBLE_EQ(country->uncertainty_m, 5000);
  double nearest_deg = 1e9;
  for (const auto& ring : country->polygons) {
    std::vector<cv::Point2f> polygon;
    for (const auto& p : ring)
      polygon.emplace_back(static_cast<float>(p.lon_deg), static_cast<float>(p.lat_deg));
    nearest_deg =
        std::min(nearest_deg, std::abs(cv::pointPolygonTest(polygon, {98.5207f, 16.6476f}, true)));
  }
  EXPECT_LT(nearest_deg * 111e3, country->uncertainty_m);
  const Clue* near = ClueOf(a, "near");
  ASSERT_NE(near, nullptr);
  EXPECT_FALSE(near->excludes);
  EXPECT_DOUBLE_EQ(near->uncertainty_m, 2000);
  const Clue* not_near = ClueOf(a, "not_near");
  ASSERT_NE(not_near, nullptr);
  EXPECT_TRUE(not_near->excludes);
}

TEST_F(PipelineTest, WithinClueTakesOuterRingsInWgs84FromAnyCrs) {
  test::WritePhoto(dir_ / "a.jpg", test::MakeSceneJpeg(320, 240, 85, 1), {});
  // A square around KK Park with a hole, in WGS84; and the same square in UTM 47N.
  test::WriteText(dir_ / "wgs84.geojson",
                  R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},)"
                  R"("geometry":{"type":"Polygon","coordinates":[[[98.50,16.63],[98.54,16.63],)"
                  R"([98.54,16.67],[98.50,16.67],[98.50,16.63]],[[98.51,16.64],[98.52,16.64],)"
                  R"([98.52,16.65],[98.51,16.64]]]}}]})");
  test::WriteText(
      dir_ / "utm.geojson",
      R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
      R"("urn:ogc:def:crs:EPSG::32647"}},"features":[{"type":"Feature","properties":{},)"
      R"("geometry":{"type":"Polygon","coordinates":[[[446674,1838691],[450951,1838691],)"
      R"([450951,1843106],[446674,1843106],[446674,1838691]]]}}]})");
  const Case c = Run(R"(photos:
  a.jpg:
    clues:
      - {kind: within, file: wgs84.geojson}
      - {kind: within, file: utm.geojson}
)",
                     {"forensics", "same_scene"});
  const PhotoRecord& a = Photo(c, "a.jpg");
  int within = 0;
  for (const auto& clue : a.clues) {
    if (clue.kind != "within") continue;
    ++within;
    ASSERT_EQ(clue.polygons.size(), 1u) << clue.description;  // the hole is left out
    EXPECT_TRUE(Inside(clue.polygons, {16.6476, 98.5207})) << clue.description;
    EXPECT_FALSE(Inside(clue.polygons, {16.70, 98.60})) << clue.description;
    for (const auto& p : clue.polygons[0]) {
      EXPECT_NEAR(p.lat_deg, 16.65, 0.03);
      EXPECT_NEAR(p.lon_deg, 98.52, 0.03);
    }
  }
  EXPECT_EQ(within, 2);
}

TEST_F(PipelineTest, ShadowClueHoldsTheTruePlace) {
  // At KK Park on 2025-03-14T09:49:58Z the sun stands 24.36 deg high at azimuth 259.5: a 2 m
  // post casts a 4.42 m shadow towards 79.5 deg (geoverify sun, SPA).
  test::SynthExif e;
  e.datetime_original = "2025:03:14 16:19:58";
  e.offset_time_original = "+06:30";
  test::WritePhoto(dir_ / "a.jpg", test::MakeSceneJpeg(320, 240, 85, 1), e);
  const Case c = Run(R"(region: [90, 0, 110, 30]
photos:
  a.jpg:
    shadows:
      - {object_height: 2.0, shadow_length: 4.42, azimuth: 79.5, length_tolerance: 0.05, azimuth_tolerance: 4}
)",
                     {"forensics", "same_scene"});
  const Clue* shadow = ClueOf(Photo(c, "a.jpg"), "shadow");
  ASSERT_NE(shadow, nullptr);
  ASSERT_TRUE(shadow->likelihood);
  const LikelihoodGrid& g = *shadow->likelihood;
  const int col = static_cast<int>((98.5207 - g.min_lon) / g.resolution_deg);
  const int row = static_cast<int>((g.max_lat - 16.6476) / g.resolution_deg);
  ASSERT_TRUE(col >= 0 && col < g.width && row >= 0 && row < g.height);
  EXPECT_GT(g.values[static_cast<std::size_t>(row) * g.width + col], 0.f);
  EXPECT_TRUE(Inside(shadow->polygons, {16.6476, 98.5207}));
  EXPECT_FALSE(Inside(shadow->polygons, {25.0, 92.0}));  // far away in the region
  EXPECT_GT(shadow->params["area_km2"].get<double>(), 0);
}

TEST_F(PipelineTest, TextOnASignIsAClueWithItsCrop) {
  // A Thai shop sign with a Bangkok number, rendered with Debian's Noto fonts onto a scene.
  cv::Mat img = cv::imdecode(test::MakeSceneJpeg(900, 600, 90, 3), cv::IMREAD_COLOR);
  cv::rectangle(img, cv::Rect(60, 200, 780, 150), cv::Scalar(235, 235, 230), cv::FILLED);
  int x = 90;
  for (const auto& [font, text] :
       {std::pair{"/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf", "ร้านอาหาร โทร"},
        std::pair{"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "02 123 4567"}}) {
    auto ft = cv::freetype::createFreeType2();
    ft->loadFontData(font, 0);
    ft->putText(img, text, cv::Point(x, 300), 56, cv::Scalar(30, 30, 120), -1, cv::LINE_AA, true);
    int baseline = 0;
    x += ft->getTextSize(text, 56, -1, &baseline).width + 18;
  }
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", img, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  test::WritePhoto(dir_ / "sign.jpg", jpeg, test::SynthExif{});
  const Case c = Run("photos:\n  sign.jpg:\n    text_boxes: [[60, 200, 780, 150]]\n",
                     {"forensics", "same_scene"});
  const PhotoRecord& p = Photo(c, "sign.jpg");
  ASSERT_FALSE(p.text.is_null());
  ASSERT_FALSE(p.text["lines"].empty()) << p.text.dump(1);
  const Clue* script = ClueOf(p, "script");
  ASSERT_NE(script, nullptr) << p.text.dump(1);
  EXPECT_EQ(script->params["script"], "Thai");
  EXPECT_TRUE(Inside(script->polygons, {13.75, 100.5}));  // Bangkok
  EXPECT_LT(script->confidence, 1.0);
  const Clue* phone = ClueOf(p, "phone_country");
  ASSERT_NE(phone, nullptr) << p.text.dump(1);
  EXPECT_EQ(phone->params["country"], "TH");
  // The crop of the line that made the clue, for the analyst to check.
  ASSERT_FALSE(script->params["crops"].empty());
  const std::string crop = script->params["crops"][0].get<std::string>();
  bool found = false;
  for (const auto& picture : p.pictures) found = found || picture.name == crop;
  EXPECT_TRUE(found) << crop;
}

TEST_F(PipelineTest, APlaceNamedOnASignIsWhereTheFusionLooks) {
  // A Khmer hotel sign naming Siem Reap (Debian fonts-khmeros): a place_name clue, the town
  // as a disk of its size, and the fusion's best place in that town.
  const std::string font = "/usr/share/fonts/truetype/khmeros/KhmerOS.ttf";
  ASSERT_TRUE(std::filesystem::exists(font)) << "fonts-khmeros is missing";
  cv::Mat img = cv::imdecode(test::MakeSceneJpeg(900, 600, 90, 4), cv::IMREAD_COLOR);
  cv::rectangle(img, cv::Rect(60, 200, 780, 170), cv::Scalar(235, 235, 230), cv::FILLED);
  auto ft = cv::freetype::createFreeType2();
  ft->loadFontData(font, 0);
  ft->putText(img, "សណ្ឋាគារ សៀមរាប", cv::Point(100, 320), 64, cv::Scalar(30, 30, 120), -1,
              cv::LINE_AA, true);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", img, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  test::WritePhoto(dir_ / "hotel.jpg", jpeg, test::SynthExif{});
  const Case c = Run("photos:\n  hotel.jpg:\n    text_boxes: [[60, 200, 780, 170]]\n",
                     {"forensics", "same_scene"});
  const PhotoRecord& p = Photo(c, "hotel.jpg");
  const Clue* place = ClueOf(p, "place_name");
  ASSERT_NE(place, nullptr) << p.text.dump(1);
  EXPECT_EQ(place->params["places"][0]["name"], "Siem Reap");
  ASSERT_TRUE(place->point.has_value());
  EXPECT_LT(DistanceM(*place->point, {13.3618, 103.8606}), 1000);
  ASSERT_FALSE(place->params["crops"].empty());
  ASSERT_EQ(c.fusion.size(), 1u);
  ASSERT_FALSE(c.fusion[0].result.hypotheses.empty());
  EXPECT_LT(DistanceM(c.fusion[0].result.hypotheses[0].at, {13.3618, 103.8606}),
            place->uncertainty_m);
  // The report shows the crop beside its reading, and photos.json names the crop's file.
  Case written = c;
  ASSERT_TRUE(WriteCaseOutputs(written, dir_ / "out").ok());
  std::ifstream in(dir_ / "out" / "report.html");
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto text = html.find("Text read in the photo");
  ASSERT_NE(text, std::string::npos);
  EXPECT_NE(html.find("<img class=crop", text), std::string::npos);
  EXPECT_NE(html.find("សៀមរាប", text), std::string::npos);
  EXPECT_NE(html.find("place ", text), std::string::npos);
  std::ifstream photos_in(dir_ / "out" / "photos.json");
  const auto photos = nlohmann::json::parse(photos_in);
  const std::string crop = photos[0]["text"]["lines"][0]["crop"].get<std::string>();
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ / "out" / crop)) << crop;
}

TEST_F(PipelineTest, DuplicatedPhotoPairIsOnePlaceGroup) {
  const cv::Mat scene = test::MakeTexture(5, 900, 700);
  test::WriteBytes(dir_ / "sent.jpg", Jpeg(scene, 92));
  cv::Mat forwarded;  // re-sent: cropped, shrunk, recompressed
  cv::resize(scene(cv::Rect(60, 40, 780, 600)), forwarded, {624, 480}, 0, 0, cv::INTER_AREA);
  test::WriteBytes(dir_ / "forwarded.jpg", Jpeg(forwarded, 70));
  test::WriteBytes(dir_ / "other.jpg", Jpeg(test::MakeTexture(6, 900, 700), 92));
  const Case c = Run("", {"forensics"});
  const PhotoRecord& sent = Photo(c, "sent.jpg");
  const PhotoRecord& fwd = Photo(c, "forwarded.jpg");
  const PhotoRecord& other = Photo(c, "other.jpg");
  EXPECT_EQ(sent.place_group, fwd.place_group);
  EXPECT_NE(sent.place_group, other.place_group);
  EXPECT_TRUE(HasFinding(sent, "SAME_SCENE"));
  EXPECT_TRUE(HasFinding(fwd, "SAME_SCENE"));
  EXPECT_FALSE(HasFinding(other, "SAME_SCENE"));
  ASSERT_EQ(c.place_groups.size(), 2u);
  ASSERT_EQ(c.scene_links.size(), 1u);
  EXPECT_NE(c.scene_links[0].reason.find("inliers"), std::string::npos);
}

TEST_F(PipelineTest, SamePlaceAsLinksWithoutMatching) {
  test::WritePhoto(dir_ / "a.jpg", test::MakeSceneJpeg(320, 240, 85, 1), {});
  test::WritePhoto(dir_ / "b.jpg", test::MakeSceneJpeg(320, 240, 85, 2), {});
  test::WritePhoto(dir_ / "c.jpg", test::MakeSceneJpeg(320, 240, 85, 3), {});
  const Case c =
      Run("photos:\n  a.jpg:\n    same_place_as: [c.jpg]\n", {"forensics", "same_scene"});
  EXPECT_EQ(Photo(c, "a.jpg").place_group, Photo(c, "c.jpg").place_group);
  EXPECT_NE(Photo(c, "a.jpg").place_group, Photo(c, "b.jpg").place_group);
  ASSERT_EQ(c.place_groups.size(), 2u);
  EXPECT_EQ(c.place_groups[0].links.at(0).reason, "same_place_as in case.yaml");
}

TEST_F(PipelineTest, AFailingPhotoLeavesErrorsAndTheRestGoesOn) {
  test::WritePhoto(dir_ / "good.jpg", test::MakeSceneJpeg(320, 240, 85, 1), {});
  const auto whole = test::ReadAll(dir_ / "good.jpg");
  test::WriteBytes(dir_ / "cut.jpg", {whole.begin(), whole.begin() + 200});
  const Case c = Run("", {"same_scene"});
  const PhotoRecord& good = Photo(c, "good.jpg");
  const PhotoRecord& cut = Photo(c, "cut.jpg");
  EXPECT_TRUE(good.errors.empty());
  ASSERT_TRUE(good.forensics.is_object());
  EXPECT_TRUE(good.forensics["error"].is_null());
  EXPECT_TRUE(good.forensics["ela"].is_object());
  ASSERT_FALSE(cut.errors.empty());
  EXPECT_EQ(cut.errors[0].step, "metadata");
  bool forensics = false;
  for (const auto& e : cut.errors) forensics = forensics || e.step == "forensics";
  EXPECT_TRUE(forensics);
  EXPECT_EQ(c.failed, 1u);
}

TEST_F(PipelineTest, AFlatPhotoIsNotAFailure) {
  std::vector<std::uint8_t> flat;
  cv::imencode(".jpg", cv::Mat(300, 400, CV_8UC3, cv::Scalar(20, 20, 20)), flat);
  test::WriteBytes(dir_ / "night.jpg", flat);
  test::WriteBytes(dir_ / "day.jpg", Jpeg(test::MakeTexture(3, 640, 480)));
  std::filesystem::copy_file(test::kLandsatCrop, dir_ / "map.tif");
  const Case c = Run("basemaps: [map.tif]\n", {"forensics"});
  const PhotoRecord& night = Photo(c, "night.jpg");
  EXPECT_TRUE(night.errors.empty())
      << night.errors.front().step << ": " << night.errors.front().message;
  EXPECT_TRUE(HasFinding(night, "TOO_LITTLE_TEXTURE"));
  EXPECT_EQ(night.step_seconds.count("georef"), 0u);  // did not apply
  EXPECT_FALSE(night.georef);
  EXPECT_EQ(c.failed, 0u);
}

TEST_F(PipelineTest, SkippedStepsDoNotRunAndUnknownStepsAreRefused) {
  test::WritePhoto(dir_ / "a.jpg", test::MakeSceneJpeg(320, 240, 85, 1), {});
  const Case c = Run("", {"forensics", "same_scene"});
  EXPECT_TRUE(Photo(c, "a.jpg").forensics.is_null());
  EXPECT_EQ(Photo(c, "a.jpg").step_seconds.count("forensics"), 0u);
  EXPECT_EQ(c.steps_skipped, (std::vector<std::string>{"forensics", "same_scene"}));
  PipelineOptions bad;
  bad.skip = {"forensic"};
  EXPECT_FALSE(bad.Check().ok());
}

TEST_F(PipelineTest, ReferenceMatchAndFootprint) {
  // A reference collection of two geotagged photos of one building, and a case photo of it.
  const cv::Mat scene = test::MakeTexture(7, 1000, 750);
  test::TempDir refs_dir;
  std::vector<std::filesystem::path> refs;
  for (int i = 0; i < 2; ++i) {
    test::SynthExif e;
    e.lat = 20.3611 + 0.0001 * i, e.lon = 100.0998;
    cv::Mat view;
    cv::resize(scene(cv::Rect(40 * i, 30 * i, 900, 680)), view, {800, 604}, 0, 0, cv::INTER_AREA);
    refs.push_back(refs_dir / ("ref" + std::to_string(i) + ".jpg"));
    test::WritePhoto(refs.back(), Jpeg(view), e);
  }
  InitializeMetadataLibrary();
  CollectionOptions options;
  options.vocabulary_size = 64;
  ASSERT_TRUE(BuildCollection(refs, dir_ / "refs.gvrefs", options).ok());
  test::WriteBytes(dir_ / "casino.jpg", Jpeg(scene(cv::Rect(80, 50, 880, 660)), 85));
  // A photo of the ground of the Landsat crop, and the crop as basemap.
  test::WriteBytes(dir_ / "ground.jpg", test::GroundViewJpeg(test::LoadLandsatScene()));
  std::filesystem::copy_file(test::kLandsatCrop, dir_ / "map.tif");
  const Case c = Run("references: [refs.gvrefs]\nbasemaps: [map.tif]\n", {"forensics"});
  // References and basemaps are evidence of their own kinds, hashed, not photos.
  for (const auto& e : c.evidence) {
    if (e.path == "refs.gvrefs") {
      EXPECT_EQ(e.kind, "reference");
    }
    if (e.path == "map.tif") {
      EXPECT_EQ(e.kind, "basemap");
    }
    if (e.path == "case.yaml") {
      EXPECT_EQ(e.kind, "case_file");
    }
    EXPECT_EQ(e.sha256.size(), 64u) << e.path;
  }
  EXPECT_EQ(c.photos.size(), 2u);
  const Clue* match = ClueOf(Photo(c, "casino.jpg"), "reference_match");
  ASSERT_NE(match, nullptr);
  ASSERT_TRUE(match->point);
  EXPECT_NEAR(match->point->lat_deg, 20.36115, 0.001);
  ASSERT_FALSE(match->params["references"].empty());
  EXPECT_EQ(match->params["references"][0]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(ClueOf(Photo(c, "ground.jpg"), "reference_match"), nullptr);
  const PhotoRecord& ground = Photo(c, "ground.jpg");
  const Clue* footprint = ClueOf(ground, "footprint");
  ASSERT_NE(footprint, nullptr);
  ASSERT_EQ(footprint->polygons.size(), 1u);
  EXPECT_GE(footprint->polygons[0].size(), 5u);
  EXPECT_GT(footprint->params["inliers"].get<int>(), 20);
  EXPECT_EQ(footprint->params["basemap_sha256"].get<std::string>().size(), 64u);
  ASSERT_TRUE(ground.georef);
  EXPECT_EQ(ClueOf(Photo(c, "casino.jpg"), "footprint"), nullptr);
}

// A photo of the basemap's ground as another year shows it, blurred and noisy, with the
// photo's heading and scale known roughly (as an analyst gives them): the area search places
// it, but its orientation fields correlate below 0.33 there, so its footprint clue says it
// is a weak place and is trusted half (fusion then gives it an outlier's chance). The sharp
// photo's footprint is trusted fully.
TEST_F(PipelineTest, AWeakPlaceGivesAHalfTrustedFootprint) {
  const test::LandsatScene scene = test::LoadLandsatScene();
  const test::PriorCase c = test::AnotherYearView(scene);
  test::WriteBytes(dir_ / "weak.jpg", Jpeg(test::BlurredAndNoisy(c.photo, 3.5, 30), 95));
  test::WriteBytes(dir_ / "sharp.jpg", Jpeg(c.photo, 95));
  std::filesystem::copy_file(test::kLandsatCrop, dir_ / "map.tif");
  options_.georef.heading_deg = std::fmod(c.heading_deg + 7, 360);
  options_.georef.gsd_m = c.gsd_m * 1.15;
  const Case run = Run("basemaps: [map.tif]\n", {"forensics", "text", "same_scene"});
  const Clue* weak = ClueOf(Photo(run, "weak.jpg"), "footprint");
  ASSERT_NE(weak, nullptr);
  EXPECT_TRUE(weak->params["weak_place"].get<bool>());
  EXPECT_DOUBLE_EQ(weak->confidence, 0.5);
  EXPECT_NE(weak->description.find("weak place"), std::string::npos) << weak->description;
  EXPECT_NE(weak->confidence_note.find("below 0.33"), std::string::npos) << weak->confidence_note;
  const Clue* sharp = ClueOf(Photo(run, "sharp.jpg"), "footprint");
  ASSERT_NE(sharp, nullptr);
  EXPECT_FALSE(sharp->params["weak_place"].get<bool>());
  EXPECT_DOUBLE_EQ(sharp->confidence, 1.0);
  EXPECT_TRUE(sharp->confidence_note.empty());
}

TEST_F(PipelineTest, AnObliquePhotoMatchesAReferenceOnlyThroughTheCascade) {
  const cv::Mat scene = test::MakeTexture(8, 1000, 750);
  test::TempDir refs_dir;
  test::SynthExif e;
  e.lat = 20.3611, e.lon = 100.0998;
  cv::Mat view;
  cv::resize(scene, view, {800, 600}, 0, 0, cv::INTER_AREA);
  test::WritePhoto(refs_dir / "front.jpg", Jpeg(view), e);
  InitializeMetadataLibrary();
  CollectionOptions options;
  options.vocabulary_size = 64;
  ASSERT_TRUE(BuildCollection({refs_dir / "front.jpg"}, dir_ / "refs.gvrefs", options).ok());
  // The same wall from 75 degrees off its normal.
  cv::Mat oblique;
  cv::warpPerspective(view, oblique,
                      cv::Mat(test::CameraHomography(view.size(), 75, 30, 10, {400, 300})),
                      {800, 600}, cv::INTER_AREA, cv::BORDER_CONSTANT, cv::Scalar(90, 100, 110));
  test::WriteBytes(dir_ / "oblique.jpg", Jpeg(oblique, 90));
  const std::string yaml = "references: [refs.gvrefs]\n";
  const Case plain = Run(yaml, {"forensics"});
  EXPECT_EQ(ClueOf(Photo(plain, "oblique.jpg"), "reference_match"), nullptr);
  const Case cascade = Run(yaml, {"forensics"}, CascadeMode::kAuto);
  const Clue* match = ClueOf(Photo(cascade, "oblique.jpg"), "reference_match");
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->params["stage"], "affine_views");
  EXPECT_NE(match->description.find("through affine views"), std::string::npos)
      << match->description;
}

// Two photos of one wall, one from 75 degrees off its normal, and photos of other scenes:
// the plain features do not link the first two; with the cascade on, their affine views do,
// and the others stay apart.
TEST_F(PipelineTest, AnObliquePhotoOfTheSameWallIsLinkedOnlyThroughTheCascade) {
  const test::WallPhotos wall = test::WallSeenFromFarApart();
  test::WriteBytes(dir_ / "front.jpg", Jpeg(wall.front));
  test::WriteBytes(dir_ / "oblique.jpg", Jpeg(wall.oblique, 90));
  test::WriteBytes(dir_ / "other.jpg", Jpeg(wall.other));
  // Two generated scenes that share glyphs (the sample case's edited_sign.jpg and
  // clock_off.jpg): their affine views fit a fundamental matrix (45 % inliers), which must
  // not link them.
  test::WriteBytes(dir_ / "sign.jpg", test::MakeSceneJpeg(1280, 720, 92, 4));
  test::WriteBytes(dir_ / "clock.jpg", test::MakeSceneJpeg(1024, 768, 87, 5));
  const Case plain = Run("", {"forensics"});
  EXPECT_TRUE(plain.scene_links.empty());
  EXPECT_FALSE(HasFinding(Photo(plain, "oblique.jpg"), "SAME_SCENE"));
  const Case cascade = Run("", {"forensics"}, CascadeMode::kAuto);
  ASSERT_EQ(cascade.scene_links.size(), 1u);
  EXPECT_NE(cascade.scene_links[0].reason.find("through affine views"), std::string::npos)
      << cascade.scene_links[0].reason;
  EXPECT_EQ(Photo(cascade, "front.jpg").place_group, Photo(cascade, "oblique.jpg").place_group);
  EXPECT_NE(Photo(cascade, "front.jpg").place_group, Photo(cascade, "other.jpg").place_group);
  EXPECT_TRUE(HasFinding(Photo(cascade, "oblique.jpg"), "SAME_SCENE"));
  for (const char* alone : {"other.jpg", "sign.jpg", "clock.jpg"})
    EXPECT_FALSE(HasFinding(Photo(cascade, alone), "SAME_SCENE")) << alone;
}

}  // namespace
}  // namespace gv
