// Scene keyframes of videos (src/video/, what `run` takes from a video): videos filmed the
// way a phone films a place, across the camera photos of ../shared/data/exif. Each video
// holds 4 places (4 different photos), 2-6 s each at 30 frames a second, 960x540. Within a
// place the camera is hand-held: it pans slowly (up to 40 px/s in a random direction),
// shakes (about 2 px a frame), zooms a little (+-5 %), and its exposure drifts (x0.9-1.1);
// sensor noise on top. Between places: half are hard cuts (an edited clip), half are whip
// pans (0.5 s of a fast, blurred sweep from one place to the next, as a phone turned
// quickly). Encoded as a phone saves them (H.264, keyframe every second, 6 Mb/s) and as a
// messaging app re-sends them (H.264 640x360, one keyframe every 250 frames, 0.6 Mb/s).
// Figures, per threshold of the scene change:
//   found   places after the first with a keyframe taken inside them (after the
//           transition), out of all such places
//   extra   keyframes beyond one per place, per place
// Splits: the photos sorted by path, even ones --split tune, odd ones --split validation
// (the default, what docs/evaluation.md reports). Usage:
//   eval_video [--shared DIR] [--split tune|validation] [--videos N (12)]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

#include "camera_backgrounds.h"
#include "support/make_video.h"
#include "video/video.h"

namespace {

namespace fs = std::filesystem;

constexpr int kWidth = 960, kHeight = 540, kFps = 30;
constexpr double kTransition = 0.5;

struct Segment {
  cv::Mat photo;  // resized so that the window can move within it
  double start = 0, end = 0;
  bool whip = false;  // reached by a whip pan (else a hard cut)
  cv::Point2d from, velocity;
  double zoom_rate = 0, gain0 = 1, gain1 = 1;
};

struct Plan {
  std::vector<Segment> segments;
  int frames = 0;
};

Plan MakePlan(const std::vector<std::pair<fs::path, cv::Mat>>& photos, std::mt19937& rng) {
  Plan plan;
  std::uniform_real_distribution<double> u(0, 1);
  double t = 0;
  std::vector<std::size_t> used;
  for (int k = 0; k < 4; ++k) {
    std::size_t pick;
    do {
      pick = rng() % photos.size();
    } while (std::find(used.begin(), used.end(), pick) != used.end());
    used.push_back(pick);
    Segment s;
    const cv::Mat& src = photos[pick].second;
    const double scale = std::max(1.6 * kWidth / src.cols, 1.4 * kHeight / src.rows);
    cv::resize(src, s.photo, cv::Size(), scale, scale, cv::INTER_AREA);
    s.start = t;
    s.end = t + 2 + 4 * u(rng);
    t = s.end;
    s.whip = k > 0 && u(rng) < 0.5;
    const double margin_x = s.photo.cols - kWidth * 1.06, margin_y = s.photo.rows - kHeight * 1.06;
    s.from = {kWidth * 0.53 + u(rng) * margin_x * 0.3, kHeight * 0.53 + u(rng) * margin_y * 0.3};
    const double angle = u(rng) * 2 * CV_PI, speed = 40 * u(rng);
    s.velocity = {speed * std::cos(angle), speed * std::sin(angle) * 0.5};
    s.zoom_rate = (u(rng) - 0.5) * 0.02;  // per second
    s.gain0 = 0.9 + 0.2 * u(rng);
    s.gain1 = 0.9 + 0.2 * u(rng);
    plan.segments.push_back(std::move(s));
  }
  plan.frames = static_cast<int>(t * kFps);
  return plan;
}

// The window of segment `s` at time `t` (clamped inside the photo), with shake.
cv::Mat View(const Segment& s, double t, cv::Point2d shake) {
  const double local = t - s.start;
  const double zoom = 1 + s.zoom_rate * local;
  const double w = kWidth / zoom, h = kHeight / zoom;
  cv::Point2d c = s.from + s.velocity * local + shake;
  c.x = std::clamp(c.x, w / 2 + 1, s.photo.cols - w / 2 - 1);
  c.y = std::clamp(c.y, h / 2 + 1, s.photo.rows - h / 2 - 1);
  cv::Mat out;
  cv::getRectSubPix(s.photo, cv::Size(static_cast<int>(w), static_cast<int>(h)), c, out);
  cv::resize(out, out, cv::Size(kWidth, kHeight), 0, 0, cv::INTER_LINEAR);
  const double a = local / std::max(1e-6, s.end - s.start);
  out.convertTo(out, -1, s.gain0 + (s.gain1 - s.gain0) * a);
  return out;
}

cv::Mat Frame(const Plan& plan, int index, std::mt19937& rng) {
  const double t = static_cast<double>(index) / kFps;
  std::size_t k = 0;
  while (k + 1 < plan.segments.size() && t >= plan.segments[k + 1].start) ++k;
  std::normal_distribution<double> shake(0, 2);
  const cv::Point2d jitter(shake(rng), shake(rng));
  const Segment& s = plan.segments[k];
  cv::Mat out;
  if (s.whip && t < s.start + kTransition) {
    // The whip: the previous place sweeping out, the next sweeping in, blurred along the
    // sweep, crossing over.
    const double a = (t - s.start) / kTransition;
    const Segment& prev = plan.segments[k - 1];
    cv::Mat before = View(prev, s.start, jitter), after = View(s, s.start + kTransition, jitter);
    const int shift = static_cast<int>(a * kWidth);
    cv::Mat swept(before.size(), before.type());
    before(cv::Rect(shift, 0, kWidth - shift, kHeight))
        .copyTo(swept(cv::Rect(0, 0, kWidth - shift, kHeight)));
    if (shift > 0)
      after(cv::Rect(0, 0, shift, kHeight))
          .copyTo(swept(cv::Rect(kWidth - shift, 0, shift, kHeight)));
    cv::Mat kernel = cv::Mat::ones(1, 61, CV_32F) / 61.0;
    cv::filter2D(swept, out, -1, kernel);
  } else {
    out = View(s, t, jitter);
  }
  cv::Mat noise(out.size(), CV_16SC3);
  cv::randn(noise, 0, 2);
  out.convertTo(out, CV_16SC3);
  out += noise;
  out.convertTo(out, CV_8UC3);
  return out;
}

struct Tally {
  int found = 0, places = 0, keyframes = 0, segments = 0;
};

void Score(const Plan& plan, const std::vector<gv::Keyframe>& frames, Tally& tally) {
  tally.keyframes += static_cast<int>(frames.size());
  tally.segments += static_cast<int>(plan.segments.size());
  for (std::size_t k = 1; k < plan.segments.size(); ++k) {
    const auto& s = plan.segments[k];
    const double from = s.start + (s.whip ? kTransition : 0);
    bool hit = false;
    for (const auto& f : frames) hit = hit || (f.offset_s >= from - 0.02 && f.offset_s < s.end);
    tally.found += hit;
    ++tally.places;
  }
}

}  // namespace

