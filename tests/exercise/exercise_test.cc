// Training exercises: scoring at its anchor points, distances against GeographicLib, packs
// made by the real binary (redaction, seals, the leak scan), grading with its input checks,
// and the trainee's page driven in headless Chromium: a pin placed by a click, answers
// exported, graded, ranked.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <GeographicLib/Geodesic.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "exercise/pack.h"
#include "exercise/scoring.h"
#include "geo/geodesy.h"
#include "metadata/exiv2_reader.h"
#include "support/cdp.h"
#include "support/run_binary.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using test::Geoverify;
using test::Quote;

double Reference(double lat1, double lon1, double lat2, double lon2) {
  double s12 = 0;
  GeographicLib::Geodesic::WGS84().Inverse(lat1, lon1, lat2, lon2, s12);
  return s12;
}

TEST(ExerciseScoring, GeodesicDistanceAgreesWithGeographicLibTo1m) {
  std::mt19937 rng(17);
  std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180), small(-0.01, 0.01);
  std::vector<std::array<double, 4>> pairs = {
      {16.647556, 98.520722, 16.8205, 98.5309},     // KK Park - Shwe Kokko
      {0, 0, 0.5, 179.7},                           // nearly antipodal
      {0, 0, 0, 180},                               // antipodal on the equator
      {89.9, 10, -89.9, -170},                      // pole to pole
      {10, 179.999, 10, -179.999},                  // across the antimeridian
      {20.36115, 100.099807, 20.36115, 100.099807}  // the same point
  };
  for (int i = 0; i < 2000; ++i) {
    const double a = lat(rng), b = lon(rng);
    pairs.push_back(i % 2 ? std::array<double, 4>{a, b, lat(rng), lon(rng)}
                          : std::array<double, 4>{a, b, std::clamp(a + small(rng), -90.0, 90.0),
                                                  b + small(rng)});
  }
  double worst = 0;
  for (const auto& p : pairs) {
    const double ours = GeodesicDistanceM({p[0], p[1]}, {p[2], p[3]});
    const double ref = Reference(p[0], p[1], p[2], p[3]);
    worst = std::max(worst, std::abs(ours - ref));
    ASSERT_NEAR(ours, ref, 1.0) << p[0] << "," << p[1] << " -> " << p[2] << "," << p[3];
  }
  RecordProperty("worst_difference_m", std::to_string(worst));
  // The sphere is not good enough for grading: 0.5 % is 5 km on 1000 km.
  EXPECT_GT(std::abs(DistanceM({0, 0}, {0, 90}) - Reference(0, 0, 0, 90)), 1000);
}

TEST(ExerciseScoring, DistanceScoreAtItsAnchorPoints) {
  const double R = 50, S = 10000;
  EXPECT_EQ(DistanceScore(0, R, S), 5000);
  EXPECT_EQ(DistanceScore(R, R, S), 5000);
  EXPECT_EQ(DistanceScore(R + 0.01, R, S), std::lround(5000 * std::exp(-(R + 0.01) / S)));
  EXPECT_EQ(DistanceScore(S, R, S), 1839);    // 5000 / e
  EXPECT_EQ(DistanceScore(10 * S, R, S), 0);  // 5000 e^-10 = 0.23
  EXPECT_EQ(DistanceScore(5 * S, R, S), 34);  // 5000 e^-5 = 33.7
  int last = 5001;
  for (double d = 0; d < 12 * S; d += 37) {
    const int s = DistanceScore(d, R, S);
    ASSERT_LE(s, last) << d;
    last = s;
  }
  // An answer's own radius: full marks up to it.
  EXPECT_EQ(DistanceScore(1999, 2000, S), 5000);
  EXPECT_LT(DistanceScore(2001, 2000, S), 5000);
}

TEST(ExerciseScoring, TimeScoreFullWithin15MinutesAndZeroAt6Hours) {
  EXPECT_EQ(TimeScore(0), 5000);
  EXPECT_EQ(TimeScore(15 * 60), 5000);
  EXPECT_EQ(TimeScore(-15 * 60), 5000);
  EXPECT_LT(TimeScore(15 * 60 + 60), 5000);
  EXPECT_EQ(TimeScore((15 * 60 + 6 * 3600) / 2.0), 2500);
  EXPECT_EQ(TimeScore(-(15 * 60 + 6 * 3600) / 2.0), 2500);
  EXPECT_EQ(TimeScore(6 * 3600), 0);
  EXPECT_EQ(TimeScore(-7 * 3600), 0);
}

