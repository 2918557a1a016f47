// Sharded runs: `run --shard K/N` on each slice, then `merge`, equal a single run of the same
// case (the generated sample case: photos, a video, references, a basemap, case.yaml), and a
// merge refuses shards that do not make one run.
#include "case/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "case/case.h"
#include "support/compare_outputs.h"
#include "support/landsat_scene.h"
#include "support/run_binary.h"
#include "support/sample_case.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

using test::Geoverify;
using test::Quote;
namespace fs = std::filesystem;

// Runs `case_dir` whole (to dir/single), in three shards (dir/shardK, stderr kept for the
// failure messages) and merges them (dir/merged).
void RunWholeShardedAndMerged(const fs::path& case_dir, const fs::path& dir,
                              test::RunResult& single, std::map<int, test::RunResult>& shards,
                              test::RunResult& merge, const std::string& args = "") {
  single = Geoverify("run --json " + args + Quote(case_dir) + " -o " + Quote(dir / "single"));
  std::string outs;
  for (int k = 0; k < 3; ++k) {
    const auto out = dir / ("shard" + std::to_string(k));
    shards[k] = Geoverify("run --json " + args + Quote(case_dir) + " -o " + Quote(out) +
                              " --shard " + std::to_string(k) + "/3",
                          true);
    outs += " " + Quote(out);
  }
  merge = Geoverify("merge --json" + outs + " -o " + Quote(dir / "merged"), true);
}

// The JSON object a command printed, without the stderr lines around it.
nlohmann::json PrintedJson(const test::RunResult& r) {
  const std::size_t from = r.out.find('{'), to = r.out.rfind('}');
  if (from == std::string::npos || to == std::string::npos || to < from) return nullptr;
  return nlohmann::json::parse(r.out.substr(from, to - from + 1), nullptr, false);
}

// A case run whole, in three shards and merged once for a suite; `Case::Write(dir)` writes
// the case.
template <class Case>
class ShardedCase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    fs::create_directories(case_dir());
    Case::Write(case_dir());
    single_ = new test::RunResult;
    merge_ = new test::RunResult;
    RunWholeShardedAndMerged(case_dir(), dir_->path(), *single_, shard_runs_, *merge_,
                             Case::Args());
  }
  // The run's options before the case (a derived case may give its own).
  static std::string Args() { return ""; }
  static void TearDownTestSuite() {
    delete merge_;
    delete single_;
    delete dir_;
    shard_runs_.clear();
  }
  static fs::path case_dir() { return *dir_ / "case"; }
  static fs::path single() { return *dir_ / "single"; }
  static fs::path merged() { return *dir_ / "merged"; }
  static fs::path shard(int k) { return *dir_ / ("shard" + std::to_string(k)); }
  static inline test::TempDir* dir_ = nullptr;
  static inline test::RunResult *single_ = nullptr, *merge_ = nullptr;
  static inline std::map<int, test::RunResult> shard_runs_;
};

class ShardedRun : public ShardedCase<ShardedRun> {
 public:
  static void Write(const fs::path& dir) { test::WriteSampleCase(dir, test::kLandsatCrop); }
};

TEST_F(ShardedRun, EachShardTakesItsSliceOfTheCase) {
  std::size_t photos = 0, files = 0;
  for (const auto& [k, run] : shard_runs_) {
    const auto j = PrintedJson(run);
    EXPECT_EQ(j["shard"], k);
    EXPECT_EQ(j["shards"], 3);
    photos += j["photos"].get<std::size_t>();
    files += j["files"].get<std::size_t>();
    EXPECT_TRUE(fs::exists(shard(k) / "shard.cbor"));
    EXPECT_FALSE(fs::exists(shard(k) / "report.html"));  // the merge writes it
  }
  const auto single = nlohmann::json::parse(single_->out);
  EXPECT_EQ(photos, single["photos"].get<std::size_t>());  // keyframes with their video
  // Files case.yaml names (itself, the reference collection, the basemap) are in every slice.
  EXPECT_EQ(files, single["files"].get<std::size_t>() + 2 * 3);
}

