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

std::vector<FaceProposal> FaceDetector::Detect(const cv::Mat& bgr) const {
  std::lock_guard lock(impl_->mutex);
  std::vector<FaceProposal> found;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const int longest = std::max(gray.cols, gray.rows);
  // Haar: a 40 px face at 24 px, at most 2,400 px a side (a 12 MP photo at 0.6x).
  {
    const double s = std::min(1.0, 2400.0 / longest);
    cv::Mat small;
    cv::resize(gray, small, cv::Size(), s, s, cv::INTER_AREA);
    cv::equalizeHist(small, small);
    for (int pass = 0; pass < 3; ++pass) {
      cv::Mat img = small;
      if (pass == 2) cv::flip(small, img, 1);
      auto& cascade = pass == 0 ? impl_->frontal : impl_->profile;
      std::vector<cv::Rect> rects;
      std::vector<int> neighbours;
      cascade.detectMultiScale(img, rects, neighbours, 1.1, 4, 0, cv::Size(24, 24));
      for (std::size_t i = 0; i < rects.size(); ++i)
        Add(found, rects[i], s, neighbours[i], pass == 0 ? "haar-frontal" : "haar-profile",
            pass == 2, bgr.cols);
    }
  }
  // dlib HOG: an 80 px window; up to 2x, at most 2,000 px a side.
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
      const double inter = (m.box & f.box).area();
      if (inter >= 0.3 * std::min(m.box.area(), f.box.area())) {
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