TEST(ExerciseScoring, DefaultScaleIsATenthOfTheDiagonalAndAtLeast10km) {
  EXPECT_EQ(DefaultScaleKm({{16.64, 98.52}, {16.82, 98.53}}), 10);
  const double diagonal = Reference(10.6333, 98.52, 20.36115, 103.5) / 1000;
  EXPECT_NEAR(DefaultScaleKm({{16.64, 98.52}, {20.36115, 100.1}, {10.6333, 103.5}}), diagonal / 10,
              1e-6);
}

TEST(ExerciseScoring, CanonicalAnswersAndSeals) {
  EXPECT_EQ(CanonicalAnswer("  Kings \t Romans "), "kings romans");
  EXPECT_EQ(CanonicalAnswer("Hà Nội"), "ha noi");
  EXPECT_EQ(CanonicalAnswer("Hà Nội"), CanonicalAnswer("Ha\xCC\x80 No\xCC\xA3\xCC\x82i"));  // NFD
  EXPECT_EQ(CanonicalAnswer("\xEF\xBC\xAB\xEF\xBC\xAB Park"), "kk park");  // full-width KK
  EXPECT_EQ(CanonicalAnswer("\xEF\xAC\x81sh"), "fish");                    // the fi ligature
  EXPECT_NE(CanonicalAnswer("KK Park"), CanonicalAnswer("KKPark"));
  const std::string salt = "00112233445566778899aabbccddeeff";
  EXPECT_EQ(SealAnswer(salt, "KK Park"), SealAnswer(salt, "kk   PARK"));
  EXPECT_NE(SealAnswer(salt, "KK Park"), SealAnswer("ffeeddccbbaa99887766554433221100", "KK Park"));
  EXPECT_NE(SealAnswer(salt, "MM"), SealAnswer(salt, "TH"));
  EXPECT_EQ(SealAnswer(salt, "MM").size(), 64u);
}

TEST(ExerciseLeakScan, FindsNumbersWholeAndShortCoordinatesOnlyInPairs) {
  ExerciseAnswer a;
  a.at = {8.123456, 98.654321};
  a.taken_at_utc = 1742000000;  // 2025-03-15T00:53:20Z
  const auto patterns = LeakPatterns(a, std::string(64, 'a'), {"2025:03:15 07:23:20"}, "q1", 1);
  const auto scan = [&](const std::string& text) {
    test::TempDir dir;
    test::WriteText(dir / "f.html", text);
    return CheckNoLeak(dir.path(), patterns);
  };
  EXPECT_TRUE(scan("[98.1235, 18.1235] 108.1235").ok());   // "8.1235" only inside numbers
  EXPECT_TRUE(scan("a lone 8.1235 in the borders").ok());  // a 4-decimal latitude alone
  EXPECT_FALSE(scan("pin 8.1235 / 98.6543").ok());         // with its longitude
  EXPECT_FALSE(scan("8.12346").ok());                      // 5 decimals count alone
  EXPECT_FALSE(scan("taken 2025-03-15 00:53 UTC").ok());
  EXPECT_FALSE(scan("recorded 2025:03:15 07:23:20").ok());
  EXPECT_FALSE(scan("t=1742000000;").ok());
  EXPECT_FALSE(scan(std::string(64, 'A')).ok());
  std::string binary = "xx";
  const double lon = 98.654321;
  binary.append(reinterpret_cast<const char*>(&lon), sizeof lon);
  const auto hit = scan(binary);
  ASSERT_FALSE(hit.ok());
  EXPECT_NE(hit.error().message.find("the longitude (as a binary double) of q1"), std::string::npos)
      << hit.error().message;
}

