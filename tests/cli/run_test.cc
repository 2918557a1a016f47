// End-to-end: `geoverify run` on the generated sample case (tests/support/sample_case.cc),
// its outputs read back through GDAL, and the HTML report rendered in headless Chromium.
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "redact/clean_copy.h"
#include "support/landsat_scene.h"
#include "support/run_binary.h"
#include "support/sample_case.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/time.h"

namespace gv {
namespace {

using test::Geoverify;
using test::Quote;

// One run of the whole pipeline on the sample case, shared by the tests of this file.
class RunCase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    test::WriteSampleCase(case_dir(), test::kLandsatCrop);
    for (const auto& e : std::filesystem::recursive_directory_iterator(case_dir()))
      if (e.is_regular_file()) before_[e.path()] = test::ReadAll(e.path());
    run_ = new test::RunResult(Geoverify("run --json " + Quote(case_dir()) + " -o " +
                                         Quote(out_dir()) + " --share " + Quote(share_dir())));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete dir_;
  }
  static std::filesystem::path case_dir() { return *dir_ / "case"; }
  static std::filesystem::path out_dir() { return *dir_ / "out"; }
  static std::filesystem::path share_dir() { return *dir_ / "share"; }
  static nlohmann::json Photos() {
    return nlohmann::json::parse(test::ReadAllText(out_dir() / "photos.json"));
  }
  static nlohmann::json Photo(const std::string& file) {
    for (const auto& p : Photos())
      if (p["file"] == file) return p;
    return nullptr;
  }
  // Field values of a GeoPackage layer, one map per feature.
  static std::vector<std::map<std::string, std::string>> Layer(
      const std::string& name, std::vector<std::string>* geometry = nullptr) {
    GDALAllRegister();
    std::vector<std::map<std::string, std::string>> rows;
    GDALDatasetH ds = GDALOpenEx((out_dir() / "case.gpkg").c_str(),
                                 GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (ds == nullptr) return rows;
    if (OGRLayerH layer = GDALDatasetGetLayerByName(ds, name.c_str())) {
      OGR_L_ResetReading(layer);
      while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
        std::map<std::string, std::string> row;
        for (int i = 0; i < OGR_F_GetFieldCount(f); ++i)
          row[OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, i))] = OGR_F_GetFieldAsString(f, i);
        if (geometry) {
          OGRGeometryH g = OGR_F_GetGeometryRef(f);
          geometry->push_back(g ? OGR_G_GetGeometryName(g) : "");
        }
        rows.push_back(row);
        OGR_F_Destroy(f);
      }
    }
    GDALClose(ds);
    return rows;
  }
  static test::TempDir* dir_;
  static test::RunResult* run_;
  static std::map<std::filesystem::path, std::vector<std::uint8_t>> before_;
};
test::TempDir* RunCase::dir_ = nullptr;
test::RunResult* RunCase::run_ = nullptr;
std::map<std::filesystem::path, std::vector<std::uint8_t>> RunCase::before_;

TEST_F(RunCase, SummaryAndExitCode) {
  EXPECT_EQ(run_->exit_code, 1) << run_->out;  // incomplete_transfer.jpg
  const auto j = nlohmann::json::parse(run_->out);
  EXPECT_EQ(j["photos"], 11);  // 9 photos and the video's 2 scene keyframes
  EXPECT_EQ(j["videos"], 1);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(j["steps_run"].size(), 11u);  // every step of the registry, text included
  EXPECT_NE(j["steps_run"].dump().find("\"text\""), std::string::npos);
  for (const auto& e : j["errors"]) EXPECT_EQ(e["file"], "incomplete_transfer.jpg") << e;
}

