// Copy-move detection: regions copied within the same photo (a cloned wall hiding a window,
// a duplicated crowd), also rotated, scaled or recompressed. RootSIFT keypoints matched
// against the photo itself (nearest neighbour that is not the keypoint's own
// neighbourhood, ratio test), then the largest set of matches one affine map explains
// (RANSAC; many low-contrast keypoints, approximate matching by seeded k-d trees), after Amerini et
// al., "A SIFT-based forensic method for copy-move attack detection", IEEE TIFS 2011. For copies
// moved without rotation where keypoints are few (flat walls, sky), a block method: the shifts
// under which the whitened fine detail repeats (autocorrelation through the DFT) and the regions
// where it does. Mirrored copies are matched through the mirror images of the descriptors.
// Every candidate is scored by how well the target's detail correlates with the
// source's carried over; the best is kept. The mask covers the copied source and target regions.
#pragma once

#include <functional>
#include <opencv2/core.hpp>
#include <string>

#include "util/result.h"

namespace gv {

struct CopyMoveOptions {
  int max_side = 1600;                // the photo is analysed at most this big
  int max_keypoints = 16000;          // SIFT keypoints kept (the strongest)
  double contrast_threshold = 0.005;  // SIFT's; low, for small and not very busy copies
  int min_inliers = 6;                // matches an affine map must explain to be a candidate
  double min_shift_px = 24;           // a copy must move at least this far (analysis pixels)
  double min_score = 0.65;            // detail correlation a copy needs (untouched photos: <= 0.32)
  Status Check() const;
};

struct CopyMoveResult {
  bool detected = false;
  std::string method;       // "keypoints" or "block_correlation": which found the best map
  int matches = 0;          // keypoint matches explained by the best affine map
  double score = 0;         // correlation (-1..1) of the high-pass detail of the target region
                            // with the source region carried over by the affine map: a copy
                            // repeats the source's fine detail, a repeated structure does not
  cv::Rect source, target;  // bounding boxes in photo pixels (empty when not detected)
  cv::Matx23d source_to_target = cv::Matx23d::eye();  // photo pixels
  bool mirrored = false;  // the copy is the source's mirror image (the map's determinant < 0)
  cv::Mat mask;           // CV_8UC1, photo size, 255 on the source and target regions
};

// `scale_space_freed`, when given, is called once SIFT's scale space (the largest memory of
// the forensics step) is freed, or when the detection ends without it.
Result<CopyMoveResult> DetectCopyMove(const cv::Mat& image, const CopyMoveOptions& options = {},
                                      const std::function<void()>& scale_space_freed = {});

// The steps behind `score` (also for tests): the high-pass detail of a grey 8-bit image (CV_32F);
// the correlation over `target` (CV_8UC1 mask) of the detail with the source's carried over by
// `source_to_target`; and that map refined on the detail (ECC, affine), returned unchanged
// when the refinement fails or moves the target's box corners by more than 2 px.
cv::Mat CopyMoveDetail(const cv::Mat& gray);
double CopyMoveCorrelation(const cv::Mat& detail, const cv::Matx23d& source_to_target,
                           const cv::Mat& target);
cv::Matx23d RefineCopyMoveMap(const cv::Mat& detail, const cv::Matx23d& source_to_target,
                              const cv::Mat& target);

}  // namespace gv