// A folder as a trainer has it: photos straight from phones (GPS, capture times), one with
// a face, and the answers sheet.
struct Source {
  struct Photo {
    std::string name;
    double lat, lon;
    std::string exif_time, utc;
  };
  std::vector<Photo> photos = {
      {"IMG_0001.jpg", 16.647556, 98.520722, "2025:03:14 16:20:00", "2025-03-14T09:50:00Z"},
      {"IMG_0002.jpg", 20.36115, 100.099807, "2025:02:02 19:15:10", "2025-02-02T12:15:10Z"},
      {"IMG_0003.jpg", 10.6333, 103.5, "2025:03:12 09:00:00", ""},
  };
  void Write(const fs::path& dir) const {
    fs::create_directories(dir);
    for (std::size_t i = 0; i < photos.size(); ++i) {
      test::SynthExif exif;
      exif.make = "Apple", exif.model = "iPhone 12";
      exif.lat = photos[i].lat, exif.lon = photos[i].lon;
      exif.datetime_original = photos[i].exif_time;
      test::WritePhoto(dir / photos[i].name, test::MakeSceneJpeg(1024, 768, 90, 40 + int(i)), exif);
    }
    fs::copy_file(fs::path(GEOVERIFY_TEST_DATA) / "astronaut_256.jpg", dir / "visitor.jpg");
    test::WriteText(dir / "answers.csv",
                    "photo,lat,lon,radius_m,taken_at_utc,country,notes,site\n"
                    "IMG_0001.jpg,16.647556,98.520722,,2025-03-14T09:50:00Z,MM,\"KK Park, "
                    "Myawaddy\",KK Park\n"
                    "IMG_0002.jpg,20.36115,100.099807,300,2025-02-02T12:15:10Z,LA,,Kings "
                    "Romans|Golden Triangle SEZ\n"
                    "IMG_0003.jpg,10.6333,103.5,2000,,KH,Sihanoukville,\n"
                    "visitor.jpg,13.7563,100.5018,,,TH,a visitor photographed in Bangkok,\n");
  }
};

class ExercisePack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    Source().Write(source());
    test::WriteText(*dir_ / "hints.csv",
                    "photo,hint,cost\nIMG_0001.jpg,A river border,500\nIMG_0001.jpg,South of "
                    "Myawaddy,1500\n");
    made_ = new test::RunResult(Geoverify("exercise make --json " + Quote(source()) + " -o " +
                                          Quote(pack()) + " --key " + Quote(key()) + " --hints " +
                                          Quote(*dir_ / "hints.csv") + " --title 'Border week'"));
  }
  static void TearDownTestSuite() {
    delete made_;
    delete dir_;
  }
  static fs::path source() { return *dir_ / "source"; }
  static fs::path pack() { return *dir_ / "pack"; }
  static fs::path key() { return *dir_ / "key.json"; }
  static Json KeyJson() { return Json::parse(test::ReadAllText(key())); }
  static Json PackJson() { return Json::parse(test::ReadAllText(pack() / "pack.json")); }

  // An answers.json for this pack: every question answered at the truth moved by (dlat, dlon).
  static Json Answers(const std::string& trainee, double dlat, double dlon) {
    const Json k = KeyJson();
    Json out = {{"pack_id", k["pack_id"]}, {"trainee", trainee}, {"answers", Json::array()}};
    for (const auto& q : k["questions"])
      out["answers"].push_back({{"question", q["id"]},
                                {"lat", q["answer"]["lat"].get<double>() + dlat},
                                {"lon", q["answer"]["lon"].get<double>() + dlon},
                                {"seconds", 60}});
    return out;
  }

  static test::TempDir* dir_;
  static test::RunResult* made_;
};
test::TempDir* ExercisePack::dir_ = nullptr;
test::RunResult* ExercisePack::made_ = nullptr;