TEST_F(RunCase, VideoKeyframesJoinTheCaseAsPhotos) {
  const auto videos = nlohmann::json::parse(test::ReadAllText(out_dir() / "videos.json"));
  ASSERT_EQ(videos.size(), 1u);
  const auto& video = videos[0];
  EXPECT_EQ(video["file"], "clips/courtyard_walk.mov");
  EXPECT_EQ(video["sha256"], Sha256Hex(test::ReadAll(case_dir() / "clips/courtyard_walk.mov")));
  EXPECT_EQ(video["taken_at_utc"], "2025-03-15T01:42:30Z");
  EXPECT_EQ(video["video"]["frames_extracted"], 2);
  ASSERT_EQ(video["frames"].size(), 2u);
  // Each keyframe: a PNG in frames/ whose SHA-256 is the photo's, linked to the video's
  // SHA-256, with the video's time plus its offset and the video's position.
  const std::string manifest = test::ReadAllText(out_dir() / "manifest.csv");
  std::vector<double> offsets;
  for (const auto& path : video["frames"]) {
    const auto frame = Photo(path.get<std::string>());
    ASSERT_TRUE(frame.is_object()) << path;
    EXPECT_EQ(frame["video_frame"]["video_sha256"], video["sha256"]);
    // Relative to the output folder (which may be moved), under frames/.
    const std::filesystem::path rel = frame["video_frame"]["frame_file"].get<std::string>();
    EXPECT_EQ(rel.parent_path().parent_path(), "frames");
    const std::filesystem::path file = out_dir() / rel;
    EXPECT_EQ(Sha256Hex(test::ReadAll(file)), frame["sha256"]);
    EXPECT_NE(manifest.find(frame["sha256"].get<std::string>() + ","), std::string::npos);
    EXPECT_DOUBLE_EQ(frame["gps"]["lat"].get<double>(), 16.8207);
    offsets.push_back(frame["video_frame"]["offset_s"].get<double>());
  }
  EXPECT_EQ(offsets[0], 0);
  EXPECT_NEAR(offsets[1], 2.5, 0.6);  // the cut to the room, at the next keyframe
  EXPECT_EQ(Photo(video["frames"][1].get<std::string>())["taken_at_utc"],
            FormatIsoUtc(ToEpochSeconds(CivilTime{2025, 3, 15, 1, 42, 30}) +
                         static_cast<std::int64_t>(std::llround(offsets[1]))));
  // The courtyard seen in the video is the courtyard of the photos (SAME_SCENE), and a video
  // is one place: both keyframes are in the courtyard's place group, the video's position
  // one clue (from the first keyframe), not two.
  const auto first = Photo(video["frames"][0].get<std::string>());
  const auto second = Photo(video["frames"][1].get<std::string>());
  EXPECT_EQ(first["place_group"], Photo("courtyard.jpg")["place_group"]);
  EXPECT_EQ(second["place_group"], Photo("courtyard.jpg")["place_group"]);
  EXPECT_NE(first["findings"].dump().find("SAME_SCENE"), std::string::npos);
  const auto kinds = [](const nlohmann::json& p) {
    std::set<std::string> k;
    for (const auto& c : p["clues"]) k.insert(c["kind"].get<std::string>());
    return k;
  };
  EXPECT_EQ(kinds(first).count("gps"), 1u);
  EXPECT_EQ(kinds(second).count("gps"), 0u);
  EXPECT_EQ(kinds(second).count("time_zone"), 0u);
  // The report shows the strip, each keyframe linked to its panel.
  const std::string html = test::ReadAllText(out_dir() / "report.html");
  EXPECT_NE(html.find("<h2 id=videos>Videos (1)</h2>"), std::string::npos);
  EXPECT_NE(html.find("<div class=strip><a href='#photo-"), std::string::npos);
}

TEST_F(RunCase, EvidenceIsUntouched) {
  for (const auto& [path, bytes] : before_) EXPECT_EQ(test::ReadAll(path), bytes) << path;
}

