// Test videos made with FFmpeg's own encoders and muxers (libavcodec/libavformat), as phones
// and messaging apps would write them: chosen container, codec, keyframe interval, scenes,
// rotation (the track's display matrix) and container tags. Tests only.
#pragma once

#include <cstdint>
#include <functional>
#include <opencv2/core/mat.hpp>
#include <string>
#include <utility>
#include <vector>

namespace gv::test {

struct VideoSpec {
  std::string muxer = "mp4";      // FFmpeg muxer: mp4, mov, 3gp, matroska, webm
  std::string encoder = "mpeg4";  // FFmpeg encoder: mpeg4, libx264, libvpx, ...
  int fps = 10;
  int gop = 10;  // frames between keyframes
  std::int64_t bit_rate = 2'000'000;
  // Scenes, in order: a picture (all the same size) and how many frames it lasts. Each frame
  // moves the picture by a pixel, as a hand-held camera would.
  std::vector<std::pair<cv::Mat, int>> scenes;
  // Or every frame drawn by `draw` (frame index from 0), `frames` of them (not moved).
  std::function<cv::Mat(int)> draw;
  int frames = 0;
  std::vector<std::pair<std::string, std::string>> tags;  // container metadata
  bool metadata_keys = false;  // QuickTime 'mdta' keys (movflags use_metadata_tags), as iPhones
  int rotation_cw = 0;         // display matrix: degrees clockwise to show upright
  bool bitexact = true;        // no "Lavf..." encoder tag
};

// The file's bytes. Throws std::runtime_error on failure.
std::vector<std::uint8_t> MakeVideo(const VideoSpec& spec);

// An audio recording without pictures (a voice note): `seconds` of a tone in AAC, in the
// ISO-BMFF muxer `muxer` ("mp4" or "ipod", which writes 'M4A '). Throws on failure.
std::vector<std::uint8_t> MakeAudio(const std::string& muxer, double seconds = 1.0);

}  // namespace gv::test
