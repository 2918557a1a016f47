// Case: the evidence, findings and clues of one investigation. BuildCase takes in the
// folder (every file hashed into the manifest); RunCasePipeline (case/pipeline.h) then takes
// every photo through the steps, and report/ writes the result.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "case/case_config.h"
#include "case/fusion/fusion.h"
#include "case/inspect.h"
#include "forensics/analysis.h"
#include "geo/clue.h"
#include "georef/registration.h"
#include "match/feature_spill.h"
#include "metadata/photo_metadata.h"
#include "util/finding.h"
#include "util/scratch_file.h"

namespace gv {

// One file of the case folder, as taken in: known by its SHA-256.
struct EvidenceRecord {
  std::string path;  // relative to the case folder
  std::string sha256;
  std::uint64_t bytes = 0;
  std::string modified_utc;  // file modification time at intake, ISO 8601 UTC
  std::string intake_utc;    // when geoverify hashed it
  // "photo"; "video"; "case_file" (case.yaml); "reference" or "basemap" (named by case.yaml:
  // hashed, not photos of the case); "other" (content is not an image geoverify reads).
  std::string kind;
  std::string error;  // empty when the file was read in full
  // Position in the intake's listing of the files (a merge of sharded runs restores the order
  // by it).
  std::size_t listing_index = 0;
};

// A step that could not do its work on one photo; the photo's other steps went on.
struct StepError {
  std::string step, message;
};

// A picture made by a step (ELA, noise, copy-move mask), written by report/ as PNG into the
// photo's output folder under `name`.png.
struct StepPicture {
  std::string name;
  cv::Mat image;
  std::string path;  // set by report/ once written, relative to the output folder; the
                     // image is then released
  // Once written, the picture as the HTML report embeds it (JPEG or PNG, at the size it
  // shows it; report/html_report.h), for the pictures the report shows; else empty. Kept in
  // memory, or in a scratch file (`shown_kept`, when run gave WritePhotoFiles one).
  std::vector<std::uint8_t> shown;
  ScratchBytes shown_kept;
  // The shown bytes wherever they are kept (empty when none; error when the scratch file
  // cannot be read back).
  Result<std::vector<std::uint8_t>> ShownBytes() const {
    if (!shown.empty() || !shown_kept.file) return shown;
    return shown_kept.Load();
  }
};

// Where a photo of the case came from when it is not a file of the case: a scene-change
// keyframe of a video (case/videos.h), written as PNG into the output's frames/ folder.
struct FrameSource {
  std::string video;         // the video's path, relative to the case folder
  std::string video_sha256;  // the evidence the frame came from
  double offset_s = 0;       // from the start of the video
};

// One video of the case: its container metadata and findings, and the keyframes that joined
// the case as photos.
struct VideoRecord {
  std::string path;  // relative to the case folder
  std::filesystem::path absolute;
  std::string sha256;
  PhotoMetadata metadata;           // as `inspect` reports it (video: {...})
  std::vector<std::string> frames;  // paths of its keyframes in Case::photos, in time order
  std::string error;                // why it could not be read (then it has no frames)
};

// One photo of the case through the steps.
struct PhotoRecord {
  std::string path;  // relative to the case folder
  std::filesystem::path absolute;
  std::string sha256;
  PhotoMetadata metadata;  // the inspect record
  // The forensics analyses as `forensics --json` reports them (ToJson of the ForensicsReport,
  // pictures moved out into `pictures`); null when the step did not run.
  nlohmann::ordered_json forensics;
  std::vector<Finding> findings;  // of every step, metadata's included
  std::vector<Clue> clues;
  std::vector<StepError> errors;
  std::vector<StepPicture> pictures;
  nlohmann::ordered_json text;         // the text step's lines, items and clues (null before it)
  std::optional<GeorefResult> georef;  // when registered on a basemap
  std::string warped_path;             // set by report/: the warped GeoTIFF
  std::optional<std::int64_t> taken_at_utc;  // after the time step (case.yaml wins)
  std::string taken_at_utc_source;           // "case.yaml", or the metadata's source
  // For same-scene linking (on disk until then: match/feature_spill.h), dropped after.
  std::optional<SpilledFeatures> features;
  // ... and, with the matching cascade on (run --cascade auto), its affine views' features
  // (match/affine_views.h), tried for a pair whose plain features give no verdict.
  std::optional<SpilledFeatures> view_features;
  int place_group = -1;                        // index into Case::place_groups
  std::map<std::string, double> step_seconds;  // wall time of each step on this photo
  bool unreadable = false;                     // the intake could not read it at all
  std::optional<FrameSource> frame;            // a video's keyframe (metadata from the video)
  bool files_written = false;                  // report/ wrote its photos/ folder
  std::string OutputFolder() const { return "photos/" + sha256.substr(0, 12); }
};

// Two photos of one place, and why: "same scene, 210 inliers", "same_place_as in case.yaml".
struct PlaceLink {
  std::string a, b, reason;
};

// Photos of one place: linked by case.yaml's same_place_as or a verified same-scene match.
struct PlaceGroup {
  int id = 0;
  std::vector<std::string> photos;
  std::vector<PlaceLink> links;
};

// The fusion of one place group's clues (case/fusion/fusion.h).
struct GroupFusion {
  int group = 0;
  std::vector<std::string> photos;
  FusionResult result;
  // Set by report/ once the posterior raster is written (relative to the output folder); the
  // posterior's cells are then released (a broad group's, such as a time zone's band, are
  // tens of MB).
  std::string posterior_file;
};

struct Case {
  std::filesystem::path dir;
  std::string intake_utc;
  CaseConfig config;
  std::vector<EvidenceRecord> evidence;  // every file, sorted by path
  std::vector<PhotoRecord> photos;       // the files of kind "photo", same order, then the
                                         // videos' keyframes
  std::vector<VideoRecord> videos;       // the files of kind "video", same order
  std::vector<PlaceLink> scene_links;    // verified by the same_scene step
  std::vector<PlaceGroup> place_groups;
  std::vector<GroupFusion> fusion;  // one per place group, when the fusion step ran
  std::vector<std::string> steps_run, steps_skipped;
  std::map<std::string, double> case_step_seconds;  // wall time of each step's case-wide work
  std::shared_ptr<FeatureSpill> feature_spill;      // the photos' features (same_scene)
  std::size_t failed = 0;  // photos that could not be read, or that a step failed on
  // The files the intake listed (a slice's and the others'), and the SHA-256 of their paths
  // in order: the shards of one sharded run must have seen the same case folder.
  std::size_t listing_size = 0;
  std::string listing_sha256;
  // Outputs listed in the manifest after the evidence: the videos' keyframes (kind
  // "video_frame"), the redacted copies `run --share` wrote (kind "redacted_copy", path as
  // written) and their log ("redaction_log").
  std::vector<EvidenceRecord> shared;
};

// Takes in every file under `case_dir` (recursively): hash, stat, sniff the format. Photos
// are inspected (metadata) on `options.threads`. Files that are not images are recorded as
// evidence of kind "other" and are not failures; case.yaml and the references and basemaps
// it names are recorded with their own kinds. Errors only when the folder itself cannot be
// listed. Files under `exclude` (the output folder, when it lies inside the case folder)
// are not taken in.
// With `slice` (case/shard.h), only the files of that slice are taken in, and those case.yaml
// names.
struct CaseSlice;
Result<Case> BuildCase(const std::filesystem::path& case_dir, const InspectOptions& options,
                       const std::filesystem::path& exclude = {}, CaseConfig config = {},
                       const CaseSlice* slice = nullptr);

}  // namespace gv
