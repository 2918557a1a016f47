// Copy-move forgeries with their ground truth, for the forensics evaluation and tests: a
// square region of a photo copied elsewhere, rotated by `angle_deg` and scaled by `scale`
// about its centre (bilinear, as an editor's transform tool does).
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <random>

namespace gv::bench {

struct Forgery {
  cv::Mat image;  // the photo with the copy pasted in (not yet compressed)
  cv::Mat truth;  // CV_8UC1, 255 on the source and the pasted target
};

// Copies `source` of `photo` so that its centre lands on `to`.
Forgery CopyRegion(const cv::Mat& photo, const cv::Rect& source, cv::Point2f to, double angle_deg,
                   double scale);

// Pastes the `object` (CV_8UC1 mask of `photo`, 255 on it) carried by `map` (photo pixels
// to photo pixels; a mirror has a negative determinant) with its edge feathered: the mask is
// blurred with sigma `feather_px` and used as the paste's opacity. The truth is the object
// and where the copy's opacity is above one half. `photo` is 8-bit BGR.
Forgery PasteObject(const cv::Mat& photo, const cv::Mat& object, const cv::Matx23d& map,
                    double feather_px);

// A copy made the way a person makes one in an image editor: an object (not a block) cut
// out along its outline by GrabCut, pasted elsewhere with a feathered edge, scaled, rotated
// and sometimes mirrored. The alpha-blended paste leaves the object's soft rim mixed with
// the new background.
struct ObjectCopyOptions {
  double min_size = 1 / 6.0, max_size = 1 / 3.0;  // the object's box, of the short side
  double max_angle_deg = 30;
  double min_scale = 0.8, max_scale = 1.2;
  double mirror_probability = 1 / 3.0;
  double min_feather_px = 1, max_feather_px = 4;  // sigma of the edge's blur, photo pixels
};

struct ObjectCopy {
  Forgery forgery;
  cv::Rect object;  // the object's box before the copy
  double angle_deg = 0, scale = 1, feather_px = 0;
  bool mirrored = false;
  double coverage = 0;  // the object's share of its box
};

// Picks a region, segments the object in it (GrabCut seeded with the box; kept when the
// object fills 25-85 % of it, else another region is tried, up to 40) and pastes the copy
// where it does not overlap the source. Empty when no region gave an object.
std::optional<ObjectCopy> CopyObject(const cv::Mat& photo, std::mt19937_64& rng,
                                     const ObjectCopyOptions& options = {});

}  // namespace gv::bench
