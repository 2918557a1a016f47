// A case of 40 photos (and a video) run on a real one-node Slurm cluster in 4 shards through
// the shipped job scripts (scripts/slurm), merged, equals a single run. The cluster is
// started by scripts/test-cluster, which sets SLURM_CONF; without it (plain ctest) the Slurm
// test is skipped and the shipped Kubernetes manifest is still checked.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

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

// The sample case (9 photos, a video, references, a basemap) and 31 more photos, some
// near-copies of one another (same-scene links across shards), with GPS and times.
void WriteFortyPhotoCase(const fs::path& dir) {
  test::WriteSampleCase(dir, test::kLandsatCrop);
  fs::create_directories(dir / "dump");
  for (int i = 0; i < 31; ++i) {
    test::SynthExif e;
    e.make = "Xiaomi";
    e.model = "Redmi Note 12";
    e.datetime_original =
        "2025:03:" + std::to_string(10 + i % 9) + " 1" + std::to_string(i % 8) + ":20:00";
    e.offset_time_original = "+07:00";
    if (i % 3 != 0) {
      e.lat = 11.55 + 0.01 * (i % 5);
      e.lon = 104.92 + 0.01 * (i % 4);
    }
    // Pairs of photos of one scene: the same seed at another size and quality.
    const int seed = 100 + i / 2;
    test::WritePhoto(
        dir / "dump" / ("IMG_" + std::to_string(2000 + i) + ".jpg"),
        test::MakeSceneJpeg(i % 2 ? 640 : 560, i % 2 ? 480 : 420, 80 + i % 3 * 5, seed), e);
  }
}

TEST(Cluster, SlurmArrayOfFourShardsThenMergeEqualsASingleRun) {
  const char* conf = std::getenv("SLURM_CONF");
  if (conf == nullptr) GTEST_SKIP() << "no Slurm cluster: run scripts/test-cluster";
  test::TempDir dir;
  const fs::path case_dir = dir / "case";
  WriteFortyPhotoCase(case_dir);
  // What the cluster adds is the orchestration (the array job, the shards' slices, the merge
  // job); the photo steps' own shard and merge equality is shard_test's. So the costliest photo
  // steps are skipped here, on both sides; the options reach every shard through submit-case.
  const std::string skip = " --skip text,georef,forensics";
  const auto single =
      Geoverify("run --json " + Quote(case_dir) + " -o " + Quote(dir / "single") + skip);
  const auto summary = nlohmann::json::parse(single.out);
  ASSERT_EQ(summary["photos"].get<int>(), 40 + 2);  // and the video's 2 keyframes
  const fs::path scripts = fs::path(GEOVERIFY_SOURCE_DIR) / "scripts" / "slurm";
  const auto submitted = test::RunCommand(
      "GEOVERIFY=" + Quote(GEOVERIFY_BINARY) + " " + Quote(scripts / "submit-case") + " --wait " +
          Quote(case_dir) + " " + Quote(dir / "cluster") + " 4" + skip,
      true);
  // The merge's exit code, as the single run's: 1, for the sample's truncated photo.
  EXPECT_EQ(submitted.exit_code, single.exit_code) << submitted.out;
  for (int k = 0; k < 4; ++k)
    EXPECT_TRUE(fs::exists(dir / "cluster" / ("shard-" + std::to_string(k)) / "shard.cbor")) << k;
  ASSERT_TRUE(fs::exists(dir / "cluster" / "case" / "report.html"))
      << submitted.out << test::ReadAllText(dir / "cluster" / "logs" / "merge.log");
  test::ExpectSameCaseOutputs(dir / "single", dir / "cluster" / "case");
}

TEST(Cluster, TheKubernetesJobRunsEveryShardOnce) {
  const auto doc = YAML::LoadFile(
      (fs::path(GEOVERIFY_SOURCE_DIR) / "scripts" / "k8s" / "run-case-job.yaml").string());
  const auto spec = doc["spec"];
  EXPECT_EQ(doc["kind"].as<std::string>(), "Job");
  EXPECT_EQ(spec["completionMode"].as<std::string>(), "Indexed");
  const int completions = spec["completions"].as<int>();
  EXPECT_GE(completions, 2);
  EXPECT_LE(spec["parallelism"].as<int>(), completions);
  // The shard count in the command is the number of completions.
  std::string command;
  for (const auto& part : spec["template"]["spec"]["containers"][0]["args"])
    command += part.as<std::string>() + " ";
  EXPECT_NE(command.find("--shard \"$JOB_COMPLETION_INDEX/" + std::to_string(completions) + "\""),
            std::string::npos)
      << command;
  EXPECT_EQ(spec["template"]["spec"]["restartPolicy"].as<std::string>(), "Never");
}

}  // namespace
}  // namespace gv
