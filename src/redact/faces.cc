#include "redact/faces.h"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>

#include <algorithm>
#include <filesystem>
#include <future>
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
  // dlib HOG on the whole picture: an 80 px window; up to 2x, at most 2,000 px a side. It
  // runs on its own thread beside the cascades (which OpenCV spreads over the cores).
  auto hog = std::async(std::launch::async, [&] {
    std::vector<FaceProposal> out;
    const double s = std::min(2.0, 2000.0 / longest);
    cv::Mat img;
    cv::resize(gray, img, cv::Size(), s, s, s > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
    dlib::cv_image<unsigned char> view(img);
    std::vector<dlib::rect_detection> dets;
    impl_->hog(view, dets, 0.0);
    for (const auto& d : dets)
      Add(out,
          cv::Rect(static_cast<int>(d.rect.left()), static_cast<int>(d.rect.top()),
                   static_cast<int>(d.rect.width()), static_cast<int>(d.rect.height())),
          s, d.detection_confidence, "dlib-hog", false, bgr.cols);
    return out;
  });
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
    // Heads tilted sideways: the frontal cascade on the picture turned each way.
    if (pass != 0) continue;
    for (const double angle : options.tilts) {
      const cv::Point2f centre(img.cols / 2.0f, img.rows / 2.0f);
      cv::Mat rot = cv::getRotationMatrix2D(centre, angle, 1.0);
      const cv::Rect2f bounds =
          cv::RotatedRect(centre, img.size(), static_cast<float>(angle)).boundingRect2f();
      rot.at<double>(0, 2) += bounds.width / 2.0 - centre.x;
      rot.at<double>(1, 2) += bounds.height / 2.0 - centre.y;
      cv::Mat turned;
      // Grey corners, not the picture's edges smeared: the cascade leaves them at once.
      cv::warpAffine(img, turned, rot, bounds.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                     cv::Scalar(128));
      cv::Mat back;
      cv::invertAffineTransform(rot, back);
      rects.clear(), neighbours.clear();
      cascade.detectMultiScale(turned, rects, neighbours, options.scale_factor,
                               options.min_neighbours, 0, cv::Size(24, 24));
      for (std::size_t i = 0; i < rects.size(); ++i) {
        const cv::Point2d c(rects[i].x + rects[i].width / 2.0, rects[i].y + rects[i].height / 2.0);
        const cv::Point2d o(
            back.at<double>(0, 0) * c.x + back.at<double>(0, 1) * c.y + back.at<double>(0, 2),
            back.at<double>(1, 0) * c.x + back.at<double>(1, 1) * c.y + back.at<double>(1, 2));
        const int side = static_cast<int>(rects[i].width * 1.15);
        Add(haar,
            cv::Rect(static_cast<int>(o.x - side / 2.0), static_cast<int>(o.y - side / 2.0), side,
                     side),
            s, neighbours[i], "haar-frontal-tilted", false, bgr.cols);
      }
    }
  }
  found = hog.get();
  const std::size_t from_dlib = found.size();
  // A cascade's detection that dlib made too joins it; another is checked by dlib on its
  // neighbourhood, enlarged so that the face would be 100 px wide.
  for (auto& h : haar) {
    h.box &= cv::Rect(0, 0, gray.cols, gray.rows);
    if (h.box.width < 8 || h.box.height < 8) continue;
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