TEST_F(RunCase, EveryStepLeftItsCluesAndFindings) {
  std::set<std::string> kinds;
  for (const auto& p : Photos())
    for (const auto& c : p["clues"]) kinds.insert(c["kind"].get<std::string>());
  for (const char* kind : {"gps", "time_zone", "country", "near", "not_near", "shadow",
                           "reference_match", "footprint"})
    EXPECT_TRUE(kinds.count(kind)) << kind;
  const auto window = Photo("window_view.jpg");
  ASSERT_TRUE(window.is_object());
  EXPECT_TRUE(window["forensics"]["ela"].is_object());
  EXPECT_EQ(window["forensics"]["ela"]["picture"],
            "photos/" + window["sha256"].get<std::string>().substr(0, 12) + "/ela.png");
  for (const auto& c : window["clues"]) {
    EXPECT_TRUE(c.contains("uncertainty_m"));
    EXPECT_TRUE(c.contains("params"));
    if (c["kind"] == "shadow") {
      EXPECT_TRUE(c["geometry"]["type"] == "Polygon" || c["geometry"]["type"] == "MultiPolygon");
      EXPECT_TRUE(std::filesystem::exists(out_dir() / c["params"]["raster"].get<std::string>()));
    }
  }
  const auto courtyard = Photo("courtyard_other_window.jpg");
  bool same_scene = false;
  for (const auto& f : courtyard["findings"]) same_scene = same_scene || f["code"] == "SAME_SCENE";
  EXPECT_TRUE(same_scene);
  EXPECT_EQ(courtyard["place_group"], Photo("courtyard.jpg")["place_group"]);
  EXPECT_EQ(Photo("window_view.jpg")["place_group"], Photo("edited_sign.jpg")["place_group"]);
  EXPECT_NE(Photo("window_view.jpg")["place_group"], Photo("courtyard.jpg")["place_group"]);
  const auto drone = Photo("drone_view.jpg");
  ASSERT_TRUE(drone["warped"].is_string());
  GDALAllRegister();
  GDALDatasetH warped =
      GDALOpen((out_dir() / drone["warped"].get<std::string>()).c_str(), GA_ReadOnly);
  ASSERT_NE(warped, nullptr);
  EXPECT_NE(std::string(GDALGetProjectionRef(warped)), "");
  GDALClose(warped);
}

