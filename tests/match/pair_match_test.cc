#include "match/pair_match.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "support/synth_photo.h"

namespace gv {
namespace {

cv::Mat Texture(int seed, int w = 640, int h = 480) { return test::MakeTexture(seed, w, h); }

cv::Matx33d Truth() {
  // Rotation 25 deg, scale 0.85, translation and a perspective tilt.
  const double a = 25 * CV_PI / 180, s = 0.85;
  return cv::Matx33d(s * std::cos(a), -s * std::sin(a), 180, s * std::sin(a), s * std::cos(a), 20,
                     0.0002, 0.0001, 1);
}

double MaxError(const cv::Matx33d& estimated, const cv::Matx33d& truth, cv::Size size) {
  double worst = 0;
  for (int y = 40; y < size.height; y += 80) {
    for (int x = 40; x < size.width; x += 80) {
      const cv::Vec3d e = estimated * cv::Vec3d(x, y, 1), t = truth * cv::Vec3d(x, y, 1);
      worst = std::max(worst, std::hypot(e[0] / e[2] - t[0] / t[2], e[1] / e[2] - t[1] / t[2]));
    }
  }
  return worst;
}

TEST(PairMatch, RecoversAKnownHomographyWithEveryDetector) {
  const cv::Mat a = Texture(1);
  cv::Mat b;
  cv::warpPerspective(a, b, cv::Mat(Truth()), a.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                      cv::Scalar(40, 40, 40));
  for (const Detector d : {Detector::kSift, Detector::kAkaze, Detector::kOrb}) {
    FeatureOptions options;
    options.detector = d;
    auto fa = DetectFeatures(a, options), fb = DetectFeatures(b, options);
    ASSERT_TRUE(fa.ok() && fb.ok());
    const PairMatch m = MatchFeatures(*fa, *fb);
    EXPECT_EQ(m.verdict, "same_scene") << static_cast<int>(d);
    EXPECT_EQ(m.model, "homography");
    ASSERT_TRUE(m.homography);
    // Points inside the overlap land within 1.5 px of the truth.
    EXPECT_LT(MaxError(*m.homography, Truth(), {360, 300}), 1.5) << static_cast<int>(d);
  }
}

TEST(PairMatch, LargeImagesAreDetectedDownscaledAndMappedBack) {
  cv::Mat a;
  cv::resize(Texture(2), a, {2560, 1920}, 0, 0, cv::INTER_CUBIC);
  cv::Mat b;
  const cv::Matx33d shift(1, 0, 37.5, 0, 1, -21.25, 0, 0, 1);
  cv::warpPerspective(a, b, cv::Mat(shift), a.size());
  FeatureOptions options;
  options.detection_max_side = 1000;
  auto fa = DetectFeatures(a, options), fb = DetectFeatures(b, options);
  ASSERT_TRUE(fa.ok() && fb.ok());
  const PairMatch m = MatchFeatures(*fa, *fb);
  ASSERT_TRUE(m.homography);
  EXPECT_NEAR((*m.homography)(0, 2), 37.5, 1.5);
  EXPECT_NEAR((*m.homography)(1, 2), -21.25, 1.5);
}

TEST(PairMatch, UnrelatedScenesAreNotTheSameScene) {
  for (int seed = 10; seed < 16; ++seed) {
    auto fa = DetectFeatures(Texture(seed)), fb = DetectFeatures(Texture(seed + 100));
    ASSERT_TRUE(fa.ok() && fb.ok());
    EXPECT_NE(MatchFeatures(*fa, *fb).verdict, "same_scene") << seed;
  }
}

TEST(PairMatch, FeaturelessImagesAreAClearError) {
  const auto blank = DetectFeatures(cv::Mat(480, 640, CV_8UC3, cv::Scalar(200, 200, 200)));
  ASSERT_FALSE(blank.ok());
  EXPECT_NE(blank.error().message.find("no usable features"), std::string::npos);
  EXPECT_FALSE(DetectFeatures(cv::Mat()).ok());
  EXPECT_FALSE(DetectFeatures(cv::Mat(4, 4, CV_8UC3, cv::Scalar(1, 2, 3))).ok());
  EXPECT_FALSE(ParseDetector("surf").ok());
}

}  // namespace
}  // namespace gv
