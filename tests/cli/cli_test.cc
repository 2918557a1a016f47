// End-to-end: the real geoverify binary on real files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>

#include "geo/basemap.h"
#include "georef_views.h"
#include "match/affine_views.h"
#include "support/landsat_scene.h"
#include "support/run_binary.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "util/file.h"

namespace gv {
namespace {

using test::Geoverify;
using test::Quote;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(case_dir_ / "sub");
    test::SynthExif gps;
    gps.make = "Xiaomi";
    gps.datetime_original = "2025:03:15 08:05:00";
    gps.lat = 16.8205, gps.lon = 98.5309;
    test::WritePhoto(case_dir_ / "a.jpg", test::MakeSceneJpeg(200, 150, 85, 1), gps);
    test::WritePhoto(case_dir_ / "sub/b.jpg", test::MakeSceneJpeg(200, 150, 85, 2), {});
    auto broken = test::ReadAll(case_dir_ / "a.jpg");
    broken.resize(200);
    test::WriteBytes(case_dir_ / "broken.jpg", broken);
  }
  test::TempDir dir_;
  std::filesystem::path case_dir_ = dir_ / "case";
};

TEST_F(CliTest, InspectJsonIsOneArrayInInputOrderAndExitCodeTellsFailures) {
  const auto r = Geoverify("inspect --json -r " + Quote(case_dir_));
  EXPECT_EQ(r.exit_code, 1);  // broken.jpg failed, the others were read
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 3u);
  EXPECT_EQ(std::filesystem::path(json[0]["file"].get<std::string>()).filename(), "a.jpg");
  EXPECT_EQ(json[0]["make"], "Xiaomi");
  EXPECT_NEAR(json[0]["gps"]["lat"].get<double>(), 16.8205, 1e-6);
  EXPECT_EQ(json[0]["taken_at_utc"], "2025-03-15T01:35:00Z");
  EXPECT_EQ(json[0]["taken_at_utc_source"], "timezone_at_gps");
  EXPECT_TRUE(json[0]["error"].is_null());
  EXPECT_FALSE(json[1]["error"].is_null());
  EXPECT_EQ(std::filesystem::path(json[2]["file"].get<std::string>()).filename(), "b.jpg");
}

TEST_F(CliTest, InspectWithoutRecursionAndCleanInputsExitsZero) {
  const auto r =
      Geoverify("inspect --json " + Quote(case_dir_ / "a.jpg") + " " + Quote(case_dir_ / "sub"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 2u);
  const auto text = Geoverify("inspect " + Quote(case_dir_ / "a.jpg")).out;
  EXPECT_NE(text.find("a.jpg"), std::string::npos);
  EXPECT_NE(text.find("taken UTC  2025-03-15T01:35:00Z (from timezone_at_gps, Asia/Yangon)"),
            std::string::npos)
      << text;
}

TEST_F(CliTest, UsageErrorsExitTwoAndHelpExitsZero) {
  EXPECT_EQ(Geoverify("").exit_code, 2);
  EXPECT_EQ(Geoverify("frobnicate").exit_code, 2);
  EXPECT_EQ(Geoverify("inspect").exit_code, 2);
  EXPECT_EQ(Geoverify("inspect --threads 9999 x.jpg").exit_code, 2);
  EXPECT_EQ(Geoverify("run " + Quote(case_dir_)).exit_code, 2);  // -o missing
  const auto help = Geoverify("inspect --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--json"), std::string::npos);
  EXPECT_EQ(Geoverify("--help").exit_code, 0);
  EXPECT_EQ(Geoverify("run --help").exit_code, 0);
}

TEST_F(CliTest, RunAndInspectLeaveEvidenceUntouched) {
  std::vector<std::pair<std::filesystem::path, std::vector<std::uint8_t>>> before;
  std::vector<std::int64_t> mtimes;
  for (const auto& e : std::filesystem::recursive_directory_iterator(case_dir_)) {
    if (!e.is_regular_file()) continue;
    before.emplace_back(e.path(), test::ReadAll(e.path()));
    mtimes.push_back(StatFile(e.path())->mtime_ns);
  }
  const auto out = dir_ / "out";
  const auto r = Geoverify("run " + Quote(case_dir_) + " -o " + Quote(out) + " --json");
  EXPECT_EQ(r.exit_code, 1);  // broken.jpg
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["files"], 3);
  EXPECT_EQ(summary["failed"], 1);
  for (const char* name : {"case.gpkg", "case.kml", "report.html", "manifest.csv", "photos.json"}) {
    EXPECT_TRUE(std::filesystem::exists(out / name)) << name;
  }
  const auto again = Geoverify("run " + Quote(case_dir_) + " -o " + Quote(out));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(Geoverify("inspect --json -r " + Quote(case_dir_)).exit_code, 1);
  EXPECT_EQ(Geoverify("inspect -r " + Quote(case_dir_)).exit_code, 1);
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(test::ReadAll(before[i].first), before[i].second) << before[i].first;
    EXPECT_EQ(StatFile(before[i].first)->mtime_ns, mtimes[i]) << before[i].first;
  }
}