TEST_F(RunCase, HypothesesPerPlaceGroup) {
  const auto groups = nlohmann::json::parse(test::ReadAllText(out_dir() / "hypotheses.json"));
  ASSERT_TRUE(groups.is_array());
  ASSERT_EQ(groups.size(), Layer("place_groups").size());
  bool kk_park = false;
  for (const auto& g : groups) {
    for (const char* key :
         {"group", "photos", "hypotheses", "regions", "area_km2", "conflicts", "clues_used"})
      EXPECT_TRUE(g.contains(key)) << key;
    const auto photos = g["photos"].dump();
    if (g["clues_used"].empty()) {
      EXPECT_TRUE(g["hypotheses"].empty()) << photos;  // nothing is invented
      continue;
    }
    ASSERT_FALSE(g["hypotheses"].empty()) << photos;
    // Credible regions as GeoJSON, the larger holding the smaller's area, and the posterior.
    ASSERT_TRUE(g["regions"].is_object()) << photos;
    for (const char* level : {"0.5", "0.9"}) {
      EXPECT_EQ(g["regions"][level]["type"], "MultiPolygon") << photos;
      EXPECT_FALSE(g["regions"][level]["coordinates"].empty()) << photos;
    }
    EXPECT_LE(g["area_km2"]["0.5"].get<double>(), g["area_km2"]["0.9"].get<double>());
    const auto tif = out_dir() / ("posterior_" + std::to_string(g["group"].get<int>()) + ".tif");
    GDALAllRegister();
    GDALDatasetH posterior = GDALOpen(tif.c_str(), GA_ReadOnly);
    ASSERT_NE(posterior, nullptr) << tif;
    EXPECT_EQ(GDALGetRasterDataType(GDALGetRasterBand(posterior, 1)), GDT_Float32);
    EXPECT_LE(GDALGetRasterXSize(posterior), 4000);
    EXPECT_NE(std::string(GDALGetProjectionRef(posterior)).find("4326"), std::string::npos);
    GDALClose(posterior);
    const auto& h = g["hypotheses"][0];
    for (const char* key :
         {"rank", "lat", "lon", "probability", "radius_m", "place", "known_site", "clues"})
      EXPECT_TRUE(h.contains(key)) << key;
    EXPECT_EQ(h["rank"], 1);
    if (photos.find("window_view.jpg") != std::string::npos) {
      // Its GPS, shadow, country, near and not_near clues agree on KK Park.
      kk_park = std::abs(h["lat"].get<double>() - 16.6476) < 0.001 &&
                std::abs(h["lon"].get<double>() - 98.5207) < 0.001;
      EXPECT_EQ(h["place"]["name"], "Myawaddy");
      EXPECT_EQ(h["known_site"]["name"], "KK Park, Myawaddy");  // the shipped layer
    }
  }
  EXPECT_TRUE(kk_park);
  bool no_clue = false;
  const auto forwarded = Photo("forwarded.jpg");  // no clue at all in its place group
  for (const auto& f : forwarded["findings"]) no_clue = no_clue || f["code"] == "NO_LOCATION_CLUE";
  EXPECT_TRUE(no_clue) << forwarded["findings"];
  EXPECT_FALSE(Layer("hypotheses").empty());
  EXPECT_FALSE(Layer("regions").empty());
  const auto kml = test::ReadAllText(out_dir() / "case.kml");
  EXPECT_NE(kml.find("<Folder><name>regions</name>"), std::string::npos);
  EXPECT_NE(kml.find("<Folder><name>hypotheses</name>"), std::string::npos);
  // The drone photo registers on Bahamas ground, outside the case's region: named, left out.
  bool outside = false;
  const auto drone = Photo("drone_view.jpg");
  for (const auto& f : drone["findings"]) outside = outside || f["code"] == "CLUE_OUTSIDE_REGION";
  EXPECT_TRUE(outside) << drone["findings"];
}

TEST_F(RunCase, GeoPackageLayersReadBackThroughGdal) {
  std::vector<std::string> geometry;
  const auto clues = Layer("clues", &geometry);
  ASSERT_FALSE(clues.empty());
  std::set<std::string> types;
  for (std::size_t i = 0; i < clues.size(); ++i) {
    EXPECT_EQ(clues[i].at("sha256").size(), 64u);
    types.insert(clues[i].at("kind") + ":" + geometry[i]);
  }
  EXPECT_TRUE(types.count("gps:POINT"));
  EXPECT_TRUE(types.count("shadow:MULTIPOLYGON"));
  EXPECT_TRUE(types.count("footprint:MULTIPOLYGON"));
  EXPECT_TRUE(types.count("time_zone:"));  // no geometry: a set of zones (in params)
  const auto footprints = Layer("footprints");
  ASSERT_EQ(footprints.size(), 1u);
  EXPECT_EQ(footprints[0].at("photo"), "drone_view.jpg");
  const auto groups = Layer("place_groups");
  bool courtyards = false;
  for (const auto& g : groups)
    courtyards =
        courtyards || (g.at("photos").find("courtyard.jpg") != std::string::npos &&
                       g.at("photos").find("courtyard_other_window.jpg") != std::string::npos);
  EXPECT_TRUE(courtyards);
  std::map<std::string, std::string> kind_of;
  for (const auto& e : Layer("evidence")) kind_of[e.at("path")] = e.at("kind");
  EXPECT_EQ(kind_of["case.yaml"], "case_file");
  EXPECT_EQ(kind_of["refs/golden-triangle.gvrefs"], "reference");
  EXPECT_EQ(kind_of["basemaps/landsat_crop.tif"], "basemap");
  EXPECT_EQ(kind_of["notes.txt"], "other");
  EXPECT_EQ(kind_of["window_view.jpg"], "photo");
  EXPECT_FALSE(Layer("findings").empty());
  const std::string kml = test::ReadAllText(out_dir() / "case.kml");
  for (const char* folder : {"<Folder><name>photos</name>", "<Folder><name>clues</name>",
                             "<Folder><name>footprints</name>"})
    EXPECT_NE(kml.find(folder), std::string::npos) << folder;
}

