// The shared case store against a real PostgreSQL/PostGIS server (a throwaway cluster made
// by the test): push, idempotence, transactions, row-level security between units, sharing,
// cross-case links into the case output and the report, queries. The case outputs are made
// by the real geoverify binary from photos with EXIF written by exiv2.
#include "store/store.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "store/pg.h"
#include "support/pg_cluster.h"
#include "support/run_binary.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "util/sha256.h"

namespace gv {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::Geoverify;
using test::Quote;

std::vector<std::uint8_t> Jpeg(const cv::Mat& image, int quality) {
  std::vector<std::uint8_t> out;
  cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

void WriteCasePhoto(const fs::path& path, const cv::Mat& image, std::optional<double> lat,
                    std::optional<double> lon) {
  test::SynthExif e;
  e.make = "Xiaomi";
  e.model = "Redmi Note 12";
  e.datetime_original = "2025:03:14 16:20:00";
  e.offset_time_original = "+07:00";
  e.lat = lat;
  e.lon = lon;
  test::WritePhoto(path, Jpeg(image, 90), e);
}

class StoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = std::make_unique<test::PgCluster>();
    auto admin = PgConnection::Open(cluster_->Conninfo("geoverify", "postgres"));
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    ASSERT_TRUE((*admin)->Exec("CREATE DATABASE cases").ok());
    dir_ = std::make_unique<test::TempDir>();
    // Case KH-2025-0113 (Cambodian unit): two photos with GPS, one in Myawaddy.
    const fs::path a = dir_->path() / "KH-2025-0113";
    fs::create_directories(a);
    window_ = test::MakeTexture(11, 800, 600);
    WriteCasePhoto(a / "window.jpg", window_, 16.6900, 98.5100);
    WriteCasePhoto(a / "courtyard.jpg", test::MakeTexture(12, 800, 600), 10.6270, 103.5220);
    // Case TH-2025-0042 (Thai unit): the window view again, as a family forwarded it
    // (cropped by 15 %, scaled to 70 %, recompressed, no metadata), and an unrelated photo.
    const fs::path b = dir_->path() / "TH-2025-0042";
    fs::create_directories(b);
    cv::Mat crop = window_(cv::Rect(60, 45, 680, 510)).clone(), small;
    cv::resize(crop, small, cv::Size(), 0.7, 0.7, cv::INTER_AREA);
    const auto forwarded = Jpeg(small, 80);
    std::ofstream(b / "from_family.jpg", std::ios::binary)
        .write(reinterpret_cast<const char*>(forwarded.data()),
               static_cast<std::streamsize>(forwarded.size()));
    WriteCasePhoto(b / "street.jpg", test::MakeTexture(13, 800, 600), 16.7200, 98.5600);
    // ... and the same window view seen from elsewhere (another victim's photo: turned in
    // perspective, another framing), placed 1.5 km away by its GPS.
    const std::vector<cv::Point2f> from = {{0, 0}, {800, 0}, {800, 600}, {0, 600}};
    const std::vector<cv::Point2f> to = {{90, 60}, {700, 10}, {760, 580}, {40, 520}};
    cv::Mat other_view;
    cv::warpPerspective(window_, other_view, cv::getPerspectiveTransform(from, to),
                        cv::Size(800, 600), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    WriteCasePhoto(b / "balcony.jpg", other_view, 16.7000, 98.5200);
    for (const auto& [in, out] :
         {std::pair{a, dir_->path() / "out-kh"}, std::pair{b, dir_->path() / "out-th"}}) {
      const auto r = Geoverify(
          "run " + Quote(in) + " -o " + Quote(out) + " --skip text,georef,locate,shadow --json",
          true);
      ASSERT_EQ(r.exit_code, 0) << r.out;
    }
    ASSERT_EQ(Store("init --unit kh_police --unit th_dsi", "geoverify").exit_code, 0);
  }
  static void TearDownTestSuite() {
    dir_.reset();
    cluster_.reset();
  }

  // `geoverify store ARGS --db` as `user`.
  static test::RunResult Store(const std::string& args, const std::string& user) {
    return Geoverify("store " + args + " --db '" + cluster_->Conninfo(user, "cases") + "'", true);
  }
  static std::unique_ptr<PgConnection> Connect(const std::string& user) {
    auto c = PgConnection::Open(cluster_->Conninfo(user, "cases"));
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? std::move(*c) : nullptr;
  }
  static long Count(PgConnection& db, const std::string& sql,
                    const std::vector<PgParam>& params = {}) {
    auto r = db.Exec(sql, params);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() && !r->rows.empty() && r->rows[0][0] ? std::atol(r->rows[0][0]->c_str()) : -1;
  }
  static json Json(const test::RunResult& r) {
    // The JSON is the first '[' or '{' of stdout (stderr lines follow it).
    const auto start = r.out.find_first_of("[{");
    EXPECT_NE(start, std::string::npos) << r.out;
    return json::parse(r.out.substr(start), nullptr, false, true);
  }
  static fs::path Out(const std::string& name) { return dir_->path() / name; }

  static std::unique_ptr<test::PgCluster> cluster_;
  static std::unique_ptr<test::TempDir> dir_;
  static cv::Mat window_;
};
std::unique_ptr<test::PgCluster> StoreTest::cluster_;
std::unique_ptr<test::TempDir> StoreTest::dir_;
cv::Mat StoreTest::window_;

TEST_F(StoreTest, PushTwiceKeepsOneCaseAndFailedPushLeavesTheStoreAsItWas) {
  for (int i = 0; i < 2; ++i) {
    const auto r = Store("push " + Quote(Out("out-kh")) + " --json", "kh_police");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const json j = Json(r);
    EXPECT_EQ(j["case_id"], "KH-2025-0113");
    EXPECT_EQ(j["unit"], "kh_police");
    EXPECT_EQ(j["photos"], 2);
    EXPECT_EQ(j["hashed"], 2);
    EXPECT_EQ(j["files"], 0);  // no evidence bytes without --with-files
  }
  auto db = Connect("kh_police");
  ASSERT_TRUE(db);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM gv.cases WHERE case_id = 'KH-2025-0113'"), 1);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM gv.photos WHERE case_id = 'KH-2025-0113'"), 2);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM gv.files"), 0);
  const long clues = Count(*db, "SELECT count(*) FROM gv.clues WHERE case_id = 'KH-2025-0113'");
  EXPECT_GE(clues, 2);  // a GPS clue per photo at least
  // The photo's position is a PostGIS point.
  EXPECT_EQ(Count(*db,
                  "SELECT count(*) FROM gv.photos WHERE file = 'window.jpg' AND "
                  "abs(ST_Y(geom) - 16.69) < 1e-6 AND abs(ST_X(geom) - 98.51) < 1e-6"),
            1);

  // A damaged copy of the output (the second photo's SHA-256 is not a hash): the push fails
  // after the case's rows were deleted and the first photo written, inside the transaction,
  // so the store still holds the case as it was.
  const fs::path bad = Out("out-kh-damaged");
  fs::copy(Out("out-kh"), bad, fs::copy_options::recursive);
  json photos = json::parse(test::ReadAllText(bad / "photos.json"));
  ASSERT_EQ(photos.size(), 2u);
  photos[1]["sha256"] = "not-a-hash";
  std::ofstream(bad / "photos.json") << photos.dump();
  const auto r = Store("push " + Quote(bad) + " --case-id KH-2025-0113", "kh_police");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("photos_sha256_hex"), std::string::npos) << r.out;
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM gv.photos WHERE case_id = 'KH-2025-0113'"), 2);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM gv.clues WHERE case_id = 'KH-2025-0113'"), clues);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM gv.photos WHERE sha256 = 'not-a-hash'"), 0);

  // Values of the wrong type (a hand-edited output) are taken as missing, not a crash: a
  // photo without a hash is stored with none.
  photos[0]["sha256"] = nullptr;
  photos[1]["sha256"] = 7;
  photos[1]["gps"] = "north";
  std::ofstream(bad / "photos.json") << photos.dump();
  const auto odd = Store("push " + Quote(bad) + " --case-id KH-odd --no-link --json", "kh_police");
  ASSERT_EQ(odd.exit_code, 0) << odd.out;
  EXPECT_EQ(Json(odd)["photos"], 2);
  EXPECT_EQ(
      Count(*db, "SELECT count(*) FROM gv.photos WHERE case_id = 'KH-odd' AND sha256 IS NULL"), 2);
  // The unit removes its own case (everything under it goes): the other tests do not see it.
  ASSERT_TRUE(db->Exec("DELETE FROM gv.cases WHERE case_id = 'KH-odd'").ok());
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM gv.photos WHERE case_id = 'KH-odd'"), 0);
}

