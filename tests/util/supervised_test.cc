// Supervised workers: crashes, hangs, CPU spins and memory hogs in the work function are
// each reported for their item, in order, and the rest of the batch goes on; through the
// binary, `inspect` with the test-only fault injection.
#include "util/supervised.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "support/run_binary.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "util/sha256.h"

namespace gv {
namespace {

using Clock = std::chrono::steady_clock;

TEST(SupervisedMap, EachFailureStaysWithItsItemAndTheBatchGoesOn) {
  SupervisorOptions o;
  o.workers = 2;
  o.deadline_s = 1.5;
  o.cpu_limit_s = 0;
  std::vector<std::pair<std::size_t, ItemResult>> got;
  const auto start = Clock::now();
  SupervisedMap(
      12,
      [](std::size_t i) -> std::string {
        if (i == 3) std::abort();
        if (i == 5) std::this_thread::sleep_for(std::chrono::seconds(60));
        if (i == 7) std::raise(SIGSEGV);
        if (i == 9) throw std::runtime_error("escaped");
        return std::string(i * 1000, 'a') + std::to_string(i);  // some large answers
      },
      o, [&](std::size_t i, ItemResult&& r) { got.emplace_back(i, std::move(r)); });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_EQ(got.size(), 12u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first, i);
    const ItemResult& r = got[i].second;
    if (i == 3 || i == 7 || i == 9) {
      EXPECT_EQ(r.failure, ItemFailure::kCrashed) << i;
    } else if (i == 5) {
      EXPECT_EQ(r.failure, ItemFailure::kTimeout);
      EXPECT_EQ(r.detail, "no answer in 1.5 s");
    } else {
      EXPECT_EQ(r.failure, ItemFailure::kNone) << i << ": " << r.detail;
      EXPECT_EQ(r.payload, std::string(i * 1000, 'a') + std::to_string(i));
    }
  }
  EXPECT_NE(got[3].second.detail.find("signal 6"), std::string::npos) << got[3].second.detail;
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer handles the segmentation fault itself: its report, then an abort or
  // its exit status, as its options say. A crash all the same (checked above).
#else
  EXPECT_NE(got[7].second.detail.find("signal 11"), std::string::npos) << got[7].second.detail;
#endif
  EXPECT_EQ(got[9].second.detail, "an exception escaped the parser");
  EXPECT_LT(seconds, 10) << "the hang held the batch";
}

TEST(SupervisedMap, CpuAndMemoryLimits) {
  SupervisorOptions o;
  o.workers = 1;
  o.deadline_s = 60;  // the CPU limit must act first
  o.cpu_limit_s = 1;
  o.memory_bytes = 2ull << 30;
  std::vector<ItemResult> got;
  const auto start = Clock::now();
  SupervisedMap(
      3,
      [](std::size_t i) -> std::string {
        if (i == 0) {
          std::atomic<std::uint64_t> spins{0};
          for (;;) spins.fetch_add(1, std::memory_order_relaxed);
        }
        if (i == 1) {
          // Address space without touching it: the memory limit acts at once, before the CPU
          // limit could (filling 2 GB costs about a second of CPU on a busy machine).
          std::vector<std::unique_ptr<char[]>> hog;
          for (;;) hog.push_back(std::make_unique_for_overwrite<char[]>(std::size_t{64} << 20));
        }
        return "fine";
      },
      o, [&](std::size_t, ItemResult&& r) { got.push_back(std::move(r)); });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].failure, ItemFailure::kTimeout);
  EXPECT_NE(got[0].detail.find("CPU-time limit"), std::string::npos) << got[0].detail;
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_EQ(got[1].failure, ItemFailure::kCrashed);
  EXPECT_EQ(got[1].detail, "ran out of its memory limit");
#endif
  EXPECT_EQ(got[2].payload, "fine");
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 30);
}