TEST_F(ShardedRun, MergedOutputsEqualASingleRun) {
  ASSERT_EQ(merge_->exit_code, single_->exit_code) << merge_->out;
  const auto a = nlohmann::json::parse(single_->out);
  const auto b = PrintedJson(*merge_);
  for (const char* key : {"files", "photos", "videos", "failed", "clues", "findings",
                          "place_groups", "steps_run", "errors"})
    EXPECT_EQ(a[key], b[key]) << key;
  EXPECT_GT(test::GeoPackageRows(single() / "case.gpkg").size(), 20u);
  test::ExpectSameCaseOutputs(single(), merged());
}

// The same on a small case (six photos of 320-640 px, two of one scene, GPS and times, a
// note): cheap enough for the sanitizer build, which leaves the sample case's sharded run
// out (tests/CMakeLists.txt: shard_sample_case_test, label "heavy").
class SmallShardedRun : public ShardedCase<SmallShardedRun> {
 public:
  static void Write(const fs::path& dir) {
    for (int i = 0; i < 6; ++i) {
      test::SynthExif e;
      e.make = "Xiaomi";
      e.model = "Redmi Note 12";
      e.datetime_original = "2025:03:1" + std::to_string(i) + " 10:20:00";
      e.offset_time_original = "+07:00";
      if (i % 3 != 0) e.lat = 11.55 + 0.01 * i, e.lon = 104.92;
      // Photos 0 and 1: one scene at two sizes (a same-scene link across slices, or not).
      const int seed = i < 2 ? 7 : 10 + i;
      test::WritePhoto(dir / ("IMG_" + std::to_string(3000 + i) + ".jpg"),
                       test::MakeSceneJpeg(i == 1 ? 480 : 640, i == 1 ? 360 : 480, 85, seed), e);
    }
    test::WriteText(dir / "note.txt", "sent by the family on 12 March");
  }
};

TEST_F(SmallShardedRun, MergedOutputsEqualASingleRun) {
  ASSERT_EQ(single_->exit_code, 0) << single_->out;
  for (const auto& [k, run] : shard_runs_) ASSERT_EQ(run.exit_code, 0) << k << ": " << run.out;
  ASSERT_EQ(merge_->exit_code, 0) << merge_->out;
  const auto a = nlohmann::json::parse(single_->out);
  const auto b = PrintedJson(*merge_);
  EXPECT_EQ(a["photos"], 6);
  for (const char* key :
       {"files", "photos", "failed", "clues", "findings", "place_groups", "steps_run", "errors"})
    EXPECT_EQ(a[key], b[key]) << key;
  test::ExpectSameCaseOutputs(single(), merged());
}

// Two photos of one wall from far apart, and another wall, in three slices with the
// matching cascade on: the merge links the first two through their affine views (carried in
// the shards) as a single run does.
class ObliqueWallShardedRun : public ShardedCase<ObliqueWallShardedRun> {
 public:
  static std::string Args() { return "--cascade auto "; }
  static void Write(const fs::path& dir) {
    const test::WallPhotos wall = test::WallSeenFromFarApart();
    cv::imwrite((dir / "front.jpg").string(), wall.front);
    cv::imwrite((dir / "oblique.jpg").string(), wall.oblique);
    cv::imwrite((dir / "other.jpg").string(), wall.other);
  }
};

TEST_F(ObliqueWallShardedRun, TheMergeLinksThroughAffineViewsAsASingleRunDoes) {
  ASSERT_EQ(single_->exit_code, 0) << single_->out;
  for (const auto& [k, run] : shard_runs_) ASSERT_EQ(run.exit_code, 0) << k << ": " << run.out;
  ASSERT_EQ(merge_->exit_code, 0) << merge_->out;
  const auto a = nlohmann::json::parse(single_->out);
  const auto b = PrintedJson(*merge_);
  EXPECT_EQ(a["photos"], 3);
  EXPECT_EQ(a["place_groups"], 2) << single_->out;
  for (const char* key : {"photos", "findings", "place_groups", "errors"})
    EXPECT_EQ(a[key], b[key]) << key;
  test::ExpectSameCaseOutputs(single(), merged());
}

