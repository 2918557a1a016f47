#include "case/inspect.h"

#include <gtest/gtest.h>

#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "util/file.h"

namespace gv {
namespace {

TEST(InspectFiles, OneBadFileNeverStopsTheBatchAndOrderIsKept) {
  test::TempDir dir;
  std::vector<std::filesystem::path> files;
  for (int i = 0; i < 40; ++i) {
    const auto path = dir / ("p" + std::to_string(100 + i) + ".jpg");
    if (i % 10 == 3) {
      test::WriteText(path, "not a jpeg at all");
    } else if (i % 10 == 7) {
      auto bytes = test::MakeSceneJpeg(64, 64, 80, i);
      bytes.resize(25);
      test::WriteBytes(path, bytes);
    } else {
      test::SynthExif exif;
      exif.make = "Cam" + std::to_string(i);
      test::WritePhoto(path, test::MakeSceneJpeg(64, 48, 80, i), exif);
    }
    files.push_back(path);
  }
  files.push_back(dir / "missing.jpg");
  InspectOptions options;
  options.threads = 3;
  std::vector<PhotoMetadata> results;
  InspectFiles(files, options, [&](PhotoMetadata&& p) { results.push_back(std::move(p)); });
  ASSERT_EQ(results.size(), files.size());
  int errors = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(results[i].file, files[i].string());
    if (results[i].error) {
      ++errors;
      EXPECT_FALSE(results[i].error->empty());
    } else {
      EXPECT_EQ(results[i].make, "Cam" + std::to_string(i));
      EXPECT_EQ(results[i].sha256.size(), 64u);
    }
  }
  EXPECT_EQ(errors, 9);  // 4 text files, 4 truncated, 1 missing
}

TEST(InspectFile, TooLargeFilesAreHashedButNotParsed) {
  test::TempDir dir;
  test::WritePhoto(dir / "a.jpg", test::MakeSceneJpeg(64, 48, 80, 1), {});
  InspectOptions options;
  options.max_bytes = 100;
  const auto p = InspectFile(dir / "a.jpg", options);
  ASSERT_TRUE(p.error);
  EXPECT_NE(p.error->find("above the limit"), std::string::npos);
  EXPECT_EQ(p.sha256.size(), 64u);
}

TEST(InspectFile, EvidenceBytesAndTimesAreUnchanged) {
  test::TempDir dir;
  test::SynthExif exif;
  exif.make = "Apple";
  exif.lat = 16.6, exif.lon = 98.5;
  test::WritePhoto(dir / "e.jpg", test::MakeSceneJpeg(64, 48, 80, 1), exif);
  std::filesystem::permissions(dir / "e.jpg",
                               std::filesystem::perms::owner_read);  // read-only evidence
  const auto before = test::ReadAll(dir / "e.jpg");
  const auto stat_before = StatFile(dir / "e.jpg");
  const auto p = InspectFile(dir / "e.jpg", {});
  EXPECT_FALSE(p.error) << *p.error;
  EXPECT_EQ(test::ReadAll(dir / "e.jpg"), before);
  EXPECT_EQ(StatFile(dir / "e.jpg")->mtime_ns, stat_before->mtime_ns);
}

}  // namespace
}  // namespace gv
