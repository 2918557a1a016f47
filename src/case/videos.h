// The videos of a case: each read in a supervised worker process (util/supervised.h), never
// in this one: its container metadata (video/video.h) and its scene-change keyframes, written
// as PNG into the frames folder. Each keyframe joins the case as a photo (PhotoRecord::frame
// names the video, its SHA-256 and the offset), with the video's metadata at that offset:
// capture time plus the offset, the video's position, make and model, and its findings. So
// every step of `run` treats it as a photo.
#pragma once

#include <filesystem>

#include "case/pipeline.h"

namespace gv {

// Reads every video of `c` (Case::videos), fills its metadata, and appends its keyframes to
// c.photos and their files to c.shared (kind "video_frame"). With an empty
// options.frames_dir, only the metadata. A video that cannot be read, crashes or hangs its
// worker gets its error and a finding; the case goes on.
void ExpandVideos(Case& c, const PipelineOptions& options);

// A keyframe's metadata: the video's, at `offset_s` from its start (capture time shifted, the
// rest as recorded), as the file `frame_path` of `width` x `height`.
PhotoMetadata FrameMetadata(const PhotoMetadata& video, const std::string& frame_path,
                            double offset_s, int width, int height);

}  // namespace gv
