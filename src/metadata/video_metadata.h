// A video's container metadata (video/video.h) in the PhotoMetadata fields that `inspect`
// and `run` use for photos: capture time, position, make/model/software, plus `video`.
#pragma once

#include <span>

#include "metadata/photo_metadata.h"
#include "util/result.h"
#include "video/video.h"

namespace gv {

// Fills `out` from the container. The capture time, in this order:
// com.apple.quicktime.creationdate (local time with its offset: taken_at_utc_source
// "offset"), else the container's creation time (UTC: "container"). With `frames`, also
// counts the scene-change keyframes (video.frames_extracted). Error: not a video, or a
// container FFmpeg refuses.
Status ReadVideoMetadata(std::span<const std::uint8_t> bytes, PhotoMetadata& out,
                         const KeyframeOptions* frames = nullptr);

// VIDEO_PARTLY_SCANNED (info) when `scan` stopped before the end of the video.
void AddScanFinding(const KeyframeScan& scan, PhotoMetadata& out);

// The same fields from a VideoInfo already read.
void FillVideoMetadata(const VideoInfo& info, PhotoMetadata& out);

}  // namespace gv
