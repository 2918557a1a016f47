// exiv2's own proofs of concept (tests/data/exiv2-pocs: files from its bug tracker that
// crashed, hung or overran it) through the real binary: `inspect` in its supervised workers
// and in one process, and `run`. Every file gets its entry, named and hashed, and the batch
// goes on; none crashes or hangs a parser with Debian's exiv2 0.27.6 (if a later exiv2 did,
// the isolated runs would still finish, with PARSER_CRASHED or PARSER_TIMEOUT, and this test
// would say which file).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/run_binary.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "util/sha256.h"

namespace gv {
namespace {

using test::Geoverify;
using test::Quote;

const std::filesystem::path kPocs = std::filesystem::path(GEOVERIFY_TEST_DATA) / "exiv2-pocs";

std::vector<std::filesystem::path> PocFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(kPocs)) {
    const auto name = e.path().filename().string();
    if (name != "README.md" && name != "COPYING-exiv2") files.push_back(e.path());
  }
  return files;
}

std::vector<std::string> ParserFailures(const nlohmann::json& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries)
    for (const auto& f : e["findings"])
      if (f["code"].get<std::string>().rfind("PARSER_", 0) == 0)
        out.push_back(e["file"].get<std::string>() + ": " + f["code"].get<std::string>());
  return out;
}

TEST(Exiv2Pocs, InspectGivesEveryFileAnEntryIsolatedAndInOneProcess) {
  const auto files = PocFiles();
  ASSERT_EQ(files.size(), 57u);
  std::map<std::string, std::string> expected;
  for (const auto& f : files) expected[f.filename().string()] = Sha256Hex(test::ReadAll(f));
  for (const char* mode : {"", " --deadline 0"}) {
    const auto r = Geoverify(std::string("inspect --json") + mode + " " + Quote(kPocs));
    EXPECT_EQ(r.exit_code, 1) << mode;  // some are refused or unreadable, the rest went on
    const auto entries = nlohmann::json::parse(r.out);
    std::size_t pocs = 0, errors = 0;
    for (const auto& e : entries) {
      const auto name = std::filesystem::path(e["file"].get<std::string>()).filename().string();
      if (!expected.count(name)) continue;
      ++pocs;
      EXPECT_EQ(e["sha256"], expected[name]) << name << mode;
      errors += e["error"].is_null() ? 0 : 1;
    }
    EXPECT_EQ(pocs, files.size()) << mode;
    EXPECT_GT(errors, 20u) << mode;           // most are broken beyond reading
    EXPECT_LT(errors, files.size()) << mode;  // some still read, as exiv2 does
    EXPECT_EQ(ParserFailures(entries), std::vector<std::string>{}) << mode;
  }
}

TEST(Exiv2Pocs, RunTakesThemAllInAndGoesOn) {
  test::TempDir dir;
  const auto r = Geoverify("run --json --skip text " + Quote(kPocs) + " -o " + Quote(dir / "out"));
  EXPECT_EQ(r.exit_code, 1);
  const auto summary = nlohmann::json::parse(r.out);
  // 56 photos and the BMFF file, taken for a video (FFmpeg refuses it: an error entry); the
  // README and licence are evidence of kind other.
  EXPECT_EQ(summary["photos"], 56);
  EXPECT_EQ(summary["videos"], 1);
  EXPECT_GT(summary["failed"].get<int>(), 20);
  const auto photos = nlohmann::json::parse(test::ReadAllText(dir / "out" / "photos.json"));
  EXPECT_EQ(ParserFailures(photos), std::vector<std::string>{});
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "report.html"));
}

}  // namespace
}  // namespace gv