TEST_F(StoreTest, UnitsReadOnlyGrantedCasesAndLinksAppearInTheCaseOutput) {
  ASSERT_EQ(Store("push " + Quote(Out("out-kh")), "kh_police").exit_code, 0);
  auto r = Store("push " + Quote(Out("out-th")) + " --json", "th_dsi");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // Not granted: the Thai unit sees no Cambodian row, and no link to them.
  EXPECT_TRUE(Json(r)["cross_case"].empty()) << r.out;
  auto th = Connect("th_dsi");
  ASSERT_TRUE(th);
  EXPECT_EQ(Count(*th, "SELECT count(*) FROM gv.photos WHERE case_id = 'KH-2025-0113'"), 0);
  EXPECT_EQ(Count(*th, "SELECT count(*) FROM gv.cases WHERE case_id = 'KH-2025-0113'"), 0);
  const std::string window_sha =
      json::parse(test::ReadAllText(Out("out-kh") / "photos.json"))[1]["sha256"];
  r = Store("query --hash " + window_sha + " --json", "th_dsi");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(Json(r).empty()) << r.out;
  // Nor may it write into the other unit's case, or grant it.
  EXPECT_FALSE(th->Exec("INSERT INTO gv.photos (case_id, fid, file, sha256, attributes) VALUES "
                        "('KH-2025-0113', 99, 'x.jpg', $1, '{}')",
                        {window_sha})
                   .ok());
  EXPECT_NE(Store("share KH-2025-0113 th_dsi", "th_dsi").exit_code, 0);

  // Granted by its owner: now visible, and the forwarded copy links to the window view.
  ASSERT_EQ(Store("share KH-2025-0113 th_dsi", "kh_police").exit_code, 0);
  EXPECT_EQ(Count(*th, "SELECT count(*) FROM gv.photos WHERE case_id = 'KH-2025-0113'"), 2);
  // (A password in the connection string, which the trust-authenticated test server ignores,
  // must not reach the report.)
  r = Geoverify("store link " + Quote(Out("out-th")) + " --json --db '" +
                    cluster_->Conninfo("th_dsi", "cases") + " password=hunter2'",
                true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const json links = Json(r)["cross_case"];
  // The forwarded copy is the same picture (pHash); the other victim's photo of the window
  // is the same place (features); the street photo 5 km away is neither.
  ASSERT_EQ(links.size(), 2u) << r.out;
  EXPECT_EQ(links[0]["file"], "balcony.jpg");
  EXPECT_EQ(links[0]["match"], "visual");
  EXPECT_EQ(links[0]["other_photo"], "window.jpg");
  EXPECT_GE(links[0]["inliers"].get<int>(), 25);
  EXPECT_TRUE(links[0]["bits"].is_null());
  EXPECT_EQ(links[1]["file"], "from_family.jpg");
  EXPECT_EQ(links[1]["match"], "hash");
  EXPECT_EQ(links[1]["code"], "CROSS_CASE_MATCH");
  EXPECT_EQ(links[1]["other_case"], "KH-2025-0113");
  EXPECT_EQ(links[1]["other_unit"], "kh_police");
  EXPECT_EQ(links[1]["other_photo"], "window.jpg");
  EXPECT_LE(links[1]["bits"].get<int>(), 10);
  // Written into the case output: the findings file and the report's section.
  const json written = json::parse(test::ReadAllText(Out("out-th") / "cross_case.json"));
  EXPECT_EQ(written, links);
  const std::string report = test::ReadAllText(Out("out-th") / "report.html");
  EXPECT_NE(report.find("Other cases (2)"), std::string::npos);
  EXPECT_NE(report.find("same place, "), std::string::npos);
  EXPECT_NE(report.find("CROSS_CASE_MATCH"), std::string::npos);
  EXPECT_NE(report.find("KH-2025-0113"), std::string::npos);
  EXPECT_EQ(report.find("Not checked against a shared case store"), std::string::npos);
  EXPECT_EQ(report.find("hunter2"), std::string::npos);
  EXPECT_NE(report.find("user=th_dsi"), std::string::npos);  // the store is named
  // The Cambodian unit was not granted the Thai case: it sees no link back.
  r = Store("link " + Quote(Out("out-kh")) + " --json", "kh_police");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(Json(r)["cross_case"].empty()) << r.out;
  // Revoked: invisible again.
  ASSERT_EQ(Store("share KH-2025-0113 th_dsi --revoke", "kh_police").exit_code, 0);
  EXPECT_EQ(Count(*th, "SELECT count(*) FROM gv.photos WHERE case_id = 'KH-2025-0113'"), 0);
}

TEST_F(StoreTest, QueriesNearAPlaceByHashAndByPhoto) {
  ASSERT_EQ(Store("push " + Quote(Out("out-kh")), "kh_police").exit_code, 0);
  // window.jpg is at 16.69 N 98.51 E; from 16.70 N 98.51 E it is 1.1 km away.
  auto r = Store("query --near 16.70,98.51 --radius 2000 --json", "kh_police");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json hits = Json(r);
  bool window = false;
  for (const auto& h : hits) {
    EXPECT_EQ(h["match"], "near");
    EXPECT_LE(h["distance_m"].get<double>(), 2000);
    if (h["kind"] == "photo") {
      EXPECT_EQ(h["photo"], "window.jpg");
      EXPECT_NEAR(h["distance_m"].get<double>(), 1107, 15);
      window = true;
    }
  }
  EXPECT_TRUE(window) << r.out;
  r = Store("query --near 16.70,98.51 --radius 500 --json", "kh_police");
  for (const auto& h : Json(r)) EXPECT_NE(h["photo"], "window.jpg");
  // By a copy of the picture: the same picture, cropped and scaled.
  r = Store("query --photo " + Quote(dir_->path() / "TH-2025-0042" / "from_family.jpg") + " --json",
            "kh_police");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  hits = Json(r);
  ASSERT_EQ(hits.size(), 1u) << r.out;
  EXPECT_EQ(hits[0]["photo"], "window.jpg");
  EXPECT_EQ(hits[0]["match"], "hash");
  EXPECT_GT(hits[0]["score"].get<double>(), 0.8);
  // Another victim's photo of the window (another viewpoint: not the same picture): found
  // through the visual index and verified by its features.
  const auto balcony = dir_->path() / "TH-2025-0042" / "balcony.jpg";
  r = Store("query --photo " + Quote(balcony) + " --json", "kh_police");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  hits = Json(r);
  ASSERT_EQ(hits.size(), 1u) << r.out;
  EXPECT_EQ(hits[0]["photo"], "window.jpg");
  EXPECT_EQ(hits[0]["match"], "visual");
  EXPECT_GE(hits[0]["inliers"].get<int>(), 25);
  EXPECT_FALSE(hits[0].contains("bits"));
  EXPECT_NEAR(hits[0]["lat"].get<double>(), 16.69, 1e-6);
  // An unrelated photo matches nothing.
  r = Store("query --photo " + Quote(dir_->path() / "TH-2025-0042" / "street.jpg") + " --json",
            "kh_police");
  EXPECT_TRUE(Json(r).empty()) << r.out;
  // The store's owner retrains the vocabulary on every unit's photos and indexes them all
  // again; the window is still found. A unit's own reindex has nothing left to do.
  r = Store("reindex --retrain --json", "geoverify");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const json reindexed = Json(r);
  EXPECT_TRUE(reindexed["trained"].get<bool>());
  EXPECT_GE(reindexed["vocabulary"].get<int>(), 2);
  EXPECT_GE(reindexed["indexed"].get<int>(), 2);
  EXPECT_EQ(reindexed["stale"], 0);
  r = Store("reindex --json", "kh_police");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Json(r)["indexed"], 0);
  EXPECT_FALSE(Json(r)["trained"].get<bool>());
  r = Store("query --photo " + Quote(balcony) + " --json", "kh_police");
  ASSERT_EQ(Json(r).size(), 1u) << r.out;
  EXPECT_EQ(Json(r)[0]["match"], "visual");
  // Not granted, the Thai unit's own query of the photo does not see the Cambodian window.
  r = Store("query --photo " + Quote(balcony) + " --json", "th_dsi");
  for (const auto& h : Json(r)) EXPECT_NE(h["case_id"], "KH-2025-0113") << r.out;
  // Usage errors.
  EXPECT_EQ(Store("query --near 16.7,98.5", "kh_police").exit_code, 2);
  EXPECT_EQ(Store("query --hash abc", "kh_police").exit_code, 1);
}