TEST_F(RunCase, BadCaseYamlIsAUsageErrorBeforeAnyWork) {
  test::TempDir bad;
  test::WritePhoto(bad / "a.jpg", test::MakeSceneJpeg(64, 48, 80, 1), {});
  test::WriteText(bad / "case.yaml",
                  "title: t\nphotos:\n  a.jpg:\n    clues:\n      - {kind: near, lat: 91, lon: 2, "
                  "radius_m: 5}\n");
  const auto r = Geoverify("run " + Quote(bad.path()) + " -o " + Quote(bad / "out"), true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("case.yaml:5: latitude 91 is outside -90..90"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(bad / "out"));
  EXPECT_EQ(Geoverify("run " + Quote(bad.path()) + " -o " + Quote(bad / "out") + " --cascade x")
                .exit_code,
            2);
}

TEST_F(RunCase, StepsAreListedAndCanBeSkipped) {
  const auto steps = Geoverify("run --steps");
  EXPECT_EQ(steps.exit_code, 0);
  for (const char* name :
       {"metadata", "forensics", "time", "shadow", "same_scene", "locate", "georef"})
    EXPECT_NE(steps.out.find(name), std::string::npos) << name;
  test::TempDir small;
  test::SynthExif e;
  e.lat = 16.82, e.lon = 98.53;
  test::WritePhoto(small / "a.jpg", test::MakeSceneJpeg(160, 120, 80, 1), e);
  // Repeated and comma-separated; the case folder after them is still the case folder.
  const auto r = Geoverify("run --json --skip forensics --skip same_scene,locate " +
                           Quote(small.path()) + " -o " + Quote(small / "out"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["steps_skipped"], (nlohmann::json{"forensics", "same_scene", "locate"}));
  EXPECT_TRUE(j["case_step_seconds"].contains("fusion"));
  EXPECT_EQ(Geoverify("run --skip nothing " + Quote(small.path()) + " -o " + Quote(small / "o2"))
                .exit_code,
            2);
}

// Every command's --json prints its JSON when an input fails, with the error.
TEST_F(RunCase, ShareWritesRedactedCopiesListedInTheManifest) {
  const auto log = nlohmann::json::parse(test::ReadAllText(share_dir() / "redaction.json"));
  // Every photo has its copy, but the truncated one, whose failure is a step error.
  std::size_t unshared = 0;
  for (const auto& p : Photos())
    for (const auto& e : p["step_errors"]) unshared += e["step"] == "share";
  EXPECT_EQ(unshared, 1u);
  EXPECT_EQ(log.size() + unshared, Photos().size());
  const std::string manifest = test::ReadAllText(out_dir() / "manifest.csv");
  for (const auto& entry : log) {
    const std::string copy = entry["copy"];
    const auto bytes = test::ReadAll(copy);
    EXPECT_EQ(entry["copy_sha256"], Sha256Hex(bytes));
    // In the manifest, and clean: nothing but the pixels.
    EXPECT_NE(manifest.find("\"" + copy + "\"," + entry["copy_sha256"].get<std::string>()),
              std::string::npos)
        << copy;
    EXPECT_TRUE(VerifyCleanCopy(bytes, false, {}).ok()) << copy;
  }
  EXPECT_NE(manifest.find(",redaction_log,"), std::string::npos);
  // The copies never go into the case folder, where they would become evidence.
  const auto r = Geoverify("run " + Quote(case_dir()) + " -o " + Quote(*dir_ / "out2") +
                               " --share " + Quote(case_dir() / "shared"),
                           true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_FALSE(std::filesystem::exists(case_dir() / "shared"));
}

TEST(CliJson, FailuresStillPrintJsonWithTheError) {
  test::TempDir dir;
  test::WriteText(dir / "bad.jpg", "not a photo");
  for (const std::string& args :
       {"locate --json " + Quote(dir / "bad.jpg") + " --refs " + Quote(dir / "none.gvrefs"),
        "refs info --json " + Quote(dir / "none.gvrefs"), "sun --json " + Quote(dir / "bad.jpg"),
        "sun check --json " + Quote(dir / "bad.jpg") + " --height 2 --shadow-length 3",
        "match --json " + Quote(dir / "bad.jpg") + " " + Quote(dir / "bad.jpg")}) {
    const auto r = Geoverify(args);
    EXPECT_EQ(r.exit_code, 1) << args;
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_TRUE(j.is_object()) << args << ": " << r.out;
    EXPECT_TRUE(j["error"].is_string()) << args << ": " << r.out;
  }
  // Batch commands: one entry per input, the failed ones with their error.
  const auto r = Geoverify("text --json " + Quote(dir / "bad.jpg") + " " + Quote(dir / "none.jpg"));
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_array()) << r.out;
  ASSERT_EQ(j.size(), 2u) << r.out;
  for (const auto& entry : j) EXPECT_TRUE(entry["error"].is_string()) << entry;
}

// A page as a user sees it: headless Chromium (network refused: no resolver, a dead proxy),
// the DOM after the scripts ran, every console message, and the requests the page itself
// started (from Chromium's network log; the browser's own background requests carry no
// initiator and are not the page's).
struct Rendered {
  int exit_code = -1;
  std::string dom;
  std::vector<std::string> console, page_requests;
};

Rendered RenderInChromium(const std::filesystem::path& page, const std::filesystem::path& scratch,
                          const std::filesystem::path& screenshot = {},
                          const std::string& fragment = {}) {
  const std::string flags =
      "--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--host-resolver-rules='MAP * ~NOTFOUND' --proxy-server=127.0.0.1:9 "
      "--user-data-dir=" +
      Quote(scratch / "profile") + " --enable-logging=stderr --v=0 ";
  const auto netlog = scratch / "netlog.json";
  const auto run =
      test::RunCommand("timeout 120 chromium " + flags + "--log-net-log=" + Quote(netlog) +
                           " --dump-dom " + Quote("file://" + page.string() + fragment),
                       true);
  Rendered r;
  r.exit_code = run.exit_code;
  r.dom = run.out;
  const std::regex console(":CONSOLE[^\n]*");
  for (auto it = std::sregex_iterator(run.out.begin(), run.out.end(), console);
       it != std::sregex_iterator(); ++it)
    r.console.push_back(it->str());
  const auto log = nlohmann::json::parse(test::ReadAllText(netlog), nullptr, false);
  if (log.is_object()) {
    const int start_job = log["constants"]["logEventTypes"].value("URL_REQUEST_START_JOB", -1);
    for (const auto& e : log["events"]) {
      if (e.value("type", -2) != start_job || !e.contains("params")) continue;
      const auto& p = e["params"];
      if (p.contains("url") && p.value("initiator", "not an origin") != "not an origin")
        r.page_requests.push_back(p["url"].get<std::string>() + " (initiator " +
                                  p["initiator"].get<std::string>() + ")");
    }
  } else {
    r.page_requests.push_back("(no network log)");
  }
  if (!screenshot.empty())
    test::RunCommand("timeout 120 chromium " + flags + "--window-size=1280,2400 --screenshot=" +
                     Quote(screenshot) + " " + Quote("file://" + page.string()));
  return r;
}

// The checks themselves can fail: a page that loads an image from the network is caught by
// the network log, and the same page under the report's CSP by the console.
TEST(ReportCheck, CatchesRequestsAndConsoleErrors) {
  ASSERT_EQ(test::RunCommand("command -v chromium").exit_code, 0)
      << "chromium is missing (scripts/deps installs it)";
  test::TempDir dir;
  test::WriteText(
      dir / "leak.html",
      "<!DOCTYPE html><html><body><img src='http://127.0.0.1:9/leak.png'></body></html>");
  const auto leak = RenderInChromium(dir / "leak.html", dir.path());
  ASSERT_EQ(leak.exit_code, 0);
  ASSERT_FALSE(leak.page_requests.empty());
  EXPECT_NE(leak.page_requests[0].find("127.0.0.1:9/leak.png"), std::string::npos);
  test::TempDir dir2;
  test::WriteText(dir2 / "csp.html",
                  "<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' "
                  "content=\"default-src 'none'; img-src data:\"></head><body><img "
                  "src='http://127.0.0.1:9/leak.png'></body></html>");
  const auto blocked = RenderInChromium(dir2 / "csp.html", dir2.path());
  EXPECT_TRUE(blocked.page_requests.empty());
  ASSERT_FALSE(blocked.console.empty());
  EXPECT_NE(blocked.console[0].find("Content Security Policy"), std::string::npos)
      << blocked.console[0];
}

// The report: no console message, no request, the map and its layers built, a panel per
// photo, and a screenshot kept in the build folder (test-artefacts/report.png).
// A case output as the source of a training exercise: the photos found through run.json,
// each answer from its group's confirmed hypothesis (p >= 0.9), the site from the known site
// near it, geoverify's own clues in the key for the model answer.
TEST_F(RunCase, ExerciseFromTheCaseOutput) {
  const auto run = nlohmann::json::parse(test::ReadAllText(out_dir() / "run.json"));
  EXPECT_EQ(run["case_dir"], std::filesystem::weakly_canonical(case_dir()).string());
  test::TempDir dir;
  const auto r = Geoverify("exercise make --json --faces off " + Quote(out_dir()) + " -o " +
                           Quote(dir / "pack") + " --key " + Quote(dir / "key.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto made = nlohmann::json::parse(r.out);
  const auto key = nlohmann::json::parse(test::ReadAllText(dir / "key.json"));
  std::map<std::string, nlohmann::json> by_photo;
  for (const auto& q : key["questions"]) {
    by_photo[std::filesystem::path(q["original"].get<std::string>()).filename().string()] = q;
    EXPECT_EQ(q["answer"]["source"], "case hypothesis");
  }
  // Confirmed: casino_dome, courtyard (+ the other window), window_view + edited_sign; not
  // clock_off (p 0.83), nor the photos without a location clue.
  EXPECT_EQ(made["questions"].size(), by_photo.size());
  ASSERT_TRUE(by_photo.count("casino_dome.jpg"));
  ASSERT_TRUE(by_photo.count("courtyard_other_window.jpg"));
  EXPECT_FALSE(by_photo.count("clock_off.jpg"));
  EXPECT_FALSE(by_photo.count("forwarded.jpg"));
  const auto& casino = by_photo["casino_dome.jpg"];
  EXPECT_NEAR(casino["answer"]["lat"].get<double>(), 20.36115, 0.001);
  EXPECT_EQ(casino["answer"]["country"], "LA");
  EXPECT_NE(casino["answer"]["sites"].dump().find("Kings Romans"), std::string::npos);
  EXPECT_NE(casino["answer"]["clues"].dump().find("reference_match"), std::string::npos);
  EXPECT_EQ(casino["original_sha256"], Photo("casino_dome.jpg")["sha256"]);
  bool skipped_clock = false;
  for (const auto& s : made["skipped"]) skipped_clock |= s["photo"] == "clock_off.jpg";
  EXPECT_TRUE(skipped_clock);
}

TEST_F(RunCase, ReportRendersInChromiumOfflineWithoutErrors) {
  ASSERT_EQ(test::RunCommand("command -v chromium").exit_code, 0)
      << "chromium is missing (scripts/deps installs it)";
  const auto artefacts = std::filesystem::path(GEOVERIFY_ARTEFACTS);
  std::filesystem::create_directories(artefacts);
  const auto png = artefacts / "report.png";
  std::filesystem::remove(png);
  const Rendered r = RenderInChromium(out_dir() / "report.html", dir_->path(), png);
  ASSERT_EQ(r.exit_code, 0) << r.dom.substr(0, 2000);
  EXPECT_TRUE(r.console.empty()) << r.console.front();
  EXPECT_TRUE(r.page_requests.empty()) << r.page_requests.front();
  std::smatch ready;
  ASSERT_TRUE(std::regex_search(r.dom, ready, std::regex("data-map-ready=\"(\\d+)\"")));
  EXPECT_GE(std::stoi(ready[1].str()), 8);
  for (const char* layer : {"Photos (GPS as recorded)", "Shadow regions", "Footprints",
                            "Known sites", "Clues: reference_match", "Clues: gps", "Borders"})
    EXPECT_NE(r.dom.find(layer), std::string::npos) << layer;
  const auto count = [&](const std::string& pattern) {
    const std::regex re(pattern);
    return std::distance(std::sregex_iterator(r.dom.begin(), r.dom.end(), re),
                         std::sregex_iterator());
  };
  EXPECT_GT(count("class=\"leaflet-interactive\""), 10);  // vector shapes drawn by Leaflet
  EXPECT_EQ(count("<section class=\"photo\""), 11);       // 9 photos, 2 keyframes of the video
  EXPECT_EQ(count("<img class=\"preview\""), 10);         // all but the truncated file
  EXPECT_EQ(count("<section class=\"video\""), 1);
  EXPECT_GE(count("<img class=\"ela\""), 8);
  EXPECT_GE(count("<tr class=\"group\""), 5);
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20000u);
  EXPECT_NE(r.dom.find("Credible regions (50 %, 90 %)"), std::string::npos);
  EXPECT_NE(r.dom.find("Hypotheses (fused)"), std::string::npos);
  EXPECT_GE(count("<span class=\"bar (for|against)\""), 6);  // the table's contribution bars
}

// A hypothesis linked from the place-group table opens on the map with a bar per clue.
TEST_F(RunCase, ReportOpensAHypothesisWithItsCluesAsBars) {
  const auto groups = nlohmann::json::parse(test::ReadAllText(out_dir() / "hypotheses.json"));
  int group = 0;
  std::size_t clues = 0;
  for (const auto& g : groups)
    if (g["photos"].dump().find("window_view.jpg") != std::string::npos) {
      group = g["group"].get<int>();
      clues = g["hypotheses"][0]["clues"].size();
    }
  ASSERT_GT(group, 0);
  ASSERT_GE(clues, 5u);  // gps x2, shadow, country, near, not_near, time zone, known sites
  const std::string id = "hypothesis-" + std::to_string(group) + "-1";
  const auto html = test::ReadAllText(out_dir() / "report.html");
  EXPECT_NE(html.find("href='#" + id + "'"), std::string::npos);
  const Rendered r = RenderInChromium(out_dir() / "report.html", dir_->path(), {}, "#" + id);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.console.empty()) << r.console.front();
  const auto popup = r.dom.find("class=\"leaflet-popup-content\"");
  ASSERT_NE(popup, std::string::npos) << "no popup open";
  const std::string content = r.dom.substr(popup, 20000);
  EXPECT_NE(content.find("hypothesis 1"), std::string::npos);
  const std::regex bar(
      "class=\"gain-bar\" style=\"width: (\\d+)px; background: (rgb\\(51, 153, 51\\)|rgb\\(204, "
      "51, 51\\))");
  const auto bars = std::distance(std::sregex_iterator(content.begin(), content.end(), bar),
                                  std::sregex_iterator());
  EXPECT_EQ(static_cast<std::size_t>(bars), clues) << content.substr(0, 3000);
}

}  // namespace
}  // namespace gv
