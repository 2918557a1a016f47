// Metadata checks: each turns something in PhotoMetadata that an investigator should act
// on into a Finding. Codes (stable, documented in docs/commands/inspect.md):
//   NO_METADATA, REENCODED_BY_PLATFORM, EDITED_WITH_SOFTWARE, SOFTWARE_RECORDED,
//   MODIFIED_AFTER_CAPTURE, GPS_TIME_MISMATCH, CAMERA_CLOCK_ZONE_DIFFERS, GPS_NULL_ISLAND,
//   GPS_INVALID, THUMBNAIL_MISMATCH, NO_CAPTURE_TIME, TRUNCATED_IMAGE, TRAILING_DATA;
//   for videos VIDEO_TIME_MISMATCH (and VIDEO_UNDECODABLE from video_metadata.cc).
#pragma once

#include <string_view>

#include "geo/timezone.h"
#include "metadata/photo_metadata.h"

namespace gv {

// Appends findings to photo.findings. `zones` may be null.
void RunMetadataChecks(PhotoMetadata& photo, const TimeZoneIndex* zones);

// Name of the editing program if `software` names a known image editor, else "".
std::string KnownEditor(std::string_view software);

}  // namespace gv
