#include "match/affine_views.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/synth_photo.h"

namespace gv {
namespace {

// Median distance between where `estimated` (A -> B) and the truth put a grid of A's points
// that lie on the scene.
double MedianError(const cv::Matx33d& estimated, const cv::Matx33d& truth, const cv::Mat& mask) {
  std::vector<double> errors;
  for (int y = 10; y < mask.rows; y += 20) {
    for (int x = 10; x < mask.cols; x += 20) {
      if (!mask.at<unsigned char>(y, x)) continue;
      const cv::Vec3d e = estimated * cv::Vec3d(x, y, 1), t = truth * cv::Vec3d(x, y, 1);
      errors.push_back(std::hypot(e[0] / e[2] - t[0] / t[2], e[1] / e[2] - t[1] / t[2]));
    }
  }
  if (errors.empty()) return 1e9;
  std::nth_element(errors.begin(), errors.begin() + errors.size() / 2, errors.end());
  return errors[errors.size() / 2];
}

struct WidePair {
  cv::Mat a, b, mask_a;
  cv::Matx33d a_to_b;
};

// A facade seen head-on (A) and from 75 degrees off its normal (B, a tilt of 3.9), both
// framed in 800 x 600 photos on a plain wall.
WidePair MakeWidePair(int seed) {
  const cv::Mat scene = test::MakeTexture(seed, 640, 480);
  const cv::Size frame(800, 600);
  const cv::Matx33d to_a = test::CameraHomography(scene.size(), 0, 0, 0, {400, 300});
  const cv::Matx33d to_b = test::CameraHomography(scene.size(), 75, 35, 15, {400, 300});
  WidePair p;
  const cv::Scalar wall(90, 100, 110);
  cv::warpPerspective(scene, p.a, cv::Mat(to_a), frame, cv::INTER_AREA, cv::BORDER_CONSTANT, wall);
  cv::warpPerspective(scene, p.b, cv::Mat(to_b), frame, cv::INTER_AREA, cv::BORDER_CONSTANT, wall);
  cv::warpPerspective(cv::Mat(scene.size(), CV_8UC1, cv::Scalar(255)), p.mask_a, cv::Mat(to_a),
                      frame, cv::INTER_NEAREST);
  p.a_to_b = to_b * to_a.inv();
  return p;
}

TEST(AffineViews, TheCascadeSolvesAWideBaselinePairThatPlainFeaturesMiss) {
  const WidePair p = MakeWidePair(3);
  auto fa = DetectFeatures(p.a), fb = DetectFeatures(p.b);
  ASSERT_TRUE(fa.ok() && fb.ok());
  const PairMatch plain = MatchFeatures(*fa, *fb);
  // The first stage alone does not find the scene (or finds it wrong).
  EXPECT_FALSE(plain.verdict == "same_scene" && plain.homography &&
               MedianError(*plain.homography, p.a_to_b, p.mask_a) < 2)
      << plain.verdict << " " << plain.inliers;

  const CascadeMatch c = MatchCascade(p.a, *fa, p.b, *fb);
  EXPECT_EQ(c.stage, "affine_views");
  EXPECT_EQ(c.stages, (std::vector<std::string>{"features", "affine_views"}));
  EXPECT_EQ(c.match.verdict, "same_scene");
  ASSERT_TRUE(c.match.homography);
  EXPECT_LT(MedianError(*c.match.homography, p.a_to_b, p.mask_a), 2.0);

  // With the cascade off, the answer is the first stage's.
  const CascadeMatch off = MatchCascade(p.a, *fa, p.b, *fb, {}, CascadeMode::kOff);
  EXPECT_EQ(off.stage, "features");
  EXPECT_EQ(off.stages, std::vector<std::string>{"features"});
  EXPECT_EQ(off.match.verdict, plain.verdict);
}

TEST(AffineViews, AnEasyPairStopsAtTheFirstStage) {
  const cv::Mat a = test::MakeTexture(5, 640, 480);
  cv::Mat b;
  const cv::Matx33d shift(0.9, -0.1, 30, 0.1, 0.9, 12, 0, 0, 1);
  cv::warpPerspective(a, b, cv::Mat(shift), a.size());
  auto fa = DetectFeatures(a), fb = DetectFeatures(b);
  ASSERT_TRUE(fa.ok() && fb.ok());
  const CascadeMatch c = MatchCascade(a, *fa, b, *fb);
  EXPECT_EQ(c.stage, "features");
  EXPECT_EQ(c.stages, std::vector<std::string>{"features"});
  EXPECT_EQ(c.match.verdict, "same_scene");
  EXPECT_EQ(c.seconds_views, 0.0);
}

TEST(AffineViews, UnrelatedScenesStayUnrelatedThroughTheCascade) {
  // Seed 28: 57 of 192 view matches fitted a fundamental matrix before the views' stricter
  // ratio for it (the textures share glyphs).
  for (const int seed : {20, 21, 22, 28}) {
    const cv::Mat a = test::MakeTexture(seed, 480, 360),
                  b = test::MakeTexture(seed + 100, 480, 360);
    auto fa = DetectFeatures(a), fb = DetectFeatures(b);
    ASSERT_TRUE(fa.ok() && fb.ok());
    const CascadeMatch c = MatchCascade(a, *fa, b, *fb, {}, CascadeMode::kAlways);
    EXPECT_NE(c.match.verdict, "same_scene")
        << seed << ": " << c.match.inliers << " of " << c.match.tentative << " " << c.match.model;
  }
  // The sample case's edited_sign.jpg and clock_off.jpg (generated scenes sharing digits
  // and shapes): their views fitted a fundamental matrix with 47 % of the matches, which
  // `match` called same_scene.
  const auto decode = [](const std::vector<std::uint8_t>& jpeg) {
    return cv::imdecode(jpeg, cv::IMREAD_COLOR);
  };
  const cv::Mat a = decode(test::MakeSceneJpeg(1280, 720, 92, 4)),
                b = decode(test::MakeSceneJpeg(1024, 768, 87, 5));
  auto fa = DetectFeatures(a), fb = DetectFeatures(b);
  ASSERT_TRUE(fa.ok() && fb.ok());
  const CascadeMatch c = MatchCascade(a, *fa, b, *fb);
  EXPECT_EQ(c.stage, "affine_views");
  EXPECT_NE(c.match.verdict, "same_scene")
      << c.match.inliers << " of " << c.match.tentative << " " << c.match.model;
}

TEST(AffineViews, ViewsMapKeypointsBackIntoThePhoto) {
  const cv::Mat a = test::MakeTexture(7, 1600, 1200);
  AffineViewOptions o;
  o.tilts = {2.0};
  o.view_side = 800;
  auto f = DetectAffineViews(a, o);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->image_size, a.size());
  EXPECT_EQ(f->descriptors.rows, static_cast<int>(f->keypoints.size()));
  float max_x = 0, max_y = 0;
  for (const auto& k : f->keypoints) {
    EXPECT_GE(k.pt.x, -1);
    EXPECT_GE(k.pt.y, -1);
    max_x = std::max(max_x, k.pt.x);
    max_y = std::max(max_y, k.pt.y);
  }
  EXPECT_LE(max_x, 1600);
  EXPECT_LE(max_y, 1200);
  // Keypoints cover the full-resolution photo, not the 800 px views.
  EXPECT_GT(max_x, 1200);
  EXPECT_GT(max_y, 900);
}

TEST(AffineViews, BadOptionsAndBlankPhotosAreClearErrors) {
  AffineViewOptions o;
  o.tilts = {0.5};
  EXPECT_FALSE(o.Check().ok());
  EXPECT_FALSE(DetectAffineViews(test::MakeTexture(1, 320, 240), o).ok());
  const auto blank = DetectAffineViews(cv::Mat(480, 640, CV_8UC3, cv::Scalar(200, 200, 200)));
  ASSERT_FALSE(blank.ok());
  EXPECT_NE(blank.error().message.find("no usable features"), std::string::npos);
  EXPECT_FALSE(DetectAffineViews(cv::Mat()).ok());
}

// Regression: a true homography of strong perspective (the far side of a facade shrinks to a
// tenth) is accepted; the old plausibility test read the top-left 2x2 block as the scale.
TEST(AffineViews, StrongPerspectiveIsAPlausibleHomography) {
  const WidePair p = MakeWidePair(4);
  std::vector<cv::Point2f> pa, pb;
  for (int y = 60; y < 560; y += 25) {
    for (int x = 60; x < 760; x += 25) {
      if (!p.mask_a.at<unsigned char>(y, x)) continue;
      const cv::Vec3d q = p.a_to_b * cv::Vec3d(x, y, 1);
      pa.emplace_back(static_cast<float>(x), static_cast<float>(y));
      pb.emplace_back(static_cast<float>(q[0] / q[2]), static_cast<float>(q[1] / q[2]));
    }
  }
  ASSERT_GT(pa.size(), 100u);
  const PairMatch m = VerifyMatches(pa, pb, p.a.size(), p.b.size());
  EXPECT_EQ(m.verdict, "same_scene");
  ASSERT_TRUE(m.homography);
  EXPECT_LT(MedianError(*m.homography, p.a_to_b, p.mask_a), 0.5);
}

// A verdict through a fundamental matrix needs fundamental_min_ratio of the matches: points
// of a 3D scene (two depths, so no homography explains them) seen by two cameras, 60 true
// matches among 100 (60 %), pass at 0.4 and become uncertain at 0.7.
TEST(AffineViews, AFundamentalVerdictNeedsItsOwnInlierRatio) {
  cv::RNG rng(5);
  const cv::Matx33d k(700, 0, 400, 0, 700, 300, 0, 0, 1);
  const double angle = 0.25;
  const cv::Matx33d r(std::cos(angle), 0, std::sin(angle), 0, 1, 0, -std::sin(angle), 0,
                      std::cos(angle));
  const cv::Vec3d t(-1.5, 0.1, 0.2);
  std::vector<cv::Point2f> pa, pb;
  while (pa.size() < 60) {
    const cv::Vec3d x(rng.uniform(-2.0, 2.0), rng.uniform(-1.5, 1.5), rng.uniform(5.0, 12.0));
    const cv::Vec3d qa = k * x, qb = k * (r * x + t);
    const cv::Point2f a(static_cast<float>(qa[0] / qa[2]), static_cast<float>(qa[1] / qa[2])),
        b(static_cast<float>(qb[0] / qb[2]), static_cast<float>(qb[1] / qb[2]));
    if (a.x < 0 || a.y < 0 || a.x >= 800 || a.y >= 600 || b.x < 0 || b.y < 0 || b.x >= 800 ||
        b.y >= 600)
      continue;
    pa.push_back(a);
    pb.push_back(b);
  }
  while (pa.size() < 100) {
    pa.emplace_back(rng.uniform(0.f, 800.f), rng.uniform(0.f, 600.f));
    pb.emplace_back(rng.uniform(0.f, 800.f), rng.uniform(0.f, 600.f));
  }
  MatchOptions lenient, strict;
  lenient.fundamental_min_ratio = 0.4;
  strict.fundamental_min_ratio = 0.7;
  const PairMatch ok = VerifyMatches(pa, pb, {800, 600}, {800, 600}, lenient);
  ASSERT_EQ(ok.model, "fundamental");
  EXPECT_EQ(ok.verdict, "same_scene") << ok.inliers;
  const PairMatch no = VerifyMatches(pa, pb, {800, 600}, {800, 600}, strict);
  EXPECT_EQ(no.model, "fundamental");
  EXPECT_EQ(no.verdict, "uncertain") << no.inliers;
  strict.fundamental_min_ratio = 1.5;
  EXPECT_FALSE(strict.Check().ok());
}

}  // namespace
}  // namespace gv
