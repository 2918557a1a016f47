// The road of one photo: every photo of a case goes through the steps listed in
// case/steps.cc, in order. A step says whether it applies to a photo, then adds Findings and
// Clues to the photo's record; a step that fails on one photo leaves an error entry for that
// step, and the photo's other steps and the rest of the case go on. Steps that link photos
// (same scene) do their case-wide work in Finish(), after every photo.
//
// Steps that need the pixels do not apply to a photo whose pixels cannot be decoded; the
// forensics step (which needs them first) records that error. Steps compute; they never
// write files (report/ does, from the Case).
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "case/case.h"
#include "forensics/analysis.h"
#include "geo/timezone.h"
#include "georef/registration.h"
#include "image/evidence.h"
#include "match/reference_collection.h"

namespace gv {

struct PipelineOptions {
  InspectOptions inspect;      // max_bytes, zones
  DecodeLimits decode;         // pixel limits before decoding
  ForensicsOptions forensics;  // pictures_dir is ignored: pictures go to the Case
  // The affine views of locate's cascade cost about 4 s a photo that matches no reference
  // (most of a case's photos): off unless asked for (run --cascade auto).
  LocateOptions locate = [] {
    LocateOptions o;
    o.cascade = CascadeMode::kOff;
    return o;
  }();
  GeorefOptions georef;
  double shadow_resolution_deg = 0.05;    // grid of the shadow likelihood
  double gps_default_uncertainty_m = 30;  // when the photo has no GPSHPositioningError
  int same_scene_candidates = 5;          // retrieved photos verified per photo
  FusionOptions fusion;
  std::set<std::string> skip;  // step names left out
  // Before the steps, every photo's metadata is read and its pixels decoded once in a
  // supervised worker process (util/supervised.h) with this deadline (also its CPU time): a
  // photo that crashes or hangs there is left out with PARSER_CRASHED / PARSER_TIMEOUT and
  // never parsed in this process. 0: no preflight.
  double preflight_deadline_s = 10;
  // Videos: their keyframes are written here as PNG (run: OUT/frames) and join the case as
  // photos before the steps (case/videos.h). Empty: videos get their metadata only.
  std::filesystem::path frames_dir;
  KeyframeOptions keyframes;
  // Where temporary files go (run: the output folder), e.g. the photos' features until they
  // are compared; unnamed, so nothing is left there. Empty: the system's temporary folder.
  std::filesystem::path scratch_dir;
  // Called once a photo has been through its steps (before the case-wide Finish), e.g. to
  // write its pictures and free them, so that memory does not grow with the case.
  std::function<void(PhotoRecord& photo)> on_photo_done;
  // Called once a place group is fused (the last of Case::fusion), e.g. to write its posterior
  // raster and free its cells, so that memory does not grow with the groups.
  std::function<void(const Case& c, GroupFusion& group)> on_group_fused;
  // Called before each step on each photo (index from 0), e.g. to show progress.
  std::function<void(std::size_t photo, std::size_t photos, const std::string& path,
                     const std::string& step)>
      on_step;
  Status Check() const;
};

struct PhotoContext;

class Step {
 public:
  virtual ~Step() = default;
  virtual const char* name() const = 0;
  virtual const char* description() const = 0;  // one line, shown by `run --steps`
  virtual bool Applies(const PhotoContext& context) const = 0;
  // Error: the step could not do its work on this photo (recorded as its error entry).
  virtual Status Run(PhotoContext& context) = 0;
  // Once, after every photo went through the steps (e.g. linking photos of one scene).
  virtual Status Finish(Case& c, const PipelineOptions& options) {
    (void)c;
    (void)options;
    return OkStatus();
  }
  // True for a step whose Finish needs the place groups (fusion): it runs after grouping.
  virtual bool AfterGrouping() const { return false; }
};

// What a step sees of one photo: its record, its evidence (bytes, lazily decoded pixels),
// the case (configuration, other records) and the options.
struct PhotoContext {
  Case& c;
  PhotoRecord& photo;
  const Evidence& evidence;
  const PipelineOptions& options;
  std::string step;  // name of the running step

  const PhotoConfig* config() const { return c.config.Photo(photo.path); }
  void AddFinding(std::string code, Severity severity, std::string message);
  void AddClue(Clue clue);  // fills photo and sha256
};

// The registry (case/steps.cc): every step, in the order they run.
std::vector<std::unique_ptr<Step>> MakeSteps();

// Takes every readable photo of `c` through the steps not in options.skip. Errors only for a bad
// option. The same as RunPhotoSteps, then FinishCase.
Status RunCasePipeline(Case& c, const PipelineOptions& options);

// The two halves of RunCasePipeline. RunPhotoSteps: the videos' keyframes join, every photo is
// preflighted and taken through each step's per-photo work (a sharded run does this for its
// slice). FinishCase: the steps' case-wide work (same-scene links, place groups, fusion) and
// the failure count (a merge does this once, over every shard's photos).
Status RunPhotoSteps(Case& c, const PipelineOptions& options);
Status FinishCase(Case& c, const PipelineOptions& options);

// Place groups from the verified same-scene links and case.yaml's same_place_as (run at the
// end of RunCasePipeline): every readable photo in exactly one group.
void GroupPlaces(Case& c);

}  // namespace gv