TEST_F(SmallShardedRun, TheMergeRefusesShardsThatAreNotOneRun) {
  // A missing slice.
  auto r = Geoverify(
      "merge " + Quote(shard(0)) + " " + Quote(shard(2)) + " -o " + Quote(*dir_ / "m1"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("shards missing: 1"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(*dir_ / "m1" / "report.html"));
  // One slice twice.
  r = Geoverify("merge " + Quote(shard(0)) + " " + Quote(shard(1)) + " " + Quote(shard(1)) +
                    " -o " + Quote(*dir_ / "m2"),
                true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("given twice"), std::string::npos) << r.out;
  // A slice of a run with other options.
  const auto other = *dir_ / "other1";
  ASSERT_LE(Geoverify("run " + Quote(case_dir()) + " -o " + Quote(other) +
                      " --shard 1/3 --skip text,forensics,shadow,locate,georef")
                .exit_code,
            1);
  r = Geoverify("merge " + Quote(shard(0)) + " " + Quote(other) + " " + Quote(shard(2)) + " -o " +
                    Quote(*dir_ / "m3"),
                true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("not a shard of the same run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--skip=text"), std::string::npos) << r.out;
  // A slice run after a file was added to the case folder: the listing differs.
  test::WriteText(case_dir() / "late_note.txt", "added after the first shards ran");
  const auto late = *dir_ / "late1";
  ASSERT_LE(Geoverify("run " + Quote(case_dir()) + " -o " + Quote(late) +
                      " --shard 1/3 --skip text,forensics,shadow,locate,georef")
                .exit_code,
            1);
  fs::remove(case_dir() / "late_note.txt");
  r = Geoverify("merge " + Quote(shard(0)) + " " + Quote(late) + " " + Quote(shard(2)) + " -o " +
                    Quote(*dir_ / "m6"),
                true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("saw different files in the case folder"), std::string::npos) << r.out;
  // A damaged shard file: named, and nothing written.
  const auto damaged = *dir_ / "damaged";
  fs::create_directories(damaged);
  const auto bytes = test::ReadAll(shard(1) / "shard.cbor");
  test::WriteBytes(damaged / "shard.cbor", {bytes.begin(), bytes.begin() + bytes.size() / 2});
  r = Geoverify("merge " + Quote(shard(0)) + " " + Quote(damaged) + " " + Quote(shard(2)) + " -o " +
                    Quote(*dir_ / "m4"),
                true);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find((damaged / "shard.cbor").string() + ": damaged shard file"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(*dir_ / "m4" / "report.html"));
  // Not a shard file at all.
  test::WriteText(damaged / "shard.cbor", "{\"format\": \"something else\"}");
  r = Geoverify("merge " + Quote(damaged) + " -o " + Quote(*dir_ / "m5"), true);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("shard.cbor"), std::string::npos) << r.out;
}

TEST(CaseSlice, RunRefusesABadShardAndShareInAShard) {
  test::TempDir dir;
  const auto samples = fs::path(GEOVERIFY_SOURCE_DIR) / "samples" / "case-kk-park";
  for (const char* bad : {"2/2", "1", "-1/3", "0/0"}) {
    const auto r = Geoverify(
        "run " + Quote(samples) + " -o " + Quote(dir / "out") + " --shard " + Quote(bad), true);
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.out;
    EXPECT_NE(r.out.find("--shard wants K/N"), std::string::npos) << r.out;
  }
  const auto r = Geoverify("run " + Quote(samples) + " -o " + Quote(dir / "out") +
                               " --shard 0/2 --share " + Quote(dir / "share"),
                           true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--share goes to `geoverify merge`"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "out"));  // refused before any work
}

TEST(CaseSlice, RunNamesTheCaseByItsAbsolutePathWhenGivenARelativeOne) {
  // A shard's merge may run in another folder, and outputs are read elsewhere: the case
  // folder is named by its absolute path, whatever the command line said.
  test::TempDir dir;
  fs::create_directories(dir / "case");
  test::WritePhoto(dir / "case" / "a.jpg", test::MakeSceneJpeg(320, 240, 85, 3), {});
  const auto r = test::RunCommand("cd " + Quote(dir.path()) + " && " + GEOVERIFY_BINARY +
                                  " run case -o out --json --skip text,forensics,same_scene");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string absolute = (dir / "case").string();
  EXPECT_EQ(nlohmann::json::parse(r.out)["case_dir"], absolute);
  EXPECT_NE(test::ReadAllText(dir / "out" / "report.html").find("<b>" + absolute + "</b>"),
            std::string::npos);
}

TEST(CaseSlice, ASliceWithoutPhotosStillWritesItsShardAndTheMergeTakesIt) {
  // One photo in three shards: two slices hold no photo (only what every slice holds).
  test::TempDir dir;
  fs::create_directories(dir / "case");
  test::WritePhoto(dir / "case" / "a.jpg", test::MakeSceneJpeg(320, 240, 85, 4), {});
  std::string shards;
  int empty = 0;
  for (int k = 0; k < 3; ++k) {
    const auto out = dir / ("s" + std::to_string(k));
    const auto r = Geoverify("run --json " + Quote(dir / "case") + " -o " + Quote(out) +
                                 " --skip text,forensics --shard " + std::to_string(k) + "/3",
                             true);
    ASSERT_EQ(r.exit_code, 0) << k << ": " << r.out;
    EXPECT_TRUE(fs::exists(out / "shard.cbor")) << k;
    empty += PrintedJson(r)["photos"] == 0;
    shards += " " + Quote(out);
  }
  EXPECT_EQ(empty, 2);
  const auto merged = Geoverify("merge --json" + shards + " -o " + Quote(dir / "m"), true);
  ASSERT_EQ(merged.exit_code, 0) << merged.out;
  EXPECT_EQ(PrintedJson(merged)["photos"], 1);
  EXPECT_TRUE(fs::exists(dir / "m" / "report.html"));
}

TEST(CaseSlice, ParsesKOfNAndPartitionsPaths) {
  EXPECT_TRUE(ParseCaseSlice("0/1").ok());
  auto s = ParseCaseSlice("3/4");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 3);
  EXPECT_EQ(s->count, 4);
  for (const char* bad : {"4/4", "-1/4", "1/0", "1", "a/b", "1/4x", "", "/4", "1/"})
    EXPECT_FALSE(ParseCaseSlice(bad).ok()) << bad;
  // Every path in exactly one of 4 slices, and none of them empty over 400 paths.
  std::map<int, int> sizes;
  for (int i = 0; i < 400; ++i) {
    const std::string path = "dump/DCIM/IMG_" + std::to_string(1000 + i) + ".JPG";
    int owners = 0;
    for (int k = 0; k < 4; ++k)
      if (CaseSlice{k, 4}.Takes(path)) ++owners, ++sizes[k];
    EXPECT_EQ(owners, 1) << path;
  }
  for (int k = 0; k < 4; ++k) EXPECT_GT(sizes[k], 60) << k;
}

TEST(CaseSlice, IntakeOfASliceTakesItsFilesAndWhatCaseYamlNames) {
  test::TempDir dir;
  for (int i = 0; i < 12; ++i)
    test::WritePhoto(dir / ("p" + std::to_string(i) + ".jpg"), test::MakeSceneJpeg(160, 120, 85, i),
                     {});
  test::WriteText(dir / "notes.txt", "seen on 12 March");
  test::WriteText(dir / "case.yaml", "title: sliced\n");
  std::map<std::string, int> owners;
  std::set<std::size_t> listing;
  for (int k = 0; k < 3; ++k) {
    const CaseSlice slice{k, 3};
    auto c = BuildCase(dir.path(), {}, {}, {}, &slice);
    ASSERT_TRUE(c.ok());
    for (const auto& e : c->evidence) {
      ++owners[e.path];
      if (e.kind != "case_file") listing.insert(e.listing_index);
    }
  }
  EXPECT_EQ(owners["case.yaml"], 3);
  owners.erase("case.yaml");
  EXPECT_EQ(owners.size(), 13u);  // 12 photos and the note, each in one slice
  for (const auto& [path, n] : owners) EXPECT_EQ(n, 1) << path;
  EXPECT_EQ(listing.size(), 13u);
}

}  // namespace
}  // namespace gv