TEST_F(CliTest, OutputFolderInsideTheCaseIsNotTakenIn) {
  const auto out = case_dir_ / "geoverify-out";
  ASSERT_EQ(Geoverify("run --json " + Quote(case_dir_) + " -o " + Quote(out)).exit_code, 1);
  const auto again =
      nlohmann::json::parse(Geoverify("run --json " + Quote(case_dir_) + " -o " + Quote(out)).out);
  EXPECT_EQ(again["files"], 3);  // the outputs of the first run are not evidence
}

TEST_F(CliTest, HostileAndOddFilesGetErrorEntries) {
  const auto odd = dir_ / "odd";
  std::filesystem::create_directories(odd);
  static const char kVideo[] =
      "\0\0\0\x18"
      "ftypqt  \0\0\0\0qt  \0\0\0\x08moov";
  test::WriteText(odd / "video.jpg", std::string(kVideo, sizeof kVideo - 1));
  test::WriteText(odd / "empty.jpg", "");
  test::WriteBytes(odd / "sof_bomb.jpg", {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF,
                                          0xFF, 0xFF, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01,
                                          0x03, 0x11, 0x01, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9});
  const auto r = Geoverify("inspect --json " + Quote(odd));
  EXPECT_EQ(r.exit_code, 1);
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json.size(), 3u);
  for (const auto& entry : json) {
    if (std::filesystem::path(entry["file"].get<std::string>()).filename() == "sof_bomb.jpg") {
      EXPECT_EQ(entry["width"], 65535);  // dimensions read from the header, nothing decoded
    } else {
      EXPECT_FALSE(entry["error"].is_null()) << entry["file"];
    }
  }
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(CliSun, WorkedExampleAsJson) {
  const auto r = Geoverify(
      "sun --json --at 2003-10-17T12:30:30-07:00 --lat 39.742476 --lon -105.1786 --elevation "
      "1830.14 "
      "--pressure 820 --temperature 11 --delta-t 67");
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["zenith_deg"].get<double>(), 50.11162, 5e-6);
  EXPECT_NEAR(j["azimuth_deg"].get<double>(), 194.340241, 5e-7);
  EXPECT_EQ(j["sunrise"], "2003-10-17T13:12:43Z");
  EXPECT_EQ(j["sunset"], "2003-10-18T00:20:19Z");
  EXPECT_NEAR(j["shadow_ratio"].get<double>(), 1.0 / std::tan(39.888378 * M_PI / 180), 1e-5);
}

TEST(CliSun, LocalTimeNeedsAZoneAndNightHasNoShadow) {
  EXPECT_EQ(Geoverify("sun --at 2025-03-14T16:20:00 --lat 16.6 --lon 98.5").exit_code, 2);
  EXPECT_EQ(Geoverify("sun --at 2025-03-14T16:20:00Z --lat 95 --lon 98.5").exit_code, 2);
  EXPECT_EQ(Geoverify("sun --lat 16 --lon 98").exit_code, 2);
  const auto night =
      Geoverify("sun --json --at 2025-03-14T23:00:00 --tz Asia/Yangon --lat 16.6 --lon 98.5");
  ASSERT_EQ(night.exit_code, 0);
  const auto j = nlohmann::json::parse(night.out);
  EXPECT_TRUE(j["shadow_ratio"].is_null());
  EXPECT_LT(j["elevation_deg"].get<double>(), 0);
  EXPECT_EQ(j["utc_offset"], "+06:30");
}

