#include "match/features.h"

#include <algorithm>
#include <cmath>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

namespace gv {

Status FeatureOptions::Check() const {
  if (max_features < 16 || max_features > 100000)
    return MakeError("max_features must be within 16..100000");
  if (detection_max_side < 64) return MakeError("detection_max_side must be at least 64");
  if (!(sift_contrast_threshold > 0 && sift_contrast_threshold < 1))
    return MakeError("sift_contrast_threshold must be in (0, 1)");
  return OkStatus();
}

Result<Detector> ParseDetector(const std::string& name) {
  if (name == "sift") return Detector::kSift;
  if (name == "akaze") return Detector::kAkaze;
  if (name == "orb") return Detector::kOrb;
  return MakeError("unknown detector '" + name + "' (sift, akaze, orb)");
}

Result<Features> DetectFeatures(const cv::Mat& image, const FeatureOptions& options,
                                const cv::Mat& mask) {
  if (auto st = options.Check(); !st.ok()) return st.error();
  if (image.empty()) return MakeError("empty image");
  if (!mask.empty() && (mask.size() != image.size() || mask.type() != CV_8UC1))
    return MakeError("feature mask does not match the image");
  try {
    cv::Mat gray;
    if (image.channels() == 1)
      gray = image;
    else
      cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    const int longest = std::max(gray.cols, gray.rows);
    double scale = 1.0;
    cv::Mat detection_mask = mask;
    if (longest > options.detection_max_side) {
      scale = static_cast<double>(options.detection_max_side) / longest;
      cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
      if (!mask.empty()) cv::resize(mask, detection_mask, gray.size(), 0, 0, cv::INTER_NEAREST);
    }
    cv::Ptr<cv::Feature2D> detector;
    switch (options.detector) {
      case Detector::kSift:
        detector = cv::SIFT::create(options.max_features, 3, options.sift_contrast_threshold);
        break;
      case Detector::kAkaze:
        detector = cv::AKAZE::create();
        break;
      case Detector::kOrb:
        detector = cv::ORB::create(options.max_features);
        break;
    }
    Features f;
    f.image_size = image.size();
    // An empty mask means no mask to OpenCV.
    detector->detectAndCompute(gray, detection_mask, f.keypoints, f.descriptors);
    if (options.detector == Detector::kAkaze &&
        static_cast<int>(f.keypoints.size()) > options.max_features) {
      // Keep the strongest responses.
      std::vector<int> order(f.keypoints.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
      std::partial_sort(
          order.begin(), order.begin() + options.max_features, order.end(),
          [&](int a, int b) { return f.keypoints[a].response > f.keypoints[b].response; });
      order.resize(options.max_features);
      std::vector<cv::KeyPoint> kept;
      cv::Mat desc(static_cast<int>(order.size()), f.descriptors.cols, f.descriptors.type());
      for (std::size_t i = 0; i < order.size(); ++i) {
        kept.push_back(f.keypoints[order[i]]);
        f.descriptors.row(order[i]).copyTo(desc.row(static_cast<int>(i)));
      }
      f.keypoints = std::move(kept);
      f.descriptors = desc;
    }
    if (f.keypoints.size() < 8) {
      return MakeError("no usable features (" + std::to_string(f.keypoints.size()) +
                       " found): blank, tiny or featureless image");
    }
    f.binary = f.descriptors.type() == CV_8U;
    if (options.detector == Detector::kSift && options.root_sift) {
      // RootSIFT: L1-normalise, then square root (Hellinger kernel as Euclidean distance).
      for (int r = 0; r < f.descriptors.rows; ++r) {
        cv::Mat row = f.descriptors.row(r);
        const double l1 = cv::norm(row, cv::NORM_L1);
        if (l1 > 0) row /= l1;
        cv::sqrt(row, row);
      }
    }
    if (scale != 1.0) {
      for (auto& k : f.keypoints) {
        k.pt.x = static_cast<float>((k.pt.x + 0.5) / scale - 0.5);
        k.pt.y = static_cast<float>((k.pt.y + 0.5) / scale - 0.5);
        k.size = static_cast<float>(k.size / scale);
      }
    }
    return f;
  } catch (const cv::Exception& e) {
    return MakeError(std::string("feature detection failed: ") + e.what());
  }
}

}  // namespace gv