TEST_F(StoreTest, WithFilesStoresTheEvidenceBytes) {
  const auto r = Store("push " + Quote(Out("out-th")) + " --with-files --no-link --json", "th_dsi");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Json(r)["files"], 3);
  auto th = Connect("th_dsi");
  ASSERT_TRUE(th);
  // The bytes are the evidence's: their SHA-256 computed by the server is the recorded one.
  EXPECT_EQ(Count(*th,
                  "SELECT count(*) FROM gv.files WHERE case_id = 'TH-2025-0042' AND "
                  "encode(sha256(bytes), 'hex') = sha256"),
            3);
  auto bytes = test::ReadAll(dir_->path() / "TH-2025-0042" / "street.jpg");
  EXPECT_EQ(Count(*th, "SELECT count(*) FROM gv.files WHERE sha256 = $1",
                  {Sha256Hex(std::span<const std::uint8_t>(bytes))}),
            1);
  // Pushed again without --with-files: the files go with the case's earlier rows.
  ASSERT_EQ(Store("push " + Quote(Out("out-th")) + " --no-link", "th_dsi").exit_code, 0);
  EXPECT_EQ(Count(*th, "SELECT count(*) FROM gv.files WHERE case_id = 'TH-2025-0042'"), 0);
}

TEST_F(StoreTest, RedactedCopiesFromRunShareArePushedWithoutTheEvidence) {
  const fs::path out = Out("out-th-shared"), share = Out("share-th");
  const auto run = Geoverify("run " + Quote(dir_->path() / "TH-2025-0042") + " -o " + Quote(out) +
                                 " --skip text,georef,locate,shadow --share " + Quote(share),
                             true);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto r =
      Store("push " + Quote(out) + " --case-id TH-2025-0042-shared --no-link --json", "th_dsi");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Json(r)["redacted_copies"], 3);
  EXPECT_EQ(Json(r)["files"], 0);
  auto th = Connect("th_dsi");
  ASSERT_TRUE(th);
  EXPECT_EQ(Count(*th,
                  "SELECT count(*) FROM gv.files WHERE case_id = 'TH-2025-0042-shared' AND "
                  "redacted AND encode(sha256(bytes), 'hex') = sha256"),
            3);
  // None of them is an original.
  for (const char* name : {"from_family.jpg", "street.jpg", "balcony.jpg"}) {
    const auto bytes = test::ReadAll(dir_->path() / "TH-2025-0042" / name);
    EXPECT_EQ(Count(*th, "SELECT count(*) FROM gv.files WHERE sha256 = $1",
                    {Sha256Hex(std::span<const std::uint8_t>(bytes))}),
              0);
  }
}