TEST(SupervisedMap, InspectWithFaultsMadeOnPurpose) {
  test::TempDir dir;
  test::WriteBytes(dir / "a.jpg", test::MakeSceneJpeg(320, 240, 90, 1));
  test::WriteText(dir / "b-hang.jpg", "GEOVERIFY-TEST-HANG");
  test::WriteText(dir / "c-crash.jpg", "GEOVERIFY-TEST-CRASH");
  test::WriteText(dir / "d-spin.jpg", "GEOVERIFY-TEST-SPIN");
  test::WriteBytes(dir / "e.jpg", test::MakeSceneJpeg(320, 240, 90, 2));
  const auto start = Clock::now();
  const auto r = test::RunCommand("GEOVERIFY_FAULT_INJECTION=1 " + std::string(GEOVERIFY_BINARY) +
                                  " inspect --json --deadline 2 " + test::Quote(dir.path()));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 5u);
  const auto code = [&](std::size_t i) {
    return j[i]["findings"].empty() ? std::string() : j[i]["findings"][0].value("code", "");
  };
  EXPECT_TRUE(j[0]["error"].is_null());
  EXPECT_EQ(code(1), "PARSER_TIMEOUT");
  EXPECT_EQ(code(2), "PARSER_CRASHED");
  EXPECT_EQ(code(3), "PARSER_TIMEOUT");
  EXPECT_TRUE(j[4]["error"].is_null());
  for (std::size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(j[i]["sha256"].get<std::string>().size(), 64u);  // hashed all the same
    EXPECT_NE(j[i]["file"].get<std::string>().find(i == 2   ? "c-crash"
                                                   : i == 1 ? "b-hang"
                                                            : "d-spin"),
              std::string::npos);
  }
  EXPECT_LT(seconds, 12) << "a file held the batch beyond its deadline";
  // Without the switch the markers are just files that are not images.
  const auto plain = test::RunCommand(std::string(GEOVERIFY_BINARY) + " inspect --json " +
                                      test::Quote(dir / "c-crash.jpg"));
  EXPECT_EQ(nlohmann::json::parse(plain.out)[0]["findings"].size(), 0u);
}

// `forensics` and `text` take each photo in a supervised worker too: a photo that crashes or
// hangs a decoder or an analysis gets its entry and the others theirs, as in one process.
TEST(SupervisedMap, ForensicsAndTextWithFaultsMadeOnPurpose) {
  test::TempDir dir;
  test::WriteBytes(dir / "a.jpg", test::MakeSceneJpeg(320, 240, 90, 1));
  test::WriteText(dir / "b-hang.jpg", "GEOVERIFY-TEST-HANG");
  test::WriteText(dir / "c-crash.jpg", "GEOVERIFY-TEST-CRASH");
  test::WriteBytes(dir / "d.jpg", test::MakeSceneJpeg(320, 240, 90, 2));
  for (const char* command : {"forensics", "text"}) {
    const auto r =
        test::RunCommand("GEOVERIFY_FAULT_INJECTION=1 " + std::string(GEOVERIFY_BINARY) + " " +
                         command + " --json --deadline 2 " + test::Quote(dir.path()));
    EXPECT_EQ(r.exit_code, 1) << command;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 4u) << command;
    EXPECT_TRUE(j[0]["error"].is_null()) << command << j[0]["error"];
    EXPECT_EQ(j[1]["findings"][0]["code"], "PARSER_TIMEOUT") << command;
    EXPECT_EQ(j[2]["findings"][0]["code"], "PARSER_CRASHED") << command;
    EXPECT_EQ(j[2]["sha256"].get<std::string>().size(), 64u) << command;
    EXPECT_TRUE(j[3]["error"].is_null()) << command;
    // The same photo read in one process gives the same entry.
    const auto alone = test::RunCommand(std::string(GEOVERIFY_BINARY) + " " + command +
                                        " --json --deadline 0 " + test::Quote(dir / "d.jpg"));
    EXPECT_EQ(nlohmann::json::parse(alone.out)[0], j[3]) << command;
  }
}