TEST_F(ExercisePack, MakesAPackOfRedactedCopiesWithTheKeyApart) {
  ASSERT_EQ(made_->exit_code, 0) << made_->out;
  const Json summary = Json::parse(made_->out);
  EXPECT_EQ(summary["questions"].size(), 4u);
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(pack())) files.insert(e.path().filename().string());
  EXPECT_EQ(files, (std::set<std::string>{"index.html", "pack.json", "q01.jpg", "q02.jpg",
                                          "q03.jpg", "q04.jpg"}));
  const Json p = PackJson(), k = KeyJson();
  EXPECT_EQ(p["pack_id"], k["pack_id"]);
  EXPECT_EQ(p["pack_id"].get<std::string>().size(), 32u);
  EXPECT_EQ(p["title"], "Border week");
  EXPECT_EQ(p["full_marks_m"], 50.0);
  ASSERT_EQ(p["questions"].size(), 4u);
  EXPECT_EQ(p["questions"][0]["asks"], Json({"where", "when", "country", "site"}));
  EXPECT_EQ(p["questions"][2]["asks"], Json({"where", "country"}));
  EXPECT_EQ(p["questions"][0]["hints"].size(), 2u);
  EXPECT_EQ(p["questions"][0]["hints"][1]["cost"], 1500);
  // The seals are the key's answers under the key's salts, and nothing else is in the pack.
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& pq = p["questions"][i];
    const auto& kq = k["questions"][i];
    EXPECT_EQ(pq["sealed"]["country"],
              SealAnswer(kq["salt"], kq["answer"]["country"].get<std::string>()));
    EXPECT_EQ(std::set<std::string>({"id", "photo", "asks", "hints", "sealed"}), [&] {
      std::set<std::string> keys;
      for (const auto& [name, v] : pq.items()) keys.insert(name);
      return keys;
    }());
  }
  EXPECT_EQ(p["questions"][1]["sealed"]["site"].size(), 2u);
  // The key: the truth, the originals' hashes, readable by its owner only.
  EXPECT_EQ(k["questions"][0]["answer"]["lat"], 16.647556);
  EXPECT_EQ(k["questions"][1]["answer"]["radius_m"], 300.0);
  EXPECT_EQ(k["questions"][0]["original_sha256"].get<std::string>().size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat(key().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  // The copies carry no metadata; the visitor's face is filled.
  for (int i = 1; i <= 4; ++i) {
    char name[24];
    std::snprintf(name, sizeof name, "q%02d.jpg", i);
    const auto bytes = test::ReadAll(pack() / name);
    auto present = MetadataPresent(bytes);
    ASSERT_TRUE(present.ok());
    EXPECT_TRUE(present->empty()) << name << ": " << (*present)[0];
  }
  const auto& visitor = k["questions"][3]["redaction"]["regions"];
  ASSERT_FALSE(visitor.empty());
  EXPECT_EQ(visitor[0]["source"], "face");
  // The key logs the copies as redaction.json does: each copy checks against its original.
  const auto verified = Geoverify("redact --verify " + Quote(source() / "visitor.jpg") + " " +
                                  Quote(pack() / "q04.jpg") + " --log " + Quote(key()));
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
  EXPECT_NE(verified.out.find("1 region(s) filled, as logged"), std::string::npos) << verified.out;
  const auto swapped = Geoverify("redact --verify " + Quote(source() / "IMG_0001.jpg") + " " +
                                 Quote(pack() / "q04.jpg") + " --log " + Quote(key()));
  EXPECT_EQ(swapped.exit_code, 1) << swapped.out;
}

TEST_F(ExercisePack, NoPackFileHoldsCoordinatesTimesOrOriginalHashes) {
  ASSERT_EQ(made_->exit_code, 0);
  // An independent scan (not the command's own): every number of the answers as a trainer
  // or a program would write it, the capture times in UTC and as recorded, the hashes.
  std::vector<std::string> needles;
  char text[64];
  for (const auto& p : Source().photos) {
    for (const double v : {p.lat, p.lon})
      for (const char* f : {"%.4f", "%.5f", "%.6f"}) {
        std::snprintf(text, sizeof text, f, v);
        needles.push_back(text);
      }
    needles.push_back(p.exif_time.substr(0, 16));
    if (!p.utc.empty()) needles.push_back(p.utc.substr(0, 16));
  }
  const Json k = KeyJson();  // kept: a range over a temporary's member would dangle
  for (const auto& q : k["questions"]) needles.push_back(q["original_sha256"]);
  needles.push_back("13.7563");
  needles.push_back("100.5018");
  int scanned = 0;
  for (const auto& e : fs::recursive_directory_iterator(pack())) {
    const std::string bytes = test::ReadAllText(e.path());
    ++scanned;
    for (const auto& n : needles)
      EXPECT_EQ(bytes.find(n), std::string::npos) << e.path() << " holds " << n;
    EXPECT_EQ(bytes.find("IMG_000"), std::string::npos) << e.path() << " names an original";
  }
  EXPECT_EQ(scanned, 6);
  // The scan can fail: the key holds them.
  const std::string key_text = test::ReadAllText(key());
  EXPECT_NE(key_text.find("16.647556"), std::string::npos);
}

TEST_F(ExercisePack, RefusesToWriteAPackThatGivesAnAnswerAway) {
  test::TempDir dir;
  // A hint that quotes the capture time; a title that quotes the coordinates.
  test::WriteText(dir / "hints.csv", "IMG_0001.jpg,\"sent 2025-03-14 09:50 UTC\",100\n");
  const auto leak =
      Geoverify("exercise make " + Quote(source()) + " -o " + Quote(dir / "pack") + " --key " +
                    Quote(dir / "key.json") + " --faces off --hints " + Quote(dir / "hints.csv"),
                true);
  EXPECT_EQ(leak.exit_code, 2) << leak.out;
  EXPECT_NE(leak.out.find("the capture time of q1 (IMG_0001.jpg)"), std::string::npos) << leak.out;
  EXPECT_NE(leak.out.find("index.html"), std::string::npos) << leak.out;
  EXPECT_FALSE(fs::exists(dir / "pack"));
  EXPECT_FALSE(fs::exists(dir / "key.json"));
  const auto title =
      Geoverify("exercise make " + Quote(source()) + " -o " + Quote(dir / "pack") + " --key " +
                    Quote(dir / "key.json") + " --faces off --title 'Near 10.63330, 103.50000'",
                true);
  EXPECT_EQ(title.exit_code, 2);
  EXPECT_NE(title.out.find("the latitude of q3"), std::string::npos) << title.out;
  EXPECT_FALSE(fs::exists(dir / "pack"));
  // Nothing was left behind beside the pack either.
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_TRUE(e.path().filename() == "hints.csv") << e.path();
}

TEST_F(ExercisePack, ReportsBadAnswerRowsByFileAndLine) {
  test::TempDir dir;
  fs::create_directories(dir / "src");
  fs::copy_file(source() / "IMG_0001.jpg", dir / "src" / "a.jpg");
  test::WriteText(dir / "src" / "answers.csv", "photo,lat,lon\na.jpg,96.1,98.5\n");
  auto r = Geoverify("exercise make " + Quote(dir / "src") + " -o " + Quote(dir / "pack") +
                         " --key " + Quote(dir / "k.json") + " --faces off",
                     true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("answers.csv:2: lat and lon"), std::string::npos) << r.out;
  test::WriteText(dir / "src" / "answers.csv", "photo,lat,lon,country\na.jpg,16.1,98.5,Burma\n");
  r = Geoverify("exercise make " + Quote(dir / "src") + " -o " + Quote(dir / "pack") + " --key " +
                    Quote(dir / "k.json") + " --faces off",
                true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("answers.csv:2: country must be an ISO 3166-1 alpha-2"), std::string::npos)
      << r.out;
  // --from-gps: the photo's own position, and its time.
  fs::remove(dir / "src" / "answers.csv");
  r = Geoverify("exercise make --json " + Quote(dir / "src") + " -o " + Quote(dir / "pack") +
                    " --key " + Quote(dir / "k.json") + " --faces off",
                true);
  EXPECT_EQ(r.exit_code, 2) << r.out;  // no answer at all: no pack
  r = Geoverify("exercise make --from-gps " + Quote(dir / "src") + " -o " + Quote(dir / "pack") +
                " --key " + Quote(dir / "k.json") + " --faces off");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Json k = Json::parse(test::ReadAllText(dir / "k.json"));
  EXPECT_NEAR(k["questions"][0]["answer"]["lat"].get<double>(), 16.647556, 1e-6);
  EXPECT_EQ(k["questions"][0]["answer"]["source"], "gps");
}

TEST_F(ExercisePack, GradesWithTheFormulaAndChecksEveryAnswerFile) {
  ASSERT_EQ(made_->exit_code, 0);
  test::TempDir dir;
  Json near = Answers("Ana", 0.01, 0);
  near["answers"][0]["time_utc"] = "2025-03-14T10:50:00Z";  // an hour late
  near["answers"][0]["country"] = "Myanmar";                // a name is fine
  near["answers"][0]["site"] = "kk park";
  near["answers"][0]["hints_used"] = 1;
  near["answers"][1]["site"] = "Golden Triangle SEZ";
  test::WriteText(dir / "ana.json", near.dump());
  test::WriteText(dir / "bo.json", Answers("Bo", 0.2, 0.2).dump());
  Json other = Answers("Cy", 0, 0);
  other["pack_id"] = "0123456789abcdef0123456789abcdef";
  test::WriteText(dir / "other-pack.json", other.dump());
  test::WriteText(dir / "broken.json", "{\"pack_id\": ");
  Json far = Answers("Di", 0, 0);
  far["answers"][1]["lat"] = 95.0;
  test::WriteText(dir / "out-of-range.json", far.dump());
  test::WriteText(dir / "ed-1.json", Answers("Ed", 0, 0).dump());
  test::WriteText(dir / "ed-2.json", Answers("ED ", 0.1, 0).dump());
  const auto r = Geoverify("exercise grade --json " + Quote(pack()) + " --key " + Quote(key()) +
                           " " + Quote(dir / "ana.json") + " " + Quote(dir / "bo.json") + " " +
                           Quote(dir / "other-pack.json") + " " + Quote(dir / "broken.json") + " " +
                           Quote(dir / "out-of-range.json") + " " + Quote(dir / "ed-1.json") + " " +
                           Quote(dir / "ed-2.json") + " -o " + Quote(dir / "grades"));
  EXPECT_EQ(r.exit_code, 1);
  const Json g = Json::parse(r.out);
  ASSERT_EQ(g["trainees"].size(), 2u);
  std::map<std::string, std::string> errors;
  for (const auto& e : g["errors"])
    errors[fs::path(e["file"].get<std::string>()).filename().string()] = e["error"];
  EXPECT_EQ(errors.size(), 5u);
  EXPECT_NE(errors["other-pack.json"].find("another pack"), std::string::npos);
  EXPECT_NE(errors["broken.json"].find("not valid JSON"), std::string::npos);
  EXPECT_NE(errors["out-of-range.json"].find("out of range"), std::string::npos);
  EXPECT_NE(errors["ed-1.json"].find("also answers in"), std::string::npos);
  EXPECT_NE(errors["ed-2.json"].find("also answers in"), std::string::npos);

  // The same on stderr, each file by name, without --json.
  const auto text = Geoverify("exercise grade " + Quote(pack()) + " --key " + Quote(key()) + " " +
                                  Quote(dir / "ana.json") + " " + Quote(dir / "broken.json") + " " +
                                  Quote(dir / "out-of-range.json") + " -o " + Quote(dir / "g2"),
                              true);
  EXPECT_EQ(text.exit_code, 1);
  for (const char* file :
       {"broken.json: not valid JSON", "out-of-range.json: q2: coordinates out of range"})
    EXPECT_NE(text.out.find(file), std::string::npos) << text.out;

  const Json k = KeyJson();
  const double S = PackJson()["scale_km"].get<double>() * 1000;
  const auto& ana = g["trainees"][0];
  EXPECT_EQ(ana["trainee"], "Ana");
  EXPECT_EQ(ana["rank"], 1);
  int total = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& q = ana["questions"][i];
    const auto& truth = k["questions"][i]["answer"];
    const double d = Reference(truth["lat"].get<double>() + 0.01, truth["lon"].get<double>(),
                               truth["lat"].get<double>(), truth["lon"].get<double>());
    EXPECT_NEAR(q["distance_m"].get<double>(), d, 1.0);
    const double R = truth["radius_m"].is_number() ? truth["radius_m"].get<double>() : 50.0;
    EXPECT_EQ(q["where"], d <= R ? 5000 : std::lround(5000 * std::exp(-d / S))) << i;
    total += q["score"].get<int>();
  }
  const auto& q1 = ana["questions"][0];
  EXPECT_EQ(q1["when"], TimeScore(3600));
  EXPECT_EQ(q1["country"], 1000);
  EXPECT_EQ(q1["site"], 1000);
  EXPECT_EQ(q1["hints_cost"], 500);
  EXPECT_EQ(q1["score"], q1["where"].get<int>() + TimeScore(3600) + 2000 - 500);
  EXPECT_EQ(ana["questions"][1]["site"], 1000);  // the second accepted name
  EXPECT_EQ(ana["questions"][2]["country"], 0);  // not answered
  EXPECT_EQ(ana["total"], total);
  EXPECT_EQ(g["trainees"][1]["trainee"], "Bo");
  EXPECT_LT(g["trainees"][1]["total"].get<int>(), total);
  // The outputs: the leaderboard as CSV and HTML, a page per trainee.
  const std::string csv = test::ReadAllText(dir / "grades" / "leaderboard.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "rank,trainee,total,q1,q2,q3,q4,seconds");
  EXPECT_NE(csv.find("1,\"Ana\"," + std::to_string(total) + ","), std::string::npos) << csv;
  EXPECT_NE(test::ReadAllText(dir / "grades" / "leaderboard.html").find("out-of-range.json"),
            std::string::npos);
  const std::string page = test::ReadAllText(dir / "grades" / "trainees" / "Ana.html");
  EXPECT_NE(page.find("<svg class=map"), std::string::npos);
  EXPECT_NE(page.find("KK Park, Myawaddy"), std::string::npos);  // the model answer's notes
}

TEST_F(ExercisePack, RefusesAKeyOfAnotherPackOrAnEditedOne) {
  ASSERT_EQ(made_->exit_code, 0);
  test::TempDir dir;
  test::WriteText(dir / "a.json", Answers("Ana", 0, 0).dump());
  Json k = KeyJson();
  k["pack_id"] = "0123456789abcdef0123456789abcdef";
  test::WriteText(dir / "other.json", k.dump());
  auto r = Geoverify("exercise grade " + Quote(pack()) + " --key " + Quote(dir / "other.json") +
                         " " + Quote(dir / "a.json") + " -o " + Quote(dir / "g"),
                     true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("the key of pack"), std::string::npos) << r.out;
  k = KeyJson();
  k["questions"][0]["answer"]["country"] = "TH";  // moved after the pack went out
  test::WriteText(dir / "edited.json", k.dump());
  r = Geoverify("exercise grade " + Quote(pack()) + " --key " + Quote(dir / "edited.json") + " " +
                    Quote(dir / "a.json") + " -o " + Quote(dir / "g"),
                true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("does not match its seal"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "g"));
}

// The whole round: the trainee's page in Chromium (a name typed, a pin placed by typing
// coordinates and then moved by a click on the map, the time typed, the country chosen with
// the keyboard, a hint opened, the next question pinned by a click), the answers exported as
// a download, graded with another trainee's file, ranked.
TEST_F(ExercisePack, RoundTripThroughTheTraineePageInChromium) {
  ASSERT_EQ(made_->exit_code, 0);
  ASSERT_EQ(test::RunCommand("command -v chromium").exit_code, 0)
      << "chromium is missing (scripts/deps installs it)";
  test::TempDir dir;
  fs::create_directories(dir / "downloads");
  Json exported;
  std::vector<Json> events;
  const double lat = 16.6480, lon = 98.5070;  // typed: 1.45 km west of the truth
  {
    test::Browser browser(dir.path());
    browser.Call("Browser.setDownloadBehavior",
                 {{"behavior", "allow"}, {"downloadPath", (dir / "downloads").string()}});
    const std::string page = browser.Open("file://" + (pack() / "index.html").string());
    ASSERT_TRUE(browser.WaitFor(page, "document.body && document.body.dataset.ready === '1'"));
    EXPECT_EQ(browser.Eval(page, "document.getElementById('photo').naturalWidth > 0"), true);
    browser.Type(page, "trainee", "Test Trainee");
    browser.Type(page, "coords", std::to_string(lat) + ", " + std::to_string(lon));
    browser.Key(page, "Enter", 13);
    EXPECT_EQ(browser.Eval(page, "document.getElementById('pin').textContent"),
              "16.648000, 98.507000");
    // The map now shows the pin in its middle at zoom 12; a click 40 px to the east moves it
    // by 40 px of longitude: 40 x 360 / (256 x 2^12) degrees, which is near the truth.
    ASSERT_EQ(browser.Eval(page, "document.querySelector('.leaflet-container') !== null"), true);
    browser.ClickElement(page, "map", 40, 0);
    browser.Type(page, "time", "2025-03-14T09:40");
    browser.Key(page, "Tab", 9);
    browser.Eval(page, "document.getElementById('country').focus()");
    browser.TypeKeys(page, "Myanmar");
    browser.Key(page, "Tab", 9);
    browser.ClickElement(page, "hint-next");
    browser.ClickElement(page, "next");
    EXPECT_EQ(browser.Eval(page, "document.getElementById('qtitle').textContent.indexOf('q2') > 0"),
              true);
    browser.ClickElement(page, "map", -60, 30);  // wherever the trainee guesses
    browser.ClickElement(page, "export");
    ASSERT_TRUE(browser.WaitFor(page, "document.body.dataset.exported === '2'"));
    const auto file = dir / "downloads" / "answers-Test_Trainee.json";
    for (int i = 0; i < 100 && !fs::exists(file); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(fs::exists(file));
    exported = Json::parse(test::ReadAllText(file));
    // The answers stay in the browser: the page opened again shows the first pin.
    browser.Call("Page.reload", Json::object(), page);
    ASSERT_TRUE(browser.WaitFor(page, "document.body && document.body.dataset.ready === '1'"));
    EXPECT_EQ(browser.Eval(page, "document.getElementById('pin').textContent"),
              std::to_string(exported["answers"][0]["lat"].get<double>()) + ", " +
                  std::to_string(exported["answers"][0]["lon"].get<double>()));
    EXPECT_EQ(browser.Eval(page, "document.getElementById('trainee').value"), "Test Trainee");
    events = browser.events;
  }
  int page_requests = 0;
  for (const auto& e : events) {
    const std::string method = e.value("method", "");
    if (method == "Network.requestWillBeSent" &&
        e["params"]["request"].value("url", "").ends_with("/index.html"))
      ++page_requests;  // the listener works: it sees the page itself
    EXPECT_NE(method, "Runtime.exceptionThrown") << e.dump();
    if (method == "Log.entryAdded") {
      EXPECT_NE(e["params"]["entry"].value("level", ""), "error") << e.dump();
    }
    if (method == "Network.requestWillBeSent") {
      const std::string url = e["params"]["request"].value("url", "");
      EXPECT_TRUE(url.starts_with("file:") || url.starts_with("data:") || url.starts_with("blob:"))
          << url;
    }
  }
  EXPECT_EQ(page_requests, 2);  // loaded, then reloaded
  ASSERT_EQ(exported["pack_id"], PackJson()["pack_id"]);
  EXPECT_EQ(exported["trainee"], "Test Trainee");
  ASSERT_EQ(exported["answers"].size(), 2u);
  const auto& a1 = exported["answers"][0];
  EXPECT_EQ(a1["question"], "q1");
  EXPECT_NEAR(a1["lat"].get<double>(), lat, 0.0004);
  EXPECT_NEAR(a1["lon"].get<double>(), lon + 40 * 360.0 / (256 * 4096), 0.0004);
  EXPECT_EQ(a1["time_utc"], "2025-03-14T09:40:00Z");
  EXPECT_EQ(a1["country"], "MM");
  EXPECT_EQ(a1["hints_used"], 1);
  EXPECT_GE(a1["seconds"].get<int>(), 0);
  EXPECT_EQ(exported["answers"][1]["question"], "q2");

  test::WriteText(dir / "exported.json", exported.dump());
  test::WriteText(dir / "bo.json", Answers("Bo", 0.3, 0.3).dump());
  const auto r = Geoverify("exercise grade --json " + Quote(pack()) + " --key " + Quote(key()) +
                           " " + Quote(dir / "exported.json") + " " + Quote(dir / "bo.json") +
                           " -o " + Quote(dir / "grades"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Json g = Json::parse(r.out);
  ASSERT_EQ(g["trainees"].size(), 2u);
  const Json* mine = nullptr;
  for (const auto& t : g["trainees"])
    if (t["trainee"] == "Test Trainee") mine = &t;
  ASSERT_NE(mine, nullptr);
  const auto& q1 = (*mine)["questions"][0];
  const double d =
      Reference(a1["lat"].get<double>(), a1["lon"].get<double>(), 16.647556, 98.520722);
  EXPECT_NEAR(q1["distance_m"].get<double>(), d, 1.0);
  EXPECT_LT(d, 200);
  EXPECT_EQ(q1["when"], TimeScore(600));
  EXPECT_EQ(q1["country"], 1000);
  EXPECT_EQ(q1["hints_cost"], 500);
  EXPECT_TRUE(fs::exists(dir / "grades" / "trainees" / "Test_Trainee.html"));
  const std::string csv = test::ReadAllText(dir / "grades" / "leaderboard.csv");
  EXPECT_NE(csv.find("\"Test Trainee\""), std::string::npos) << csv;
}

}  // namespace
}  // namespace gv
