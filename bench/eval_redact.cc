// Faces and speed of redaction (src/redact/, the `redact` command): the one public-domain
// face the project has (NASA's portrait of Eileen Collins, ../shared/data/faces) composited
// the way a victim's photo shows people: into the camera photos of ../shared/data/exif
// (resized to 1600 px, a forwarded photo's size), 1-3 faces each, face widths drawn
// log-uniformly from 40 to 240 px, turned in the picture's plane (up to 20 deg), squeezed
// sideways as a turned head is (to 0.7), mirrored half of the time, lit darker or brighter
// (x0.6-1.3), the photo blurred (half: sigma 0.3-1.2), noised and saved as JPEG 60-95.
// Figures:
//   recall   a face is proposed when proposals cover half of its box or more (--faces
//            propose); hidden when the filled regions (margin 0.2) cover 90 % of it
//            (--faces fill), by face width band
//   false    proposals that touch no composited face, per photo; and proposals on the
//            untouched photos (which may show people: counted, not judged)
//   speed    RedactEvidence (decode, faces, fill, encode, check) on 12 MP JPEGs
// Splits: backgrounds sorted by path, even ones --split tune, odd ones --split validation
// (the default, what docs/evaluation.md reports).
// Usage: eval_redact [--shared DIR] [--split tune|validation] [--per-photo N (3)] [--speed N (4)]
//                    [--verify-threshold T] [--min-neighbours N] [--scale-factor F] [--no-verify]
//                    [--tilts A,B,...]
//                    (the face detector's settings, to tune them on the tune split)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "camera_backgrounds.h"
#include "image/evidence.h"
#include "redact/faces.h"
#include "redact/redact.h"

