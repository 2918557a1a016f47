// Videos (MP4, MOV, 3GP, MKV, WebM) through libavformat/libavcodec: the container's
// metadata (capture time, ISO 6709 location, make/model/software, duration, codec,
// rotation) and a few scene-change keyframes, upright. The one module that includes FFmpeg;
// callers run it in a supervised worker (util/supervised.h) when the file is untrusted, and
// exiv2's own video parsers never see a byte.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"
#include "util/time.h"

namespace gv {

// A point in ISO 6709 text ("+13.4125+103.8667+012.5/", also degree-minute(-second) forms).
struct Iso6709 {
  double lat_deg = 0, lon_deg = 0;
  std::optional<double> alt_m;
};
std::optional<Iso6709> ParseIso6709(std::string_view text);

struct VideoInfo {
  std::string container;      // "MP4", "MOV", "3GP", "Matroska", "WebM"
  std::string codec;          // "h264", "hevc", "mpeg4", "vp9", ...
  int width = 0, height = 0;  // as coded
  int rotation_deg = 0;       // clockwise, to show upright (exiftool's Rotation): 0/90/180/270
  double duration_s = 0;
  double fps = 0;
  bool has_audio = false;
  bool has_video = true;  // false: an audio recording (a voice note), no pictures
  // The container's creation time (QuickTime mvhd, Matroska DateUTC), UTC; absent when zero
  // or missing.
  std::optional<std::int64_t> container_utc;
  // com.apple.quicktime.creationdate: the capture time as recorded, with its UTC offset.
  std::optional<ZonedTime> apple_creation;
  // Location, and the key it came from ("com.apple.quicktime.location.ISO6709", "©xyz").
  std::optional<Iso6709> location;
  std::string location_key;
  std::string make, model, software, encoder;
  std::vector<std::pair<std::string, std::string>> tags;  // every container key -> value
};

struct VideoLimits {
  std::int64_t max_pixels = 50'000'000;  // a frame larger than this is not decoded
  double max_duration_s = 6 * 3600;      // longer (as declared) is refused
};

// Reads the container (no decoding). An audio recording reads too, with has_video false.
// Error: not a container FFmpeg reads, or neither pictures nor sound in it.
Result<VideoInfo> ReadVideoInfo(std::span<const std::uint8_t> bytes,
                                const VideoLimits& limits = {});

struct Keyframe {
  double offset_s = 0;  // from the start of the video
  double change = 0;    // how different from the previous scene (0..1); 1 for the first
  cv::Mat bgr;          // upright (rotation applied)
};

struct KeyframeOptions {
  int max_frames = 6;              // at most this many, the first frame and the strongest cuts
  double min_gap_s = 1.0;          // between two keyframes
  double scene_threshold = 0.3;    // change (0..1) that makes a new scene
  double sample_interval_s = 0.5;  // when the stream has too few keyframes, sample this often
  int max_decoded_frames = 20000;  // decoding stops after this many frames
  // Decoding stops after this long (wall clock), so that a long video whose keyframes are
  // far apart (decoded in full) ends within its worker's deadline; what was found is kept and
  // the scan says how far it got.
  double max_decode_s = 20;
  VideoLimits limits;
};

// How far a keyframe scan got: the seconds of video examined, and whether it reached the end.
struct KeyframeScan {
  double examined_s = 0, duration_s = 0;
  bool complete = true;
};

// Scene-change keyframes: the stream's own keyframes (encoders put one at each cut) decoded
// alone first; a stream with too few of them (long GOP, screen recordings) is decoded in
// full and sampled every sample_interval_s. Each candidate is compared with the last scene
// (grey layout and colour histogram); the first frame is always kept.
Result<std::vector<Keyframe>> ExtractKeyframes(std::span<const std::uint8_t> bytes,
                                               const KeyframeOptions& options = {},
                                               KeyframeScan* scan = nullptr);

}  // namespace gv