int main(int argc, char** argv) {
  fs::path shared = "../shared";
  std::string split = "validation";
  int videos = 12;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--shared")
      shared = argv[i + 1];
    else if (a == "--split")
      split = argv[i + 1];
    else if (a == "--videos")
      videos = std::atoi(argv[i + 1]);
  }
  const auto photos = gv::bench::CameraBackgrounds(shared / "data" / "exif", split);
  if (photos.size() < 4) {
    std::fprintf(stderr, "eval_video: too few photos under %s\n", (shared / "data/exif").c_str());
    return 1;
  }
  const std::vector<double> thresholds = {0.1, 0.15, 0.2, 0.25, 0.3, 0.4};
  struct Encoding {
    const char* name;
    int width, height, gop;
    std::int64_t bit_rate;
  };
  const Encoding encodings[] = {
      {"phone (H.264 960x540, key/1 s, 6 Mb/s)", 960, 540, 30, 6'000'000},
      {"re-sent (H.264 640x360, key/250, 0.6 Mb/s)", 640, 360, 250, 600'000}};
  std::printf("split %s: %zu photos, %d videos of 4 places each, shipped threshold %.2f\n",
              split.c_str(), photos.size(), videos, gv::KeyframeOptions{}.scene_threshold);
  for (const auto& enc : encodings) {
    std::vector<Tally> tallies(thresholds.size());
    Tally shipped;
    double seconds = 0, video_seconds = 0;
    for (int v = 0; v < videos; ++v) {
      std::mt19937 rng(1000 + v);
      const Plan plan = MakePlan(photos, rng);
      gv::test::VideoSpec spec;
      spec.encoder = "libx264";
      spec.fps = kFps;
      spec.gop = enc.gop;
      spec.bit_rate = enc.bit_rate;
      spec.frames = plan.frames;
      std::mt19937 frame_rng(77 + v);
      spec.draw = [&](int i) {
        cv::Mat f = Frame(plan, i, frame_rng);
        if (enc.width != kWidth)
          cv::resize(f, f, cv::Size(enc.width, enc.height), 0, 0, cv::INTER_AREA);
        return f;
      };
      const auto bytes = gv::test::MakeVideo(spec);
      video_seconds += static_cast<double>(plan.frames) / kFps;
      for (std::size_t k = 0; k < thresholds.size(); ++k) {
        gv::KeyframeOptions o;
        o.scene_threshold = thresholds[k];
        o.max_frames = 100;
        auto frames = gv::ExtractKeyframes(bytes, o);
        if (frames.ok()) Score(plan, *frames, tallies[k]);
      }
      const auto t0 = std::chrono::steady_clock::now();
      auto frames = gv::ExtractKeyframes(bytes);  // as run takes them: shipped options, cap 6
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (frames.ok()) Score(plan, *frames, shipped);
    }
    std::printf("\n%s: %.0f s of video, keyframes taken in %.2f s (%.3f s per video second)\n",
                enc.name, video_seconds, seconds, seconds / video_seconds);
    std::printf("  %-9s %-14s %s\n", "threshold", "places found", "extra keyframes per place");
    for (std::size_t k = 0; k < thresholds.size(); ++k) {
      const Tally& t = tallies[k];
      std::printf("  %-9.2f %3d/%-3d %5.1f %%  %.2f\n", thresholds[k], t.found, t.places,
                  100.0 * t.found / std::max(1, t.places),
                  static_cast<double>(t.keyframes - t.segments) / std::max(1, t.segments));
    }
    std::printf(
        "  shipped (cap 6): %d/%d places found, %.2f extra per place\n", shipped.found,
        shipped.places,
        static_cast<double>(shipped.keyframes - shipped.segments) / std::max(1, shipped.segments));
  }
  return 0;
}
