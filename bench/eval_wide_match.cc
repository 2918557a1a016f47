// Wide-baseline evaluation of `geoverify match` (plain features, then the affine-view
// cascade), on views made the way two people photograph one flat scene (a facade, a sign, a
// courtyard seen from above) from far apart:
//  - each camera photo of ../shared/data/exif (at 1024 px, one of the 16 copies of
//    orientation/) is the scene; two cameras look at it from tilts of 0-80 degrees (an
//    oblique facade seen from a street), in any direction, turned in any way, at
//    distances that differ up to 2x, with a real perspective (focal length = distance);
//  - each view is pasted on another photo of the split (clutter around the scene) at
//    60-100 % of a 1024x768 frame, then changed in gain, offset, blur and noise and saved
//    as JPEG 70-95;
//  - the four annotated real pairs of homography/ (graf, boat, adam, WhiteBoard) with B
//    seen again from a tilt of 40-65 degrees: a real viewpoint change made harder.
// A pair is solved when the verdict is same_scene with a homography that puts a grid of
// scene points within 2 px (median, pixels of B) of the truth. Pairs are binned by the
// transition tilt between the two views (the anisotropy of the local affine map at the
// scene's centre). Unrelated pairs (views of two different photos) count false same_scene.
// Backgrounds sorted by path: even ones tune, odd ones validation.
// Usage: eval_wide_match SHARED_DATA_DIR [--split tune|validation] [--pairs N=2]
//        [--seed S] [--verbose] [--view-side PX] [--phi-step DEG] [--features-per-view N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "camera_backgrounds.h"
#include "match/affine_views.h"
#include "support/synth_photo.h"

namespace fs = std::filesystem;

namespace {

struct Camera {
  double tilt_deg, azimuth_deg, roll_deg, distance;  // distance relative to the nearest
};

// Homography from the scene's pixels to a camera's pixels (before framing; the scene's centre
// at the frame's origin).
cv::Matx33d CameraHomography(cv::Size scene, const Camera& c) {
  return gv::test::CameraHomography(scene, c.tilt_deg, c.azimuth_deg, c.roll_deg, {0, 0},
                                    c.distance);
}

cv::Point2d Apply(const cv::Matx33d& h, const cv::Point2d& p) {
  const cv::Vec3d q = h * cv::Vec3d(p.x, p.y, 1.0);
  return {q[0] / q[2], q[1] / q[2]};
}

struct View {
  cv::Mat image;
  cv::Matx33d from_scene;  // scene pixels -> view pixels
};

// The scene seen by `h`, framed at `fill` of a 1024x768 frame over `clutter`, degraded.
View Photograph(const cv::Mat& scene, const cv::Matx33d& h, const cv::Mat& clutter,
                std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  const cv::Size frame(1024, 768);
  std::vector<cv::Point2d> corners;
  for (const cv::Point2d c : {cv::Point2d(0, 0), cv::Point2d(scene.cols, 0),
                              cv::Point2d(scene.cols, scene.rows), cv::Point2d(0, scene.rows)})
    corners.push_back(Apply(h, c));
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const auto& p : corners) {
    x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  }
  const double fill = 0.6 + 0.4 * u(rng);
  const double s = fill * std::min(frame.width / (x1 - x0), frame.height / (y1 - y0));
  const double ox = (frame.width - s * (x1 - x0)) * u(rng),
               oy = (frame.height - s * (y1 - y0)) * u(rng);
  const cv::Matx33d place(s, 0, ox - s * x0, 0, s, oy - s * y0, 0, 0, 1);
  View v;
  v.from_scene = place * h;
  cv::resize(clutter, v.image, frame, 0, 0, cv::INTER_AREA);
  cv::Mat warped, mask;
  cv::warpPerspective(scene, warped, cv::Mat(v.from_scene), frame, cv::INTER_AREA);
  cv::warpPerspective(cv::Mat(scene.size(), CV_8UC1, cv::Scalar(255)), mask, cv::Mat(v.from_scene),
                      frame, cv::INTER_NEAREST);
  warped.copyTo(v.image, mask);
  v.image.convertTo(v.image, -1, 0.7 + 0.6 * u(rng), -20 + 40 * u(rng));
  if (u(rng) < 0.5) cv::GaussianBlur(v.image, v.image, {0, 0}, 0.3 + 0.9 * u(rng));
  cv::Mat noise(v.image.size(), CV_16SC3);
  cv::randn(noise, 0, 4 * u(rng));
  cv::Mat noisy;
  v.image.convertTo(noisy, CV_16SC3);
  noisy += noise;
  noisy.convertTo(v.image, CV_8UC3);
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", v.image, jpeg,
               {cv::IMWRITE_JPEG_QUALITY, 70 + static_cast<int>(25 * u(rng))});
  v.image = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  return v;
}

