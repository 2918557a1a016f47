#include "util/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/temp_dir.h"
#include "util/scratch_file.h"

namespace gv {
namespace {

TEST(ReadFileBounded, ReadsWholeFileAndEnforcesLimit) {
  test::TempDir dir;
  test::WriteText(dir / "a.txt", "0123456789");
  std::vector<std::uint8_t> buffer;
  ASSERT_TRUE(ReadFileBounded(dir / "a.txt", 10, buffer).ok());
  EXPECT_EQ(buffer.size(), 10u);
  const Status too_big = ReadFileBounded(dir / "a.txt", 9, buffer);
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.error().message.find("above the limit"), std::string::npos);
  EXPECT_NE(too_big.error().message.find("a.txt"), std::string::npos);
}

TEST(ReadFileBounded, RefusesFoldersAndDevices) {
  test::TempDir dir;
  std::vector<std::uint8_t> buffer;
  EXPECT_FALSE(ReadFileBounded(dir.path(), 1 << 20, buffer).ok());
  EXPECT_FALSE(ReadFileBounded("/dev/zero", 1 << 20, buffer).ok());
}

TEST(ReadTsv, FieldsPerLineWithoutCommentsOrBlankLines) {
  test::TempDir dir;
  test::WriteText(dir / "t.tsv", "# comment\nMyawaddy\t16.68911\t\tMM\r\n\nlast\n");
  auto rows = ReadTsv(dir / "t.tsv", 1024);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], (std::vector<std::string>{"Myawaddy", "16.68911", "", "MM"}));
  EXPECT_EQ((*rows)[1], (std::vector<std::string>{"last"}));
  EXPECT_FALSE(ReadTsv(dir / "t.tsv", 10).ok());  // above the limit
  EXPECT_FALSE(ReadTsv(dir / "missing.tsv", 1024).ok());
}

TEST(WriteFileAtomic, ReplacesContentAndLeavesNoTemporaryFiles) {
  test::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir / "out.txt", "first").ok());
  ASSERT_TRUE(WriteFileAtomic(dir / "out.txt", "second").ok());
  std::vector<std::uint8_t> buffer;
  ASSERT_TRUE(ReadFileBounded(dir / "out.txt", 100, buffer).ok());
  EXPECT_EQ(std::string(buffer.begin(), buffer.end()), "second");
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++files;
  EXPECT_EQ(files, 1);
}

TEST(WriteFileAtomic, FailsInMissingFolder) {
  EXPECT_FALSE(WriteFileAtomic("/nonexistent-folder/out.txt", "x").ok());
}

// A streamed output replaces the file only when the writer succeeded: a writer that fails
// half-way leaves the previous file as it was and no temporary file.
TEST(WriteStreamAtomic, ReplacesOnlyWhenTheWriterSucceeds) {
  test::TempDir dir;
  const auto path = dir / "report.html";
  ASSERT_TRUE(WriteStreamAtomic(path, [](std::ostream& out) {
                for (int i = 0; i < 100000; ++i) out << "line " << i << "\n";
                return OkStatus();
              }).ok());
  std::vector<std::uint8_t> buffer;
  ASSERT_TRUE(ReadFileBounded(path, 10'000'000, buffer).ok());
  const std::string first(buffer.begin(), buffer.end());
  EXPECT_EQ(first.substr(0, 14), "line 0\nline 1\n");
  EXPECT_EQ(first.substr(first.size() - 11), "line 99999\n");
  const Status failed = WriteStreamAtomic(path, [](std::ostream& out) -> Status {
    out << "half a report";
    return MakeError("the writer failed");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "the writer failed");
  ASSERT_TRUE(ReadFileBounded(path, 10'000'000, buffer).ok());
  EXPECT_EQ(std::string(buffer.begin(), buffer.end()), first);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++files;
  EXPECT_EQ(files, 1);
  EXPECT_FALSE(WriteStreamAtomic("/nonexistent-folder/out.txt", [](std::ostream&) {
                 return OkStatus();
               }).ok());
}

// A scratch file gives back what was appended, by offset and size, refuses what lies beyond
// it, and has no name in its folder (nothing to clean up after a crash).
TEST(ScratchFile, AppendedBytesReadBackAndNothingNamedIsLeft) {
  test::TempDir dir;
  auto file = ScratchFile::Create(dir.path(), "pictures");
  ASSERT_TRUE(file.ok()) << file.error().message;
  const std::vector<std::uint8_t> a = {1, 2, 3}, b(100000, 7);
  auto at_a = (*file)->Append(a);
  auto at_b = (*file)->Append(b);
  ASSERT_TRUE(at_a.ok() && at_b.ok());
  EXPECT_EQ(*at_a, 0u);
  EXPECT_EQ(*at_b, 3u);
  EXPECT_EQ((*file)->size(), 100003u);
  const ScratchBytes kept{*file, *at_b, b.size()};
  auto back = kept.Load();
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, b);
  auto first = (*file)->Read(*at_a, a.size());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, a);
  const auto beyond = (*file)->Read(100000, 4);
  ASSERT_FALSE(beyond.ok());
  EXPECT_NE(beyond.error().message.find("pictures"), std::string::npos);
  EXPECT_FALSE(ScratchBytes{}.Load().ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  // A folder that cannot hold it: the system's temporary folder instead.
  EXPECT_TRUE(ScratchFile::Create(dir / "missing", "pictures").ok());
}

TEST(AtomicOutput, UncommittedTemporaryIsRemovedAndCommitRenames) {
  test::TempDir dir;
  std::filesystem::path temp;
  {
    AtomicOutput out(dir / "layer.gpkg");
    temp = out.temp_path();
    EXPECT_EQ(temp.extension(), ".gpkg");
    test::WriteText(temp, "partial");
  }
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_FALSE(std::filesystem::exists(dir / "layer.gpkg"));
  AtomicOutput out(dir / "layer.gpkg");
  test::WriteText(out.temp_path(), "complete");
  ASSERT_TRUE(out.Commit().ok());
  EXPECT_TRUE(std::filesystem::exists(dir / "layer.gpkg"));
  EXPECT_FALSE(std::filesystem::exists(out.temp_path()));
}

TEST(ListInputFiles, RecursesOnlyWhenAskedAndReportsMissingPaths) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "sub");
  test::WriteText(dir / "b.jpg", "x");
  test::WriteText(dir / "a.jpg", "x");
  test::WriteText(dir / "sub/c.jpg", "x");
  const auto flat = ListInputFiles({dir.path(), dir / "missing.jpg"}, false);
  ASSERT_EQ(flat.files.size(), 2u);
  EXPECT_EQ(flat.files[0].filename(), "a.jpg");
  ASSERT_EQ(flat.errors.size(), 1u);
  EXPECT_EQ(flat.errors[0].first, dir / "missing.jpg");
  EXPECT_EQ(ListInputFiles({dir.path()}, true).files.size(), 3u);
}

}  // namespace
}  // namespace gv