TEST_F(StoreTest, ClearErrorsForUsageConnectionAndInput) {
  // init again changes nothing and succeeds.
  EXPECT_EQ(Store("init --unit kh_police", "geoverify").exit_code, 0);
  // No store named.
  auto r = test::RunCommand("env -u GEOVERIFY_DB " + std::string(GEOVERIFY_BINARY) +
                            " store query --hash 00");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  // A store that is not there: exit 1, the reason named.
  r = Geoverify(
      "store query --near 1,1 --radius 10 --db 'host=127.0.0.1 port=1 dbname=x "
      "connect_timeout=5' --json",
      true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("cannot connect to the store"), std::string::npos) << r.out;
  // A folder that is not a case output.
  r = Store("push " + Quote(dir_->path() / "KH-2025-0113"), "kh_police");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("not a case output"), std::string::npos) << r.out;
  // A unit name that is not a role name never reaches SQL.
  r = Store("query --near 1,1 --radius 10 --unit 'x\";drop'", "kh_police");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST_F(StoreTest, TheOwnerPushesAsAUnitAndNearQueriesCrossTheAntimeridian) {
  // A case of one photo taken just west of the antimeridian (Fiji's longitude).
  const fs::path c = dir_->path() / "FJ-2025-0001";
  fs::create_directories(c);
  WriteCasePhoto(c / "dateline.jpg", test::MakeTexture(14, 640, 480), -16.5, 179.998);
  auto r = Geoverify("run " + Quote(c) + " -o " + Quote(Out("out-fj")) +
                         " --skip text,georef,locate,shadow,forensics,same_scene --json",
                     true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // The store's owner pushes it for the Cambodian unit (--unit: SET ROLE): the rows are that
  // unit's, as if it had pushed them itself.
  r = Store("push " + Quote(Out("out-fj")) + " --unit kh_police --no-link --json", "geoverify");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto admin = Connect("geoverify");
  ASSERT_TRUE(admin);
  EXPECT_EQ(Count(*admin,
                  "SELECT count(*) FROM gv.photos WHERE case_id = 'FJ-2025-0001' AND unit = "
                  "'kh_police'"),
            1);
  EXPECT_EQ(Count(*admin,
                  "SELECT count(*) FROM gv.cases WHERE case_id = 'FJ-2025-0001' AND "
                  "unit = 'kh_police'"),
            1);
  // From the other side of the antimeridian, 750 m east: found by the unit, not by another.
  r = Store("query --near -16.5,-179.995 --radius 1500 --json", "kh_police");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  int photos = 0, hypotheses = 0;
  for (const auto& h : Json(r)) {
    EXPECT_EQ(h["case_id"], "FJ-2025-0001");
    if (h["kind"] == "photo") {
      ++photos;
      EXPECT_EQ(h["photo"], "dateline.jpg");
      EXPECT_NEAR(h["distance_m"].get<double>(), 747, 10);
    } else {
      ++hypotheses;  // the fused place of its group, at its GPS position
    }
  }
  EXPECT_EQ(photos, 1) << r.out;
  EXPECT_EQ(hypotheses, 1) << r.out;
  r = Store("query --near -16.5,-179.995 --radius 1500 --json", "th_dsi");
  EXPECT_TRUE(Json(r).empty()) << r.out;
  // A unit name that is not a role name is refused before any SQL.
  r = Store("push " + Quote(Out("out-fj")) + " --unit 'kh_police\"; DROP TABLE gv.cases; --'",
            "geoverify");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(Count(*admin, "SELECT count(*) FROM gv.cases WHERE case_id = 'FJ-2025-0001'"), 1);
}

TEST_F(StoreTest, LinkFindsAPhotoNobodyPlacedThroughTheVisualIndex) {
  // A third case: the Cambodian courtyard seen from another window, with no GPS (a
  // screenshot sent through a messaging app): no position to look near.
  const fs::path c = dir_->path() / "MM-2025-0007";
  fs::create_directories(c);
  const std::vector<cv::Point2f> from = {{0, 0}, {800, 0}, {800, 600}, {0, 600}};
  const std::vector<cv::Point2f> to = {{60, 30}, {740, 80}, {700, 560}, {20, 590}};
  cv::Mat seen;
  cv::warpPerspective(test::MakeTexture(12, 800, 600), seen, cv::getPerspectiveTransform(from, to),
                      cv::Size(800, 600), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  WriteCasePhoto(c / "courtyard_seen.jpg", seen, std::nullopt, std::nullopt);
  auto r = Geoverify("run " + Quote(c) + " -o " + Quote(Out("out-mm")) +
                         " --skip text,georef,locate,shadow,forensics --json",
                     true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_EQ(Store("push " + Quote(Out("out-kh")), "kh_police").exit_code, 0);
  ASSERT_EQ(Store("share KH-2025-0113 th_dsi", "kh_police").exit_code, 0);
  r = Store("push " + Quote(Out("out-mm")) + " --json", "th_dsi");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const json links = Json(r)["cross_case"];
  ASSERT_EQ(links.size(), 1u) << r.out;
  EXPECT_EQ(links[0]["file"], "courtyard_seen.jpg");
  EXPECT_EQ(links[0]["match"], "visual");
  EXPECT_EQ(links[0]["other_case"], "KH-2025-0113");
  EXPECT_EQ(links[0]["other_photo"], "courtyard.jpg");
  EXPECT_GE(links[0]["inliers"].get<int>(), 25);
  ASSERT_EQ(Store("share KH-2025-0113 th_dsi --revoke", "kh_police").exit_code, 0);
  // Not granted any more: linked again, it finds nothing.
  r = Store("link " + Quote(Out("out-mm")) + " --json", "th_dsi");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(Json(r)["cross_case"].empty()) << r.out;
}

}  // namespace
}  // namespace gv