// The commands that work on a few photos (match, locate, georef, refs, redact) read and
// decode each once in a supervised worker first: a photo that crashes it is refused with
// PARSER_CRASHED, named, before the command parses it in its own process.
TEST(SupervisedMap, EveryCommandRefusesAPhotoThatCrashesItsFirstRead) {
  test::TempDir dir;
  const auto jpeg = test::MakeSceneJpeg(320, 240, 90, 3);
  test::SynthExif gps;
  gps.lat = 16.6476, gps.lon = 98.5207;
  test::WritePhoto(dir / "fine.jpg", jpeg, gps);
  const std::string marker = "GEOVERIFY-TEST-CRASH";
  std::vector<std::uint8_t> bytes = {0xFF, 0xD8, 0xFF,
                                     0xFE, 0,    static_cast<std::uint8_t>(marker.size() + 2)};
  bytes.insert(bytes.end(), marker.begin(), marker.end());
  bytes.insert(bytes.end(), jpeg.begin() + 2, jpeg.end());
  test::WriteBytes(dir / "crash.jpg", bytes);
  const std::string run = "GEOVERIFY_FAULT_INJECTION=1 " + std::string(GEOVERIFY_BINARY) + " ";
  const auto crash = test::Quote(dir / "crash.jpg"), fine = test::Quote(dir / "fine.jpg");
  const auto refused = [](const nlohmann::json& j) {
    return j["error"].is_string() &&
           j["error"].get<std::string>().find("crash.jpg: the parser crashed") !=
               std::string::npos &&
           j["findings"][0]["code"] == "PARSER_CRASHED";
  };
  auto r = test::RunCommand(run + "match --json " + fine + " " + crash);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(refused(nlohmann::json::parse(r.out))) << r.out;
  const std::string landsat = std::string(GEOVERIFY_TEST_DATA) + "/landsat_rgb_byte_crop.tif";
  r = test::RunCommand(run + "georef --json " + crash + " --basemap " + landsat);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(refused(nlohmann::json::parse(r.out)[0])) << r.out;
  // refs build: the crashing photo is a failure, the fine one is added.
  const auto refs = test::Quote(dir / "refs.gvrefs");
  r = test::RunCommand(run + "refs build --json -o " + refs + " " + fine + " " + crash, true);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("crash.jpg: the parser crashed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"added\": 1"), std::string::npos) << r.out;
  r = test::RunCommand(run + "locate --json " + crash + " --refs " + refs);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(refused(nlohmann::json::parse(r.out))) << r.out;
  // redact: the fine photo is copied, the crashing one has an error entry with its SHA-256.
  r = test::RunCommand(run + "redact --json --faces off -o " + test::Quote(dir / "copies") + " " +
                       fine + " " + crash);
  EXPECT_EQ(r.exit_code, 1);
  const auto log = nlohmann::json::parse(r.out);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_FALSE(log[0].contains("error")) << log[0];
  EXPECT_NE(log[1]["error"].get<std::string>().find("the parser crashed"), std::string::npos);
  EXPECT_EQ(log[1]["original_sha256"], Sha256Hex(bytes));
  // exercise make: the crashing photo is an error, the fine one a question.
  std::filesystem::create_directories(dir / "source");
  std::filesystem::copy_file(dir / "fine.jpg", dir / "source" / "fine.jpg");
  std::filesystem::copy_file(dir / "crash.jpg", dir / "source" / "crash.jpg");
  r = test::RunCommand(run + "exercise make --json --from-gps --faces off " +
                       test::Quote(dir / "source") + " -o " + test::Quote(dir / "pack") +
                       " --key " + test::Quote(dir / "key.json"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const auto made = nlohmann::json::parse(r.out);
  ASSERT_EQ(made["questions"].size(), 1u) << made;
  ASSERT_EQ(made["errors"].size(), 1u) << made;
  EXPECT_NE(made["errors"].dump().find("the parser crashed"), std::string::npos) << made;
}

// `run`: a photo whose first read crashes or hangs its worker is left out before any step
// parses it in the main process; the other photos go through.
TEST(SupervisedMap, RunLeavesOutPhotosThatCrashOrHangTheirWorker) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "case");
  const auto jpeg = test::MakeSceneJpeg(320, 240, 90, 3);
  test::WriteBytes(dir / "case" / "fine.jpg", jpeg);
  // Still a JPEG (the intake sorts by content): the marker in a comment after SOI.
  for (const auto& [name, marker] :
       {std::pair<std::string, std::string>{"crash.jpg", "GEOVERIFY-TEST-CRASH"},
        {"hang.jpg", "GEOVERIFY-TEST-HANG"}}) {
    std::vector<std::uint8_t> bytes = {0xFF, 0xD8, 0xFF,
                                       0xFE, 0,    static_cast<std::uint8_t>(marker.size() + 2)};
    bytes.insert(bytes.end(), marker.begin(), marker.end());
    bytes.insert(bytes.end(), jpeg.begin() + 2, jpeg.end());
    test::WriteBytes(dir / "case" / name, bytes);
  }
  const auto r = test::RunCommand("GEOVERIFY_FAULT_INJECTION=1 " + std::string(GEOVERIFY_BINARY) +
                                  " run --json --deadline 2 --skip text " +
                                  test::Quote(dir / "case") + " -o " + test::Quote(dir / "out"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const auto photos = nlohmann::json::parse(test::ReadAllText(dir / "out" / "photos.json"));
  std::map<std::string, nlohmann::json> by;
  for (const auto& p : photos) by[p["file"].get<std::string>()] = p;
  ASSERT_EQ(by.size(), 3u);
  EXPECT_TRUE(by["fine.jpg"]["step_errors"].empty()) << by["fine.jpg"]["step_errors"];
  EXPECT_EQ(by["crash.jpg"]["findings"][0]["code"], "PARSER_CRASHED");
  EXPECT_EQ(by["hang.jpg"]["findings"][0]["code"], "PARSER_TIMEOUT");
  EXPECT_EQ(by["crash.jpg"]["step_errors"][0]["step"], "intake");
}

}  // namespace
}  // namespace gv
