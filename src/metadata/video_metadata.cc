#include "metadata/video_metadata.h"

#include <cmath>
#include <cstdio>

#include "image/format.h"
#include "util/text.h"

namespace gv {

void FillVideoMetadata(const VideoInfo& info, PhotoMetadata& out) {
  out.format = info.container;
  out.width = info.width;
  out.height = info.height;
  // Container strings are whatever the writer put there: made valid UTF-8 here, as exiv2's.
  out.make = SanitizeUtf8(info.make);
  out.model = SanitizeUtf8(info.model);
  out.software = SanitizeUtf8(info.software);
  VideoSummary v;
  v.container = info.container;
  v.codec = info.codec;
  v.duration_s = info.duration_s;
  v.fps = info.fps;
  v.width = info.width;
  v.height = info.height;
  v.rotation_deg = info.rotation_deg;
  v.has_audio = info.has_audio;
  v.has_video = info.has_video;
  v.location_key = info.location_key;
  v.encoder = SanitizeUtf8(info.encoder);
  v.container_utc = info.container_utc;
  out.video = v;
  if (info.apple_creation) {
    out.datetime_original = info.apple_creation->local;
    out.offset_time_original_s = info.apple_creation->offset_s;
    if (info.apple_creation->offset_s) {
      out.taken_at_utc =
          ToEpochSeconds(info.apple_creation->local) - *info.apple_creation->offset_s;
      out.taken_at_utc_source = "offset";
    }
  }
  if (!out.taken_at_utc && info.container_utc) {
    out.taken_at_utc = *info.container_utc;
    out.taken_at_utc_source = "container";
  }
  if (info.location) {
    GpsFix g;
    g.lat_deg = info.location->lat_deg;
    g.lon_deg = info.location->lon_deg;
    g.alt_m = info.location->alt_m;
    g.position_valid = true;
    out.gps = g;
  }
  for (const auto& [key, value] : info.tags)
    out.tags.emplace_back(SanitizeUtf8("Video." + key), SanitizeUtf8(value));
}

void AddScanFinding(const KeyframeScan& scan, PhotoMetadata& out) {
  if (scan.complete) return;
  char text[200];
  std::snprintf(text, sizeof text,
                "Scene keyframes were taken from the first %.0f s of %.0f s only (the decoding "
                "budget ran out): later scenes are not examined",
                scan.examined_s, scan.duration_s);
  out.AddFinding("VIDEO_PARTLY_SCANNED", Severity::kInfo, text);
}

Status ReadVideoMetadata(std::span<const std::uint8_t> bytes, PhotoMetadata& out,
                         const KeyframeOptions* frames) {
  out.format = FormatName(DetectFormat(bytes.first(std::min<std::size_t>(bytes.size(), 64))));
  auto info = ReadVideoInfo(bytes, frames ? frames->limits : VideoLimits{});
  if (!info.ok()) return info.error();
  FillVideoMetadata(*info, out);
  if (frames && info->has_video) {
    KeyframeScan scan;
    auto keyframes = ExtractKeyframes(bytes, *frames, &scan);
    if (keyframes.ok()) {
      out.video->frames_extracted = static_cast<int>(keyframes->size());
      AddScanFinding(scan, out);
    } else {
      out.video->frames_extracted = 0;
      out.AddFinding("VIDEO_UNDECODABLE", Severity::kWarning,
                     "No frame could be decoded: " + keyframes.error().message);
    }
  }
  return OkStatus();
}

}  // namespace gv