namespace {

using namespace gv;
namespace fs = std::filesystem;

struct Rate {
  int hit = 0, n = 0;
  void Add(bool ok) { hit += ok, ++n; }
  double Pct() const { return n ? 100.0 * hit / n : 0; }
};

std::string Band(double w) { return w < 80 ? "40-79" : w < 160 ? "80-159" : "160-240"; }

double Covered(const cv::Rect& face, const std::vector<cv::Rect>& boxes) {
  cv::Mat mask(face.size(), CV_8U, cv::Scalar(0));
  for (const auto& b : boxes) {
    const cv::Rect r = (b & face) - face.tl();
    if (r.area() > 0) mask(r).setTo(255);
  }
  return static_cast<double>(cv::countNonZero(mask)) / face.area();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path shared = "../shared/data";
  std::string split = "validation";
  int per_photo = 3, speed = 4;
  RedactOptions fill;  // --faces fill, margin 0.2
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--shared" && i + 1 < argc)
      shared = argv[++i];
    else if (a == "--split" && i + 1 < argc)
      split = argv[++i];
    else if (a == "--per-photo" && i + 1 < argc)
      per_photo = std::stoi(argv[++i]);
    else if (a == "--speed" && i + 1 < argc)
      speed = std::stoi(argv[++i]);
    else if (a == "--verify-threshold" && i + 1 < argc)
      fill.detect.verify_threshold = std::stod(argv[++i]);
    else if (a == "--min-neighbours" && i + 1 < argc)
      fill.detect.min_neighbours = std::stoi(argv[++i]);
    else if (a == "--scale-factor" && i + 1 < argc)
      fill.detect.scale_factor = std::stod(argv[++i]);
    else if (a == "--no-verify")
      fill.detect.verify = false;
    else if (a == "--tilts" && i + 1 < argc) {
      fill.detect.tilts.clear();
      std::stringstream list(argv[++i]);
      for (std::string t; std::getline(list, t, ',');) fill.detect.tilts.push_back(std::stod(t));
    } else {
      std::fprintf(stderr,
                   "usage: eval_redact [--shared DIR] [--split tune|validation] [--per-photo N] "
                   "[--speed N]\n");
      return 2;
    }
  }
  const cv::Mat portrait = cv::imread((shared / "faces/astronaut.png").string());
  if (portrait.empty()) {
    std::fprintf(stderr, "eval_redact: %s/faces/astronaut.png not found\n", shared.c_str());
    return 2;
  }
  // The face in the 512 px portrait, and the head around it (hair, neck) that is pasted.
  const cv::Rect face_in(176, 68, 99, 103), head_in(136, 20, 180, 200);
  // Backgrounds as scripts/eval-text picks them, at a forwarded photo's 1,600 px.
  auto backgrounds = bench::CameraBackgrounds(shared / "exif", split);
  for (auto& [path, img] : backgrounds) {
    const double s = 1600.0 / std::max(img.cols, img.rows);
    cv::resize(img, img, cv::Size(), s, s, s > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  }
  auto detector = FaceDetector::Open();
  if (!detector.ok()) {
    std::fprintf(stderr, "eval_redact: %s\n", detector.error().message.c_str());
    return 1;
  }
  std::mt19937 rng(split == "tune" ? 11 : 12);
  std::uniform_real_distribution<double> u(0, 1);
  std::map<std::string, Rate> proposed, hidden;
  Rate all_proposed, all_hidden;
  int false_props = 0, composites = 0, untouched_props = 0;
  for (const auto& [path, background] : backgrounds) {
    for (int k = 0; k < per_photo; ++k) {
      cv::Mat photo = background.clone();
      std::vector<cv::Rect> faces;
      const int count = 1 + static_cast<int>(u(rng) * 3);
      for (int f = 0; f < count; ++f) {
        const double width = 40 * std::exp(u(rng) * std::log(240.0 / 40));
        const double s = width / face_in.width, squeeze = 0.7 + 0.3 * u(rng);
        const double angle = (u(rng) * 2 - 1) * 20, gain = 0.6 + 0.7 * u(rng);
        cv::Mat head = portrait(head_in).clone();
        if (u(rng) < 0.5) cv::flip(head, head, 1);
        head.convertTo(head, -1, gain, 0);
        cv::resize(head, head, cv::Size(), s * squeeze, s, cv::INTER_AREA);
        // An elliptical, feathered mask: the head without the portrait's background corners.
        cv::Mat mask(head.size(), CV_32F, cv::Scalar(0));
        cv::ellipse(mask, cv::Point(head.cols / 2, head.rows / 2),
                    cv::Size(head.cols * 9 / 20, head.rows * 9 / 20), 0, 0, 360, cv::Scalar(1), -1);
        cv::GaussianBlur(mask, mask, cv::Size(0, 0), std::max(1.0, head.cols / 30.0));
        const cv::Mat rot =
            cv::getRotationMatrix2D(cv::Point2f(head.cols / 2.f, head.rows / 2.f), angle, 1.0);
        cv::warpAffine(head, head, rot, head.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        cv::warpAffine(mask, mask, rot, mask.size());
        // Where the face lands: its box rotated with the head, as an upright bounding box.
        const cv::Point2f c(
            (face_in.x - head_in.x + face_in.width / 2.f) * static_cast<float>(s * squeeze),
            (face_in.y - head_in.y + face_in.height / 2.f) * static_cast<float>(s));
        const cv::RotatedRect turned(
            cv::Point2f(static_cast<float>(rot.at<double>(0, 0) * c.x + rot.at<double>(0, 1) * c.y +
                                           rot.at<double>(0, 2)),
                        static_cast<float>(rot.at<double>(1, 0) * c.x + rot.at<double>(1, 1) * c.y +
                                           rot.at<double>(1, 2))),
            cv::Size2f(static_cast<float>(face_in.width * s * squeeze),
                       static_cast<float>(face_in.height * s)),
            static_cast<float>(-angle));
        if (head.cols + 20 >= photo.cols || head.rows + 20 >= photo.rows) continue;
        cv::Rect at;
        bool placed = false;
        for (int attempt = 0; attempt < 20 && !placed; ++attempt) {
          at = cv::Rect(10 + static_cast<int>(u(rng) * (photo.cols - head.cols - 20)),
                        10 + static_cast<int>(u(rng) * (photo.rows - head.rows - 20)), head.cols,
                        head.rows);
          placed = std::none_of(faces.begin(), faces.end(), [&](const cv::Rect& r) {
            return (r & cv::Rect(at.x - 20, at.y - 20, at.width + 40, at.height + 40)).area() > 0;
          });
        }
        if (!placed) continue;
        cv::Mat roi = photo(at), headf, roif;
        head.convertTo(headf, CV_32FC3);
        roi.convertTo(roif, CV_32FC3);
        cv::Mat m3;
        cv::merge(std::vector<cv::Mat>{mask, mask, mask}, m3);
        cv::Mat blended = headf.mul(m3) + roif.mul(cv::Scalar(1, 1, 1) - m3);
        blended.convertTo(roi, CV_8UC3);
        faces.push_back(turned.boundingRect() + at.tl());
      }
      if (u(rng) < 0.5) cv::GaussianBlur(photo, photo, cv::Size(0, 0), 0.3 + 0.9 * u(rng));
      cv::Mat noise(photo.size(), CV_16SC3);
      cv::randn(noise, 0, 1 + 4 * u(rng));
      photo.convertTo(photo, CV_16SC3);
      photo += noise;
      photo.convertTo(photo, CV_8UC3);
      std::vector<std::uint8_t> jpeg;
      cv::imencode(".jpg", photo, jpeg,
                   {cv::IMWRITE_JPEG_QUALITY, 60 + static_cast<int>(u(rng) * 35)});
      Evidence evidence(path.filename().string() + "#" + std::to_string(k), jpeg, DecodeLimits{});
      auto copy = RedactEvidence(evidence, {}, detector->get(), fill);
      if (!copy.ok()) {
        std::fprintf(stderr, "eval_redact: %s\n", copy.error().message.c_str());
        return 1;
      }
      ++composites;
      std::vector<cv::Rect> props, filled;
      for (const auto& p : copy->proposals) props.push_back(p.box);
      for (const auto& r : copy->regions) filled.push_back(r.box);
      for (const auto& f : faces) {
        const bool p = Covered(f, props) >= 0.5, h = Covered(f, filled) >= 0.9;
        proposed[Band(f.width)].Add(p), hidden[Band(f.width)].Add(h);
        all_proposed.Add(p), all_hidden.Add(h);
      }
      for (const auto& p : props)
        false_props += std::none_of(faces.begin(), faces.end(),
                                    [&](const cv::Rect& f) { return (f & p).area() > 0; });
    }
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", background, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
    untouched_props += static_cast<int>(
        (*detector)->Detect(cv::imdecode(jpeg, cv::IMREAD_COLOR), fill.detect).size());
  }
  // Speed: 12 MP JPEGs (the composites' backgrounds upscaled), the whole redaction.
  std::vector<double> seconds;
  for (int i = 0; i < speed && i < static_cast<int>(backgrounds.size()); ++i) {
    cv::Mat big;
    cv::resize(backgrounds[static_cast<std::size_t>(i)].second, big, cv::Size(4000, 3000), 0, 0,
               cv::INTER_CUBIC);
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", big, jpeg, {cv::IMWRITE_JPEG_QUALITY, 92});
    Evidence evidence("speed.jpg", jpeg, DecodeLimits{});
    const auto t0 = std::chrono::steady_clock::now();
    auto copy = RedactEvidence(evidence, {}, detector->get(), fill);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (!copy.ok()) return 1;
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("eval-redact: split %s, %zu background photos, %d composites, %d faces\n\n",
              split.c_str(), backgrounds.size(), composites, all_proposed.n);
  std::printf("%-40s %10s %10s\n", "figure", "geoverify", "target");
  for (const char* band : {"40-79", "80-159", "160-240"})
    std::printf("faces proposed, width %-7s px          %8.1f%%          -  (%d faces)\n", band,
                proposed[band].Pct(), proposed[band].n);
  std::printf("%-40s %9.1f%% %10s  (%d faces)\n", "faces proposed, width >= 40 px",
              all_proposed.Pct(), ">= 90%", all_proposed.n);
  for (const char* band : {"40-79", "80-159", "160-240"})
    std::printf("faces hidden (fill), width %-7s px     %8.1f%%          -  (%d faces)\n", band,
                hidden[band].Pct(), hidden[band].n);
  std::printf("%-40s %9.1f%% %10s\n", "faces hidden (fill), width >= 40 px", all_hidden.Pct(), "-");
  std::printf("%-40s %10.2f %10s  (%d proposals in %d photos)\n", "false proposals per composite",
              composites ? static_cast<double>(false_props) / composites : 0.0, "reported",
              false_props, composites);
  std::printf("%-40s %10d %10s  (%zu photos; some show people)\n",
              "proposals on the untouched photos", untouched_props, "reported", backgrounds.size());
  if (!seconds.empty())
    std::printf("seconds per 12 MP photo: median %.2f, max %.2f         < 1  (%zu photos)\n",
                seconds[seconds.size() / 2], seconds.back(), seconds.size());
  return 0;
}