double TransitionTilt(const cv::Matx33d& b_from_a, const cv::Point2d& at) {
  const double e = 1.0;
  const cv::Point2d p = Apply(b_from_a, at), px = Apply(b_from_a, at + cv::Point2d(e, 0)),
                    py = Apply(b_from_a, at + cv::Point2d(0, e));
  const cv::Matx22d j((px.x - p.x) / e, (py.x - p.x) / e, (px.y - p.y) / e, (py.y - p.y) / e);
  cv::Mat w;
  cv::SVD::compute(cv::Mat(j), w);
  return w.at<double>(0) / std::max(1e-9, w.at<double>(1));
}

// Median error, in pixels of B, of the estimate at scene points seen in both views.
double MedianError(const gv::PairMatch& m, const cv::Matx33d& b_from_a, cv::Size scene,
                   const cv::Matx33d& a_from_scene, cv::Size a_size, cv::Size b_size) {
  if (!m.homography || m.verdict != "same_scene") return 1e9;
  if (m.model != "homography") return 2e9;
  std::vector<double> errors;
  for (int gy = 1; gy < 10; ++gy) {
    for (int gx = 1; gx < 10; ++gx) {
      const cv::Point2d pa =
          Apply(a_from_scene, {scene.width * gx / 10.0, scene.height * gy / 10.0});
      const cv::Point2d truth = Apply(b_from_a, pa);
      if (pa.x < 0 || pa.y < 0 || pa.x >= a_size.width || pa.y >= a_size.height) continue;
      if (truth.x < 0 || truth.y < 0 || truth.x >= b_size.width || truth.y >= b_size.height)
        continue;
      errors.push_back(cv::norm(Apply(*m.homography, pa) - truth));
    }
  }
  if (errors.empty()) return 1e9;
  std::nth_element(errors.begin(), errors.begin() + errors.size() / 2, errors.end());
  return errors[errors.size() / 2];
}

