// Wide-baseline matching by affine view synthesis (Morel & Yu, ASIFT, SIAM J. Imaging Sci.
// 2009; Mishkin, Matas & Perdoch, MODS, CVIU 2015). A camera turned far from a surface sees
// it squeezed along one direction (a tilt t = 1/cos of the angle); SIFT tolerates a tilt of
// about 2 between two views. Each photo is therefore also seen rotated by phi and squeezed
// by t (the views a tilted camera would take), features are detected on every view and
// mapped back into the photo, and the two sets are matched with a ratio test whose second
// neighbour must lie elsewhere in the photo (the first geometrically inconsistent nearest
// neighbour, MODS), since one place now yields near-copies of a descriptor in several views.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "match/features.h"
#include "match/pair_match.h"
#include "util/result.h"

namespace cv::flann {
class Index;
}

namespace gv {

struct AffineViewOptions {
  std::vector<double> tilts = {1.4142135623730951, 2.0, 2.8284271247461903, 4.0};
  double phi_step_deg = 90;      // at tilt t the rotations are 0, step/t, 2 step/t ... < 180
  int view_side = 800;           // the photo is scaled to this long side before the views
  int features_per_view = 1500;  // at tilt 1; a view of tilt t (1/t of the area) this / t
  double contrast_threshold = 0.03;
  // Not empty: "LABEL done/total" on stderr while the views are made and matched (only when
  // stderr is a terminal: util/progress.h). The views take seconds; the commands set it.
  std::string progress_label;
  Status Check() const;
};

// How many views DetectAffineViews makes (the photo itself included).
int AffineViewCount(const AffineViewOptions& options);

// RootSIFT features of the photo itself and of its simulated views, keypoints in the
// photo's full-resolution pixels. Error as DetectFeatures when nothing usable is found.
Result<Features> DetectAffineViews(const cv::Mat& image, const AffineViewOptions& options = {});

// Matches two sets that each may hold several near-copies of one place's descriptor (from
// DetectAffineViews): FLANN k-d trees, the first-geometrically-inconsistent ratio test both
// ways, a mutual check by position, one match per pair of places, then the verification
// and verdict of MatchFeatures.
PairMatch MatchViewFeatures(const Features& a, const Features& b, const MatchOptions& options = {});

// MatchViewFeatures of one set against many (locate: a photo's views against references),
// its index built once. Keeps a reference to `a`. One thread at a time.
class ViewMatcher {
 public:
  explicit ViewMatcher(const Features& a);
  ~ViewMatcher();
  ViewMatcher(const ViewMatcher&) = delete;
  ViewMatcher& operator=(const ViewMatcher&) = delete;
  PairMatch Match(const Features& b, const MatchOptions& options = {});

 private:
  const Features& a_;
  std::unique_ptr<cv::flann::Index> index_;
};

// The matching cascade of `match`: plain features first; only when they do not give a
// same-scene verdict, affine views of both photos. `stage` names what gave the result
// ("features" or "affine_views"); `stages` what was tried.
struct CascadeMatch {
  PairMatch match;
  std::string stage;
  std::vector<std::string> stages;
  double seconds_first = 0, seconds_views = 0;
};
enum class CascadeMode { kAuto, kOff, kAlways };
CascadeMatch MatchCascade(const cv::Mat& a, const Features& fa, const cv::Mat& b,
                          const Features& fb, const MatchOptions& options = {},
                          CascadeMode mode = CascadeMode::kAuto,
                          const AffineViewOptions& views = {});

}  // namespace gv