TEST(CliSun, TimeAndPlaceFromAPhoto) {
  test::TempDir dir;
  test::SynthExif exif;
  exif.datetime_original = "2025:03:14 16:20:00";
  exif.offset_time_original = "+06:30";
  exif.lat = 16.647556, exif.lon = 98.520722;
  test::WritePhoto(dir / "p.jpg", test::MakeSceneJpeg(64, 48, 80, 1), exif);
  const auto r = Geoverify("sun --json " + Quote(dir / "p.jpg"));
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["at_utc"], "2025-03-14T09:50:00Z");
  EXPECT_NEAR(j["lat"].get<double>(), 16.647556, 1e-6);
  test::WritePhoto(dir / "nogps.jpg", test::MakeSceneJpeg(64, 48, 80, 1), {});
  EXPECT_EQ(Geoverify("sun " + Quote(dir / "nogps.jpg")).exit_code, 1);
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(CliShadow, WritesPolygonsRasterAndMapContainingThePlace) {
  test::TempDir dir;
  // KK Park, 2025-03-14 09:50 UTC: shadow ratio 2.2097, shadow pointing 79.5 degrees.
  const auto r = Geoverify(
      "shadow --json --at 2025-03-14T16:20:00 --tz Asia/Yangon --shadow-ratio 2.2097 --azimuth "
      "79.5 "
      "--bbox 80,0,120,40 --resolution-deg 0.1 -o " +
      Quote(dir / "locus.geojson") + " --raster " + Quote(dir / "locus.tif") + " --map " +
      Quote(dir / "locus.png"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["cells_consistent"].get<int>(), 10);
  const auto bbox = j["bbox"];
  EXPECT_LT(bbox[0].get<double>(), 98.52);
  EXPECT_GT(bbox[2].get<double>(), 98.52);
  EXPECT_LT(bbox[1].get<double>(), 16.65);
  EXPECT_GT(bbox[3].get<double>(), 16.65);
  const auto geojson = nlohmann::json::parse(test::ReadAll(dir / "locus.geojson"));
  EXPECT_GE(geojson["features"].size(), 1u);
  EXPECT_EQ(geojson["features"][0]["properties"]["source"], "shadow");
  EXPECT_GT(std::filesystem::file_size(dir / "locus.tif"), 100u);
  const auto png = test::ReadAll(dir / "locus.png");
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png[1], 'P');
  int leftovers = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    leftovers += e.path().filename().string()[0] == '.';
  EXPECT_EQ(leftovers, 0);  // no scratch or temporary files
}

