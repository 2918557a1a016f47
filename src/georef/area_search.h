// Area-based registration of a photo of the ground when its heading and scale are roughly
// known (a drone's yaw and altitude, a compass bearing, the analyst's estimate), for
// basemaps taken years apart from the photo, where feature matching finds almost nothing
// in common (crops and water change; roads, field edges and buildings stay).
//
// Both pictures become doubled-angle gradient orientation fields, e^(2i theta) weighted by
// the gradient's strength: the direction of edges, whatever their contrast or its sign.
// 1. Coarse: the photo is turned and scaled by every pair of a grid over the prior's
//    ranges (2 degrees and 4 % apart) and its field is correlated with the basemap's over
//    every position at once (FFT; normalised by the basemap's local energy).
// 2. Fine: the six best distinct peaks are refined by correlating patches of the photo (a
//    grid over it) around their predicted places: an affine fit first (5x5 patches), then
//    up to seven rounds of homographies (6x6, then 8x8 patches), each from the last; the
//    round whose patches agree best is kept (it takes up the perspective that the
//    similarity of step 1 does not model), checked against the priors.
// 3. Dense: from the two best coarse peaks, the homography is also aligned on the whole
//    fields (AlignOrientationFields); it replaces the patches' when its fields correlate
//    well and better than theirs, or stands alone where the patches agreed on no place but
//    it correlates well and a round of patches around it agrees (at least 6 and 30 %).
// 4. Tilted: where steps 1-3 found no place, or one whose fields correlate below 0.33,
//    they run again with the photo unfolded by a guessed camera tilt (35 degrees about
//    eight axes 45 degrees apart), which brings a photo tilted 25-45 degrees back near a
//    similarity of the ground. A place found so is kept when its fields correlate as well
//    as step 3 requires (0.33), whichever stage found it; failing that, the patches' place
//    and the dense alignments from the two best peaks are polished (step 5) and the best
//    correlated is kept at 0.33; failing that too, where the pass's best coarse peak stands
//    out (1.3 times the next distinct one), the best of them at that peak is kept at 0.25,
//    as a weak place. A weak first place is kept instead when it lies there too or
//    correlates better, or (at 0.2 or more) when the tilted pass kept nothing.
// 5. Polish: the place kept is aligned once more on the finest level alone
//    (PolishOrientationFields), kept when its fields correlate better.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <utility>
#include <vector>

#include "geo/basemap.h"

namespace gv {

struct AreaSearchPrior {
  double rotation_deg = 0;  // of the photo's up direction in basemap pixels, clockwise from up
  double rotation_tol_deg = 10;
  double scale = 1;  // basemap pixels per photo pixel at the photo's centre
  double scale_rel_tol = 0.2;
};

struct AreaSearchResult {
  bool ok = false;
  cv::Matx33d homography = cv::Matx33d::eye();  // photo pixels -> basemap pixels
  // Patch centres that agree with the homography (photo, basemap), full resolution.
  std::vector<std::pair<cv::Point2f, cv::Point2f>> points;
  int patches = 0;        // patches correlated in the last round
  double coarse = 0;      // normalised correlation of the best coarse peak
  double patch_mean = 0;  // mean normalised correlation of the agreeing patches
  // The orientation fields' correlation at the place (finest level; 0 when too little of the
  // photo falls on the basemap's data to compare), and whether it is below the 0.33 that a
  // place found through a guessed tilt needs: a weak place, as likely wrong as right on the
  // validation views (docs/evaluation.md), to be reported as tentative.
  double fields = 0;
  bool weak = false;
  std::string log;  // what was searched, for the result's levels_searched
};

// A homography aligned densely on the orientation fields (step 3 of AreaSearch).
struct FieldAlignment {
  bool ok = false;  // converged to a homography a camera over flat ground can make
  cv::Matx33d homography = cv::Matx33d::eye();  // photo pixels -> basemap pixels
  double correlation = 0;  // normalised correlation of the two fields (finest level)
};

// From `start` (photo pixels -> full-resolution basemap pixels), the homography that best
// aligns the photo's orientation field with the basemap's: coarse to fine (the footprint
// 96, 192 and 384 basemap level pixels wide), at each level the photo seen from above by the
// current homography and a correction found by Levenberg-Marquardt on the fields (least
// squares up to a positive gain; a step is taken only when the fields correlate better), run
// with a homography at every level and with an affine correction at the coarsest, the better
// correlated kept. With `refine` false, only the correlation at `start`. `photo`: 8-bit grey.
FieldAlignment AlignOrientationFields(const cv::Mat& photo, const Basemap& map,
                                      const cv::Matx33d& start, bool refine = true);

// From `start`, the homography aligned on the finest level alone (no coarser levels, whose
// blur may pull a nearly right homography away).
FieldAlignment PolishOrientationFields(const cv::Mat& photo, const Basemap& map,
                                       const cv::Matx33d& start);

// |a - b| on the circle, degrees in [0, 180].
double AngleBetweenDeg(double a, double b);

// `photo`: 8-bit grey. `region`: full-resolution basemap pixels to search. The coarse search
// runs on `threads` threads (0: one per core); the basemap is read on the calling thread.
AreaSearchResult AreaSearch(const cv::Mat& photo, const Basemap& map, const cv::Rect2d& region,
                            const AreaSearchPrior& prior, std::size_t threads = 0);

}  // namespace gv