cv::Mat At1024(const cv::Mat& image) {
  const double s = 1024.0 / std::max(image.cols, image.rows);
  cv::Mat out;
  cv::resize(image, out, {}, s, s, s < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  return out;
}

struct Bin {
  int pairs = 0, plain = 0, cascade = 0;
  std::vector<double> seconds;
};

const char* BinName(double tau) {
  return tau < 2 ? "1-2" : tau < 4 ? "2-4" : tau < 8 ? "4-8" : tau < 16 ? "8-16" : ">=16";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: eval_wide_match SHARED_DATA_DIR [--split tune|validation] [--pairs N] "
                 "[--seed S] [--verbose]\n");
    return 2;
  }
  const fs::path data = argv[1];
  std::string split = "validation";
  int per_photo = 2;
  unsigned seed = 7;
  bool verbose = false;
  std::string only;  // run only the pairs whose name holds this (debugging)
  gv::AffineViewOptions views;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--split" && i + 1 < argc)
      split = argv[++i];
    else if (arg == "--pairs" && i + 1 < argc)
      per_photo = std::atoi(argv[++i]);
    else if (arg == "--seed" && i + 1 < argc)
      seed = static_cast<unsigned>(std::atoi(argv[++i]));
    else if (arg == "--verbose")
      verbose = true;
    else if (arg == "--only" && i + 1 < argc)
      only = argv[++i];
    else if (arg == "--view-side" && i + 1 < argc)
      views.view_side = std::atoi(argv[++i]);
    else if (arg == "--phi-step" && i + 1 < argc)
      views.phi_step_deg = std::atof(argv[++i]);
    else if (arg == "--features-per-view" && i + 1 < argc)
      views.features_per_view = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "eval_wide_match: unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  if (!fs::is_directory(data / "exif") || !fs::is_directory(data / "homography")) {
    std::fprintf(stderr, "eval_wide_match: %s has no exif/ and homography/ folders\n",
                 data.c_str());
    return 2;
  }
  auto backgrounds = gv::bench::CameraBackgrounds(data / "exif", split);
  bool orientation_kept = false;
  std::erase_if(backgrounds, [&](const auto& b) {
    if (b.first.parent_path().filename() != "orientation") return false;
    if (orientation_kept) return true;
    orientation_kept = true;
    return false;
  });
  std::mt19937 rng(seed + (split == "tune" ? 0 : 1000));
  std::uniform_real_distribution<double> u(0, 1);
  std::map<std::string, Bin> bins;
  Bin real;
  const auto run_pair = [&](const std::string& name, const cv::Mat& a, const cv::Mat& b,
                            const cv::Matx33d& b_from_a, const cv::Matx33d& a_from_scene,
                            cv::Size scene, Bin& bin, Bin* also) {
    if (!only.empty() && name.find(only) == std::string::npos) return;
    const double tau =
        TransitionTilt(b_from_a, Apply(a_from_scene, {scene.width / 2.0, scene.height / 2.0}));
    // Times as `match` spends them: both photos' features, then the cascade.
    const auto t0 = std::chrono::steady_clock::now();
    auto fa = gv::DetectFeatures(a), fb = gv::DetectFeatures(b);
    if (!fa.ok() || !fb.ok()) return;
    const double detect =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const gv::CascadeMatch c =
        gv::MatchCascade(a, *fa, b, *fb, {}, gv::CascadeMode::kAlways, views);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const gv::PairMatch plain = gv::MatchFeatures(*fa, *fb);
    const double e_plain = MedianError(plain, b_from_a, scene, a_from_scene, a.size(), b.size());
    const double e_views = MedianError(c.match, b_from_a, scene, a_from_scene, a.size(), b.size());
    const bool ok_plain = e_plain < 2, ok_cascade = ok_plain || e_views < 2;
    for (Bin* x : {&bin, also}) {
      if (!x) continue;
      ++x->pairs;
      x->plain += ok_plain;
      x->cascade += ok_cascade;
      x->seconds.push_back(ok_plain ? detect + c.seconds_first : seconds);
    }
    if (verbose)
      std::printf(
          "%-40s tau %5.1f  plain %-10s %4d inl err %9.3g | views %-10s %4d/%5d inl err %9.3g  "
          "%.1f s\n",
          name.c_str(), tau, plain.verdict.c_str(), plain.inliers, e_plain, c.match.verdict.c_str(),
          c.match.inliers, c.match.tentative, e_views, seconds);
  };

  // Synthetic wide-baseline pairs from the camera photos.
  std::vector<cv::Mat> scenes;
  for (const auto& b : backgrounds) scenes.push_back(At1024(b.second));
  for (std::size_t i = 0; i < scenes.size(); ++i) {
    for (int k = 0; k < per_photo; ++k) {
      // Half of the pairs: one camera nearly frontal; the others: both oblique.
      Camera ca{k % 2 == 0 ? 20 * u(rng) : 30 + 50 * u(rng), 360 * u(rng), 360 * u(rng),
                1 + u(rng)};
      Camera cb{40 + 40 * u(rng), 360 * u(rng), 360 * u(rng), 1 + u(rng)};
      if (u(rng) < 0.5)
        ca.distance = 1, cb.distance = 1 + u(rng);
      else
        cb.distance = 1, ca.distance = 1 + u(rng);
      const cv::Mat& scene = scenes[i];
      const View va = Photograph(scene, CameraHomography(scene.size(), ca),
                                 scenes[(i + 1) % scenes.size()], rng);
      const View vb = Photograph(scene, CameraHomography(scene.size(), cb),
                                 scenes[(i + 2) % scenes.size()], rng);
      const cv::Matx33d b_from_a = vb.from_scene * va.from_scene.inv();
      const std::string name = backgrounds[i].first.filename().string() + "#" + std::to_string(k);
      const double tau =
          TransitionTilt(b_from_a, Apply(va.from_scene, {scene.cols / 2.0, scene.rows / 2.0}));
      run_pair(name, va.image, vb.image, b_from_a, va.from_scene, scene.size(), bins[BinName(tau)],
               nullptr);
    }
  }
  // Real pairs seen again from an oblique camera.
  for (const std::string name : {"graf", "boat", "adam", "WhiteBoard"}) {
    const std::string ext = name == "WhiteBoard" ? ".jpg" : ".png";
    const cv::Mat a = cv::imread((data / "homography" / (name + "A" + ext)).string()),
                  b = cv::imread((data / "homography" / (name + "B" + ext)).string());
    if (a.empty() || b.empty()) continue;
    std::ifstream in(data / "homography" / (name + "_model.txt"));
    cv::Matx33d a_from_b;
    for (int i = 0; i < 9; ++i) in >> a_from_b.val[i];
    Camera cb{40 + 25 * u(rng), 360 * u(rng), 30 * u(rng) - 15, 1};
    const View vb = Photograph(b, CameraHomography(b.size(), cb), scenes[0], rng);
    const cv::Matx33d b_from_a = vb.from_scene * a_from_b.inv();
    run_pair(name + " + tilt " + std::to_string(static_cast<int>(cb.tilt_deg)), a, vb.image,
             b_from_a, cv::Matx33d::eye(), a.size(), real, nullptr);
  }
  // Unrelated pairs: views of different photos.
  int unrelated = 0, false_same = 0;
  double unrelated_seconds = 0;
  for (std::size_t i = 0; only.empty() && i + 1 < scenes.size(); i += 1) {
    const std::size_t j = (i + scenes.size() / 2) % scenes.size();
    if (j == i) continue;
    Camera ca{60 * u(rng), 360 * u(rng), 360 * u(rng), 1},
        cb{60 * u(rng), 360 * u(rng), 360 * u(rng), 1};
    const View va = Photograph(scenes[i], CameraHomography(scenes[i].size(), ca),
                               scenes[(i + 3) % scenes.size()], rng);
    const View vb = Photograph(scenes[j], CameraHomography(scenes[j].size(), cb),
                               scenes[(j + 5) % scenes.size()], rng);
    const auto t0 = std::chrono::steady_clock::now();
    auto fa = gv::DetectFeatures(va.image), fb = gv::DetectFeatures(vb.image);
    if (!fa.ok() || !fb.ok()) continue;
    const gv::CascadeMatch c =
        gv::MatchCascade(va.image, *fa, vb.image, *fb, {}, gv::CascadeMode::kAuto, views);
    unrelated_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++unrelated;
    if (c.match.verdict == "same_scene") {
      ++false_same;
      std::printf("false same_scene: %s <-> %s (%d inliers of %d, stage %s)\n",
                  backgrounds[i].first.filename().c_str(), backgrounds[j].first.filename().c_str(),
                  c.match.inliers, c.match.tentative, c.stage.c_str());
    }
  }

  const auto median = [](std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  std::printf("\neval-wide-match: split %s, %zu scenes, %d pairs each, seed %u\n\n", split.c_str(),
              scenes.size(), per_photo, seed);
  const auto longest = [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
  };
  std::printf("%-26s %6s %12s %12s %14s %10s\n", "transition tilt", "pairs", "plain SIFT",
              "cascade", "median s/pair", "max s");
  Bin all;
  for (const char* name : {"1-2", "2-4", "4-8", "8-16", ">=16"}) {
    const Bin& b = bins[name];
    if (b.pairs == 0) continue;
    std::printf("%-26s %6d %11.1f%% %11.1f%% %14.2f %10.2f\n", name, b.pairs,
                100.0 * b.plain / b.pairs, 100.0 * b.cascade / b.pairs, median(b.seconds),
                longest(b.seconds));
    all.pairs += b.pairs, all.plain += b.plain, all.cascade += b.cascade;
    all.seconds.insert(all.seconds.end(), b.seconds.begin(), b.seconds.end());
  }
  if (all.pairs)
    std::printf("%-26s %6d %11.1f%% %11.1f%% %14.2f %10.2f\n", "all synthetic", all.pairs,
                100.0 * all.plain / all.pairs, 100.0 * all.cascade / all.pairs, median(all.seconds),
                longest(all.seconds));
  if (real.pairs)
    std::printf("%-26s %6d %11.1f%% %11.1f%% %14.2f %10.2f\n", "real pairs + tilt 40-65",
                real.pairs, 100.0 * real.plain / real.pairs, 100.0 * real.cascade / real.pairs,
                median(real.seconds), longest(real.seconds));
  std::printf("unrelated pairs: %d, false same_scene %d, %.2f s per pair (whole cascade)\n",
              unrelated, false_same, unrelated ? unrelated_seconds / unrelated : 0.0);
  // Nothing evaluated (no photos found) is a failure of the evaluation, not a figure.
  return all.pairs + real.pairs > 0 ? 0 : 1;
}