TEST(CliShadow, ObservationsFromCsvAndBadInputExitTwo) {
  test::TempDir dir;
  test::WriteText(dir / "obs.csv",
                  "at,object_height,shadow_length,azimuth\n2025-03-14T09:50:00Z,2,4.42,79.5\n"
                  "2025-03-14T07:00:00Z,1,0.7,\n");
  const auto ok =
      Geoverify("shadow --json --resolution-deg 0.5 --observations " + Quote(dir / "obs.csv"));
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(nlohmann::json::parse(ok.out)["observations"], 2);
  EXPECT_EQ(Geoverify("shadow --at 2025-13-14T16:20:00Z --shadow-ratio 2").exit_code,
            2);  // no such month
  EXPECT_EQ(
      Geoverify("shadow --at 2025-03-14T16:20:00 --tz Mars/Olympus --shadow-ratio 2").exit_code, 2);
  EXPECT_EQ(
      Geoverify("shadow --at 2025-03-14T16:20:00Z --object-height -2 --shadow-length 3").exit_code,
      2);
  EXPECT_EQ(Geoverify("shadow --at 2025-03-14T16:20:00Z --shadow-ratio 2 --bbox 0,0,10").exit_code,
            2);
  EXPECT_EQ(
      Geoverify("shadow --at 2025-03-14T16:20:00Z --shadow-ratio 2 --bbox 0,-95,10,10").exit_code,
      2);
  EXPECT_EQ(Geoverify("shadow").exit_code, 2);
  EXPECT_EQ(Geoverify("shadow --help").exit_code, 0);
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(CliSunCheck, ConsistentAndInconsistentShadowsAsFindings) {
  test::TempDir dir;
  test::SynthExif
      exif;  // KK Park, 2025-03-14 09:50 UTC: sun elevation 24.35, shadow ratio 2.21, azimuth 79.5
  exif.datetime_original = "2025:03:14 16:20:00";
  exif.offset_time_original = "+06:30";
  exif.lat = 16.647556, exif.lon = 98.520722;
  test::WritePhoto(dir / "p.jpg", test::MakeSceneJpeg(64, 48, 80, 1), exif);
  auto r = Geoverify("sun check --json " + Quote(dir / "p.jpg") +
                     " --height 2 --shadow-length 4.42 --azimuth 79.5");
  ASSERT_EQ(r.exit_code, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["consistent"].get<bool>());
  EXPECT_EQ(j["finding"]["code"], "SHADOW_CONSISTENT");
  EXPECT_EQ(j["sha256"].get<std::string>().size(), 64u);
  r = Geoverify("sun check --json " + Quote(dir / "p.jpg") +
                " --height 2 --shadow-length 4.42 --azimuth 260");
  j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["consistent"].get<bool>());  // shadow pointing towards the sun
  EXPECT_EQ(j["finding"]["code"], "SHADOW_INCONSISTENT");
  r = Geoverify("sun check --json " + Quote(dir / "p.jpg") + " --height 2 --shadow-length 2");
  EXPECT_FALSE(
      nlohmann::json::parse(r.out)["consistent"].get<bool>());  // 45 deg sun, 24 deg expected
  EXPECT_EQ(
      Geoverify("sun check " + Quote(dir / "p.jpg") + " --height -1 --shadow-length 2").exit_code,
      2);
  exif.datetime_original = "2025:03:14 23:30:00";  // night at KK Park
  test::WritePhoto(dir / "night.jpg", test::MakeSceneJpeg(64, 48, 80, 1), exif);
  EXPECT_EQ(Geoverify("sun check " + Quote(dir / "night.jpg") + " --height 2 --shadow-length 2")
                .exit_code,
            2);
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(CliMatch, SameSceneWithDrawingAndClearErrors) {
  test::TempDir dir;
  const auto a = test::MakeSceneJpeg(800, 600, 90, 21);
  test::WriteBytes(dir / "a.jpg", a);
  cv::Mat img = cv::imdecode(a, cv::IMREAD_COLOR), warped;
  const cv::Matx33d h(0.9, -0.15, 60, 0.12, 0.92, 10, 0.0001, 0.0, 1);
  cv::warpPerspective(img, warped, cv::Mat(h), img.size());
  std::vector<std::uint8_t> b;
  cv::imencode(".jpg", warped, b, {cv::IMWRITE_JPEG_QUALITY, 85});
  test::WriteBytes(dir / "b.jpg", b);
  const auto r = Geoverify("match --json " + Quote(dir / "a.jpg") + " " + Quote(dir / "b.jpg") +
                           " --draw " + Quote(dir / "m.png"));
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verdict"], "same_scene");
  EXPECT_EQ(j["model"], "homography");
  EXPECT_NEAR(j["homography"][0][2].get<double>(), 60.0, 3.0);
  EXPECT_EQ(j["a_sha256"].get<std::string>().size(), 64u);
  // An easy pair is settled by plain features; the affine views are not tried.
  EXPECT_EQ(j["stage"], "features");
  EXPECT_EQ(j["stages"], nlohmann::json::array({"features"}));
  EXPECT_TRUE(std::filesystem::exists(dir / "m.png"));
  std::vector<std::uint8_t> blank;
  cv::imencode(".png", cv::Mat(300, 300, CV_8UC3, cv::Scalar(9, 9, 9)), blank);
  test::WriteBytes(dir / "blank.png", blank);
  EXPECT_EQ(Geoverify("match " + Quote(dir / "a.jpg") + " " + Quote(dir / "blank.png")).exit_code,
            1);
  // --json prints its JSON on failure too, with the error.
  const auto flat =
      Geoverify("match --json " + Quote(dir / "a.jpg") + " " + Quote(dir / "blank.png"));
  EXPECT_EQ(flat.exit_code, 1);
  const auto fj = nlohmann::json::parse(flat.out);
  EXPECT_NE(fj["error"].get<std::string>().find("blank.png"), std::string::npos) << fj;
  EXPECT_EQ(fj["b_sha256"].get<std::string>().size(), 64u);
  const auto missing =
      Geoverify("match --json " + Quote(dir / "a.jpg") + " " + Quote(dir / "gone.jpg"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(nlohmann::json::parse(missing.out)["b_sha256"].is_null());
  EXPECT_EQ(Geoverify("match " + Quote(dir / "a.jpg")).exit_code, 2);
  EXPECT_EQ(Geoverify("match --detector surf " + Quote(dir / "a.jpg") + " " + Quote(dir / "b.jpg"))
                .exit_code,
            2);
  EXPECT_EQ(Geoverify("match --cascade maybe " + Quote(dir / "a.jpg") + " " + Quote(dir / "b.jpg"))
                .exit_code,
            2);
}

TEST(CliMatch, TheAffineViewsShowProgressOnATerminalOnly) {
  test::TempDir dir;
  test::WriteBytes(dir / "a.jpg", test::MakeSceneJpeg(400, 300, 90, 22));
  test::WriteBytes(dir / "b.jpg", test::MakeSceneJpeg(400, 300, 90, 23));
  const std::string args =
      " match --cascade always " + Quote(dir / "a.jpg") + " " + Quote(dir / "b.jpg");
  // Both photos' views and their matching, counted to the end.
  const std::string done = std::to_string(2 * AffineViewCount({}) + 1);
  const std::string line = "match: affine views " + done + "/" + done;
  // util-linux's script(1) gives the command a terminal; its output is the terminal's.
  const auto tty =
      test::RunCommand("script -qec " + Quote(std::string(GEOVERIFY_BINARY) + args) + " /dev/null");
  EXPECT_EQ(tty.exit_code, 0) << tty.out;
  EXPECT_NE(tty.out.find(line), std::string::npos) << tty.out;
  // Through a pipe (a script, a log): the result only.
  const auto piped = Geoverify(args.substr(1), true);
  EXPECT_EQ(piped.exit_code, 0) << piped.out;
  EXPECT_EQ(piped.out.find("affine views "), std::string::npos) << piped.out;
  EXPECT_NE(piped.out.find("by affine views"), std::string::npos) << piped.out;
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(CliRefs, BuildInfoExportAndLocateEndToEnd) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "refs");
  std::string csv = "file,lat,lon\n";
  for (int i = 0; i < 6; ++i) {
    cv::imwrite((dir / "refs" / ("r" + std::to_string(i) + ".jpg")).string(),
                test::MakeTexture(700 + i, 400, 300));
    csv += "r" + std::to_string(i) + ".jpg," + std::to_string(10.6 + 0.001 * i) + ",103.5\n";
  }
  test::WriteText(dir / "loc.csv", csv);
  const auto refs = Quote(dir / "refs.sqlite");
  auto r = Geoverify("refs build --json " + Quote(dir / "refs") + " -o " + refs + " --sidecar " +
                     Quote(dir / "loc.csv") + " --vocabulary-size 128");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["added"], 6);
  r = Geoverify("refs info --json " + refs);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out)["references"], 6);
  EXPECT_EQ(Geoverify("refs export " + refs + " -o " + Quote(dir / "refs.geojson")).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(test::ReadAll(dir / "refs.geojson"))["features"].size(), 6u);
  cv::Mat query;
  cv::warpAffine(test::MakeTexture(703, 400, 300), query,
                 cv::getRotationMatrix2D({200, 150}, -20, 1.1), {400, 300});
  cv::imwrite((dir / "q.jpg").string(), query);
  r = Geoverify("locate --json " + Quote(dir / "q.jpg") + " --refs " + refs + " -o " +
                Quote(dir / "clue.geojson"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NE(j["results"][0]["reference"].get<std::string>().find("r3.jpg"), std::string::npos);
  EXPECT_NEAR(j["clue"]["lat"].get<double>(), 10.603, 1e-6);
  EXPECT_EQ(j["clue"]["source"], "reference_match");
  EXPECT_TRUE(std::filesystem::exists(dir / "clue.geojson"));
  EXPECT_EQ(Geoverify("refs info " + Quote(dir / "q.jpg")).exit_code, 1);  // not a collection
  EXPECT_EQ(Geoverify("refs").exit_code, 2);
  EXPECT_EQ(Geoverify("locate " + Quote(dir / "q.jpg")).exit_code, 2);
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

class CliGeoref : public ::testing::Test {
 protected:
  void SetUp() override {
    const test::LandsatScene scene = test::LoadLandsatScene();
    ASSERT_TRUE(scene.map);
    test::WriteBytes(dir_ / "view.jpg", test::GroundViewJpeg(scene));
    test::WriteBytes(dir_ / "truncated.jpg", std::vector<std::uint8_t>{0xff, 0xd8, 0xff});
  }
  test::TempDir dir_;
  std::filesystem::path basemap_ = test::kLandsatCrop;
};

TEST_F(CliGeoref, JsonFootprintLayerAndWarpedGeoTiff) {
  const auto r = Geoverify("georef --json " + Quote(dir_ / "view.jpg") + " --basemap " +
                           Quote(basemap_) + " -o " + Quote(dir_ / "g.geojson") + " --warp " +
                           Quote(dir_ / "w.tif") + " --draw " + Quote(dir_ / "d.png"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  const auto& e = j[0];
  EXPECT_TRUE(e["ok"].get<bool>());
  EXPECT_EQ(e["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(e["corners_lonlat"].size(), 4u);
  EXPECT_EQ(e["footprint"]["type"], "Polygon");
  EXPECT_EQ(e["homography"].size(), 3u);
  EXPECT_GT(e["inliers"].get<int>(), 20);
  EXPECT_NEAR(e["gsd_m"].get<double>(), 1.1 * 300, 60);
  // Corners in WGS84 inside the Bahamas scene.
  for (const auto& c : e["corners_lonlat"]) {
    EXPECT_NEAR(c[0].get<double>(), -77.9, 0.6);
    EXPECT_NEAR(c[1].get<double>(), 24.7, 0.6);
  }
  const auto layer = nlohmann::json::parse(test::ReadAllText(dir_ / "g.geojson"));
  ASSERT_GT(layer["features"].size(), 20u);
  EXPECT_EQ(layer["features"][0]["properties"]["kind"], "footprint");
  EXPECT_EQ(layer["features"][0]["properties"]["sha256"], e["sha256"]);
  EXPECT_EQ(layer["features"][1]["properties"]["kind"], "control_point");
  auto warped = Basemap::Open(dir_ / "w.tif");
  ASSERT_TRUE(warped.ok()) << warped.error().message;
  EXPECT_EQ((*warped)->info().crs_name, "WGS 84 / UTM zone 18N");
  EXPECT_EQ((*warped)->info().bands, 4);
  EXPECT_FALSE(cv::imread((dir_ / "d.png").string()).empty());
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir_.path()))
    EXPECT_EQ(f.path().string().find(".tmp"), std::string::npos) << f.path();
}

TEST_F(CliGeoref, BadPhotoInABatchFailsAloneAndBadBasemapIsNamed) {
  const auto r = Geoverify("georef --json " + Quote(dir_ / "truncated.jpg") + " " +
                           Quote(dir_ / "view.jpg") + " --basemap " + Quote(basemap_));
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_FALSE(j[0]["error"].is_null());
  EXPECT_TRUE(j[1]["ok"].get<bool>());
  // With several photos, --warp and --draw name folders, one file per registered photo,
  // named by stem and SHA-256: another view.jpg (from another folder) does not overwrite it.
  std::filesystem::create_directories(dir_ / "other");
  cv::imwrite((dir_ / "other" / "view.jpg").string(), cv::imread((dir_ / "view.jpg").string()),
              {cv::IMWRITE_JPEG_QUALITY, 80});
  const auto folders =
      Geoverify("georef --json " + Quote(dir_ / "truncated.jpg") + " " + Quote(dir_ / "view.jpg") +
                " " + Quote(dir_ / "other" / "view.jpg") + " --basemap " + Quote(basemap_) +
                " --warp " + Quote(dir_ / "warps") + " --draw " + Quote(dir_ / "drawings"));
  EXPECT_EQ(folders.exit_code, 1);
  const auto listed = nlohmann::json::parse(folders.out);
  ASSERT_EQ(listed.size(), 3u);
  std::set<std::string> warps;
  for (int i : {1, 2}) {
    ASSERT_TRUE(listed[i]["ok"].get<bool>()) << listed[i].dump();
    const std::filesystem::path warp = listed[i]["warp"].get<std::string>();
    EXPECT_EQ(warp.parent_path(), dir_ / "warps");
    EXPECT_EQ(warp.filename().string(),
              "view." + listed[i]["sha256"].get<std::string>().substr(0, 8) + ".tif");
    EXPECT_TRUE(Basemap::Open(warp).ok());
    EXPECT_FALSE(cv::imread(listed[i]["draw"].get<std::string>()).empty());
    warps.insert(warp.string());
  }
  EXPECT_EQ(warps.size(), 2u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_ / "warps"),
                          std::filesystem::directory_iterator()),
            2);  // nothing for the truncated photo
  cv::imwrite((dir_ / "plain.png").string(), cv::Mat(32, 32, CV_8UC3, cv::Scalar(1, 2, 3)));
  const auto refused =
      Geoverify("georef " + Quote(dir_ / "view.jpg") + " --basemap " + Quote(dir_ / "plain.png"),
                /*with_stderr=*/true);
  EXPECT_EQ(refused.exit_code, 1);
  const std::string& out = refused.out;
  EXPECT_NE(out.find("plain.png"), std::string::npos) << out;
  EXPECT_NE(out.find("no georeferencing"), std::string::npos) << out;
  EXPECT_EQ(Geoverify("georef " + Quote(dir_ / "view.jpg") + " --basemap " + Quote(basemap_) +
                      " --near 95,10")
                .exit_code,
            2);
  EXPECT_EQ(Geoverify("georef --help").exit_code, 0);
}

TEST_F(CliGeoref, PriorsAreReportedAndARegistrationThatContradictsThemIsRefused) {
  // The view is turned 250 degrees: a heading of 0 +- 10 cannot be it.
  auto r = Geoverify("georef --json " + Quote(dir_ / "view.jpg") + " --basemap " + Quote(basemap_) +
                     " --heading 0:10");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto e = nlohmann::json::parse(r.out)[0];
  EXPECT_FALSE(e["ok"].get<bool>());
  EXPECT_NE(e["message"].get<std::string>().find("contradicts the priors"), std::string::npos)
      << e.dump();
  EXPECT_EQ(e["priors"]["heading"]["source"], "--heading");
  EXPECT_EQ(e["priors"]["heading"]["tolerance_deg"], 10.0);
  // Without priors the same photo registers, by features, and says none were used.
  r = Geoverify("georef --json " + Quote(dir_ / "view.jpg") + " --basemap " + Quote(basemap_));
  e = nlohmann::json::parse(r.out)[0];
  EXPECT_TRUE(e["ok"].get<bool>());
  EXPECT_EQ(e["method"], "features");
  EXPECT_TRUE(e["priors"].empty());
  for (const char* bad : {"--heading north", "--heading 10:400", "--gsd 0", "--gsd 2:1.5"})
    EXPECT_EQ(Geoverify("georef " + Quote(dir_ / "view.jpg") + " --basemap " + Quote(basemap_) +
                        " " + bad)
                  .exit_code,
              2)
        << bad;
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(CliForensics, JsonArrayPicturesAndABadFileInTheBatch) {
  test::TempDir dir;
  test::WritePhoto(dir / "a.jpg", test::MakeSceneJpeg(320, 240, 90, 4), {});
  test::WriteBytes(dir / "b.jpg", {0xff, 0xd8, 0xff});
  const auto r = Geoverify("forensics --json -o " + Quote(dir / "pictures") + " " +
                           Quote(dir / "a.jpg") + " " + Quote(dir / "b.jpg"));
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_TRUE(j[0]["error"].is_null());
  EXPECT_EQ(j[0]["jpeg"]["quality_estimate"], 90);
  EXPECT_TRUE(j[0]["jpeg"].contains("double_compression"));
  EXPECT_TRUE(j[0]["copy_move"].contains("method"));
  EXPECT_EQ(j[0]["copy_move"]["mirrored"], false);
  EXPECT_TRUE(j[0]["noise"]["region_z"].is_number());
  for (const char* key : {"file", "sha256", "jpeg", "ela", "noise", "copy_move", "thumbnail",
                          "hashes", "findings", "error"})
    EXPECT_TRUE(j[0].contains(key)) << key;
  EXPECT_TRUE(std::filesystem::exists(j[0]["ela"]["picture"].get<std::string>()));
  for (const char* key : {"phash", "ahash", "dhash", "marr_hildreth", "radial_variance",
                          "block_mean", "color_moment"})
    EXPECT_TRUE(j[0]["hashes"].contains(key)) << key;
  EXPECT_EQ(j[0]["hashes"]["block_mean"].get<std::string>().size(), 64u);
  EXPECT_EQ(j[0]["hashes"]["color_moment"].size(), 42u);
  EXPECT_FALSE(j[1]["error"].is_null());
  EXPECT_EQ(Geoverify("forensics --help").exit_code, 0);
  EXPECT_EQ(Geoverify("forensics").exit_code, 2);
}

TEST(CliForensics, TheSampleCaseThumbnailsTellTheCleanPhotoFromTheEditedOne) {
  // The committed sample case: window_view.jpg carries its own picture as its thumbnail,
  // edited_sign.jpg another one (it was edited after the camera wrote it).
  const std::filesystem::path samples =
      std::filesystem::path(GEOVERIFY_SOURCE_DIR) / "samples" / "case-kk-park";
  const auto r = Geoverify("forensics --json " + Quote(samples / "window_view.jpg") + " " +
                           Quote(samples / "edited_sign.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  const auto thumbnail_alert = [](const nlohmann::json& photo) {
    for (const auto& f : photo["findings"])
      if (f["code"] == "THUMBNAIL_CONTENT_DIFFERS") return true;
    return false;
  };
  EXPECT_FALSE(thumbnail_alert(j[0])) << j[0]["thumbnail"];
  EXPECT_LT(j[0]["thumbnail"]["worst_block"].get<double>(), 0.5);
  EXPECT_TRUE(thumbnail_alert(j[1])) << j[1]["thumbnail"];
}

TEST(CliForensics, APhotoAboveTheMegapixelLimitIsRefusedBeforeDecoding) {
  test::TempDir dir;
  test::WritePhoto(dir / "big.jpg", test::MakeSceneJpeg(1000, 800, 90, 4), {});  // 0.8 MP
  test::WritePhoto(dir / "small.jpg", test::MakeSceneJpeg(320, 240, 90, 4), {});
  const auto r = Geoverify("forensics --json --max-megapixels 0.5 " + Quote(dir / "big.jpg") + " " +
                           Quote(dir / "small.jpg"));
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  const std::string error = j[0]["error"].is_null() ? "" : j[0]["error"].get<std::string>();
  EXPECT_NE(error.find("1000x800 pixels, above the decoding limit (0.50 megapixels"),
            std::string::npos)
      << error;
  EXPECT_EQ(j[0]["sha256"].get<std::string>().size(), 64u);  // still named by its hash
  EXPECT_TRUE(j[1]["error"].is_null()) << j[1]["error"];
  EXPECT_EQ(Geoverify("forensics --json " + Quote(dir / "big.jpg")).exit_code, 0);
  EXPECT_EQ(Geoverify("forensics --max-megapixels 0 " + Quote(dir / "big.jpg")).exit_code, 2);
  // The duplicates mode decodes within the same limit.
  const auto d = Geoverify("forensics --duplicates --json --max-megapixels 0.5 " +
                           Quote(dir / "big.jpg") + " " + Quote(dir / "small.jpg"));
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(d.out)["errors"].size(), 1u) << d.out;
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(CliForensics, ABrokenKnownTablesFileIsNamedAndThePhotosStillAnalysed) {
  test::TempDir dir;
  test::WriteText(dir / "jpeg_tables.json", "{\"tables\": [{\"make\": \"X\"}]}");
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", test::MakeTexture(3, 160, 120), jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  test::WriteBytes(dir / "photo.jpg", jpeg);
  // stdout and stderr apart: the JSON alone on stdout, the warning on stderr.
  const std::string command = std::string(GEOVERIFY_BINARY) + " forensics --data-dir " +
                              Quote(dir.path()) + " --json " + Quote(dir / "photo.jpg") + " >" +
                              Quote(dir / "out.json") + " 2>" + Quote(dir / "err.txt");
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const std::string err = test::ReadAllText(dir / "err.txt");
  EXPECT_NE(err.find("warning: " + (dir / "jpeg_tables.json").string()), std::string::npos) << err;
  const auto j = nlohmann::json::parse(test::ReadAllText(dir / "out.json"));
  EXPECT_TRUE(j[0]["jpeg"]["known_source"].is_null());
  EXPECT_TRUE(j[0]["error"].is_null());
}

TEST(CliForensics, ReportsALowerQualityResaveWithTheFirstQuality) {
  test::TempDir dir;
  // Stored 804 x 604 with EXIF orientation 6 (shown turned a quarter): the 8x8 grid of the
  // stored pixels, not of the turned picture, is the one the two saves share.
  const cv::Mat photo = test::MakeTexture(21, 804, 604);
  std::vector<std::uint8_t> first, second;
  cv::imencode(".jpg", photo, first, {cv::IMWRITE_JPEG_QUALITY, 85});
  cv::imencode(".jpg", cv::imdecode(first, cv::IMREAD_COLOR), second,
               {cv::IMWRITE_JPEG_QUALITY, 55});
  test::SynthExif turned;
  turned.orientation = 6;
  test::WritePhoto(dir / "resaved.jpg", second, turned);
  cv::imwrite((dir / "once.jpg").string(), photo, {cv::IMWRITE_JPEG_QUALITY, 55});
  const auto r =
      Geoverify("forensics --json " + Quote(dir / "resaved.jpg") + " " + Quote(dir / "once.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  const auto& twice = j[0]["jpeg"]["double_compression"];
  ASSERT_TRUE(twice["detected"].get<bool>()) << twice.dump();
  EXPECT_EQ(twice["methods"], nlohmann::json::array({"dct_histogram"}));  // no ghost this way
  EXPECT_NEAR(twice["first_quality"].get<int>(), 85, 3);
  EXPECT_EQ(j[0]["width"], 604);  // the picture as shown
  ASSERT_TRUE(twice["dct_single_region"].is_object()) << twice.dump();
  EXPECT_EQ(twice["dct_single_region"]["box"].size(), 4u);
  bool finding = false;
  for (const auto& f : j[0]["findings"]) finding |= f["code"] == "DOUBLE_COMPRESSION";
  EXPECT_TRUE(finding);
  EXPECT_FALSE(j[1]["jpeg"]["double_compression"]["detected"].get<bool>())
      << j[1]["jpeg"]["double_compression"].dump();
  EXPECT_TRUE(j[1]["jpeg"]["double_compression"]["first_quality"].is_null());
  // Without --json: one line a photo with the verdicts, then its findings.
  const auto text =
      Geoverify("forensics " + Quote(dir / "resaved.jpg") + " " + Quote(dir / "once.jpg"));
  ASSERT_EQ(text.exit_code, 0) << text.out;
  const auto once_at = text.out.find("once.jpg: ");
  ASSERT_NE(once_at, std::string::npos) << text.out;
  const std::string resaved_part = text.out.substr(0, once_at),
                    once_part = text.out.substr(once_at);
  EXPECT_NE(resaved_part.find("saved twice, copy-move "), std::string::npos) << text.out;
  EXPECT_NE(resaved_part.find("DOUBLE_COMPRESSION: Saved as JPEG at least twice"),
            std::string::npos)
      << text.out;
  EXPECT_NE(once_part.find("no second save found, copy-move "), std::string::npos) << text.out;
}

TEST(CliForensics, DuplicatesGroupsAResentCopy) {
  test::TempDir dir;
  const cv::Mat photo = test::MakeTexture(11);
  cv::Mat half;
  cv::resize(photo, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  cv::imwrite((dir / "original.jpg").string(), photo, {cv::IMWRITE_JPEG_QUALITY, 92});
  cv::imwrite((dir / "whatsapp.jpg").string(), half, {cv::IMWRITE_JPEG_QUALITY, 70});
  cv::imwrite((dir / "other.jpg").string(), test::MakeTexture(12), {cv::IMWRITE_JPEG_QUALITY, 92});
  const auto r = Geoverify("forensics --duplicates --json " + Quote(dir.path()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["files"], 3);
  ASSERT_EQ(j["groups"].size(), 1u);
  ASSERT_EQ(j["groups"][0].size(), 2u);
  std::set<std::string> names;
  for (const auto& m : j["groups"][0])
    names.insert(std::filesystem::path(m["file"].get<std::string>()).filename());
  EXPECT_EQ(names, (std::set<std::string>{"original.jpg", "whatsapp.jpg"}));
  // A file that is not an image is an error entry naming it; the groups stay.
  test::WriteText(dir / "notes.txt", "not a photo");
  const auto with_text = Geoverify("forensics --duplicates --json " + Quote(dir.path()));
  EXPECT_EQ(with_text.exit_code, 1);
  const auto k = nlohmann::json::parse(with_text.out);
  EXPECT_EQ(k["groups"].size(), 1u);
  ASSERT_EQ(k["errors"].size(), 1u);
  EXPECT_NE(k["errors"][0]["file"].get<std::string>().find("notes.txt"), std::string::npos);
}

}  // namespace
}  // namespace gv
