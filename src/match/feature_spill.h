// Features kept on disk while a case is worked on. A case's photos are compared with each
// other only after every photo has been through the steps, so their features must wait:
// about 1 MB a photo (2,000 SIFT keypoints), 1.6 GB for a phone dump of 1,600 photos and
// keyframes. They wait in a scratch file (util/scratch_file.h) and are read back one photo at
// a time when compared.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "match/features.h"
#include "util/result.h"
#include "util/scratch_file.h"

namespace gv {

class FeatureSpill;

// One photo's features in a spill; copies share the spill, which lives as long as any
// handle to it.
struct SpilledFeatures {
  std::shared_ptr<FeatureSpill> spill;
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  int count = 0;        // keypoints
  bool binary = false;  // CV_8U descriptors (ORB, AKAZE)
  Result<Features> Load() const;
};

class FeatureSpill : public std::enable_shared_from_this<FeatureSpill> {
 public:
  // An unnamed file in `dir`, or in the system's temporary folder when `dir` is empty or
  // cannot hold one (a file system without O_TMPFILE, no permission). Error when neither can.
  static Result<std::shared_ptr<FeatureSpill>> Create(const std::filesystem::path& dir = {});
  FeatureSpill(const FeatureSpill&) = delete;
  FeatureSpill& operator=(const FeatureSpill&) = delete;

  // Appends (thread-safe). Descriptors must be CV_32F or CV_8U, one row per keypoint.
  Result<SpilledFeatures> Put(const Features& features);
  Result<Features> Get(const SpilledFeatures& handle) const;
  std::uint64_t size() const;  // bytes written so far

 private:
  explicit FeatureSpill(std::shared_ptr<ScratchFile> file) : file_(std::move(file)) {}
  std::shared_ptr<ScratchFile> file_;
};

}  // namespace gv
