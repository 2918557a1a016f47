#include "image/encode.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "support/temp_dir.h"

namespace gv {
namespace {

TEST(Encode, PngIsWrittenWholeAndReadsBack) {
  test::TempDir dir;
  cv::Mat picture(40, 60, CV_8UC3, cv::Scalar(10, 200, 30));
  ASSERT_TRUE(WritePngAtomic(dir / "p.png", picture).ok());
  const cv::Mat back = cv::imread((dir / "p.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(back.size(), picture.size());
  EXPECT_EQ(cv::norm(back, picture, cv::NORM_INF), 0.0);
  for (const auto& f : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(f.path().filename(), "p.png");  // no temporary file left behind
}

TEST(Encode, EmptyImageAndMissingFolderAreErrorsNamingTheFile) {
  test::TempDir dir;
  auto empty = WritePngAtomic(dir / "empty.png", cv::Mat());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty.png"), std::string::npos);
  auto missing = WritePngAtomic(dir / "no/such/folder/p.png", cv::Mat(4, 4, CV_8UC1));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("p.png"), std::string::npos);
}

}  // namespace
}  // namespace gv
