#include "redact/faces.h"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

namespace gv {

struct FaceDetector::Impl {
  cv::CascadeClassifier frontal, profile;
  dlib::frontal_face_detector hog = dlib::get_frontal_face_detector();
  mutable std::mutex mutex;  // the detectors keep scratch state
};

FaceDetector::FaceDetector() : impl_(std::make_unique<Impl>()) {}
FaceDetector::~FaceDetector() = default;

Result<std::unique_ptr<FaceDetector>> FaceDetector::Open(const std::string& cascades) {
  std::unique_ptr<FaceDetector> d(new FaceDetector());
  const std::string frontal = cascades + "/haarcascade_frontalface_default.xml";
  const std::string profile = cascades + "/haarcascade_profileface.xml";
  for (const auto& f : {frontal, profile})
    if (!std::filesystem::exists(f))
      return MakeError(f + " is missing: install the Debian package opencv-data");
  if (!d->impl_->frontal.load(frontal) || !d->impl_->profile.load(profile))
    return MakeError("OpenCV could not load the face cascades in " + cascades);
  return d;
}

namespace {

void Add(std::vector<FaceProposal>& out, const cv::Rect& r, double scale, double score,
         const char* detector, bool mirrored, int width) {
  cv::Rect box(static_cast<int>(std::floor(r.x / scale)), static_cast<int>(std::floor(r.y / scale)),
               static_cast<int>(std::ceil(r.width / scale)),
               static_cast<int>(std::ceil(r.height / scale)));
  if (mirrored) box.x = width - box.x - box.width;
  out.push_back({box, score, detector});
}

}  // namespace

std::vector<FaceProposal> FaceDetector::Detect(const cv::Mat& bgr,
                                               const FaceDetectOptions& options) const {
  std::lock_guard lock(impl_->mutex);
  std::vector<FaceProposal> found;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const int longest = std::max(gray.cols, gray.rows);
  const auto overlaps = [](const cv::Rect& a, const cv::Rect& b) {
    return (a & b).area() >= 0.3 * std::min(a.area(), b.area());
  };
  // dlib HOG on the whole picture: an 80 px window; up to 2x, at most 2,000 px a side.
  {
    const double s = std::min(2.0, 2000.0 / longest);
    cv::Mat img;
    cv::resize(gray, img, cv::Size(), s, s, s > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
    dlib::cv_image<unsigned char> view(img);
    std::vector<dlib::rect_detection> dets;
    impl_->hog(view, dets, 0.0);
    for (const auto& d : dets)
      Add(found,
          cv::Rect(static_cast<int>(d.rect.left()), static_cast<int>(d.rect.top()),
                   static_cast<int>(d.rect.width()), static_cast<int>(d.rect.height())),
          s, d.detection_confidence, "dlib-hog", false, bgr.cols);
  }
  const std::size_t from_dlib = found.size();
  // Haar: a 24 px window. The frontal cascade on the picture enlarged up to 1.5x (small
  // faces turned or lit badly are found more often at 60 px than at 40) and at most
  // haar_max_side; the profile cascade (both ways) up to 1x and two thirds of that.
  std::vector<FaceProposal> haar;
  for (int pass = 0; pass < 3; ++pass) {
    const double s = pass == 0 ? std::min(1.5, options.haar_max_side / longest)
                               : std::min(1.0, options.haar_max_side / 1.5 / longest);
    cv::Mat img;
    cv::resize(gray, img, cv::Size(), s, s, s > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
    cv::equalizeHist(img, img);
    if (pass == 2) cv::flip(img, img, 1);
    auto& cascade = pass == 0 ? impl_->frontal : impl_->profile;
    std::vector<cv::Rect> rects;
    std::vector<int> neighbours;
    cascade.detectMultiScale(img, rects, neighbours, options.scale_factor, options.min_neighbours,
                             0, cv::Size(24, 24));
    for (std::size_t i = 0; i < rects.size(); ++i)
      Add(haar, rects[i], s, neighbours[i], pass == 0 ? "haar-frontal" : "haar-profile", pass == 2,
          bgr.cols);
  }
  // A cascade's detection that dlib made too joins it; another is checked by dlib on its
  // neighbourhood, enlarged so that the face would be 100 px wide.
  for (auto& h : haar) {
    const bool seen =
        std::any_of(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(from_dlib),
                    [&](const FaceProposal& d) { return overlaps(d.box, h.box); });
    if (seen || !options.verify) {
      found.push_back(h);
      continue;
    }
    const cv::Rect around = cv::Rect(h.box.x - h.box.width / 2, h.box.y - h.box.height / 2,
                                     h.box.width * 2, h.box.height * 2) &
                            cv::Rect(0, 0, gray.cols, gray.rows);
    const double s = 100.0 / h.box.width;
    cv::Mat crop;
    cv::resize(gray(around), crop, cv::Size(), s, s, s > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
    dlib::cv_image<unsigned char> view(crop);
    std::vector<dlib::rect_detection> dets;
    impl_->hog(view, dets, options.verify_threshold);
    const cv::Point2d centre = (h.box.tl() + h.box.br()) * 0.5;
    for (const auto& d : dets) {
      const cv::Point2d c(around.x + (d.rect.left() + d.rect.right()) * 0.5 / s,
                          around.y + (d.rect.top() + d.rect.bottom()) * 0.5 / s);
      if (std::abs(c.x - centre.x) < h.box.width * 0.35 &&
          std::abs(c.y - centre.y) < h.box.height * 0.35) {
        h.detector += "+dlib-check";
        found.push_back(h);
        break;
      }
    }
  }
  // Overlapping proposals become one, their union: a face seen by two detectors.
  std::vector<FaceProposal> merged;
  std::sort(found.begin(), found.end(), [](const FaceProposal& a, const FaceProposal& b) {
    return a.box.area() > b.box.area();
  });
  for (auto& f : found) {
    f.box &= cv::Rect(0, 0, bgr.cols, bgr.rows);
    if (f.box.area() <= 0) continue;
    bool joined = false;
    for (auto& m : merged) {
      if (overlaps(m.box, f.box)) {
        m.box |= f.box;
        m.score = std::max(m.score, f.score);
        if (m.detector.find(f.detector) == std::string::npos) m.detector += "+" + f.detector;
        joined = true;
        break;
      }
    }
    if (!joined) merged.push_back(f);
  }
  return merged;
}

}  // namespace gv
