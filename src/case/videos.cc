#include "case/videos.h"

#include <cmath>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "metadata/capture_time.h"
#include "metadata/checks.h"
#include "metadata/video_metadata.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/supervised.h"
#include "util/time.h"

namespace gv {
namespace {

using Json = nlohmann::json;
// Metadata strings need not be UTF-8: replaced, not thrown on, when the answer is written.
constexpr auto kReplace = Json::error_handler_t::replace;

template <typename T>
Json Maybe(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

// What the worker sends back: the container's fields (so that this process never parses the
// video) and the keyframes it wrote.
Json InfoJson(const VideoInfo& v) {
  Json j{{"container", v.container},
         {"codec", v.codec},
         {"width", v.width},
         {"height", v.height},
         {"rotation", v.rotation_deg},
         {"duration_s", v.duration_s},
         {"fps", v.fps},
         {"audio", v.has_audio},
         {"has_video", v.has_video},
         {"container_utc", Maybe(v.container_utc)},
         {"location_key", v.location_key},
         {"make", v.make},
         {"model", v.model},
         {"software", v.software},
         {"encoder", v.encoder}};
  if (v.apple_creation) {
    j["apple_local"] = ToEpochSeconds(v.apple_creation->local);
    j["apple_offset"] = Maybe(v.apple_creation->offset_s);
  }
  if (v.location)
    j["location"] = {v.location->lat_deg, v.location->lon_deg, Maybe(v.location->alt_m)};
  j["tags"] = Json::array();
  for (const auto& [k, val] : v.tags) j["tags"].push_back({k, val});
  return j;
}

VideoInfo InfoFromJson(const Json& j) {
  VideoInfo v;
  v.container = j.value("container", "");
  v.codec = j.value("codec", "");
  v.width = j.value("width", 0);
  v.height = j.value("height", 0);
  v.rotation_deg = j.value("rotation", 0);
  v.duration_s = j.value("duration_s", 0.0);
  v.fps = j.value("fps", 0.0);
  v.has_audio = j.value("audio", false);
  v.has_video = j.value("has_video", true);
  if (j.contains("container_utc") && j["container_utc"].is_number_integer())
    v.container_utc = j["container_utc"].get<std::int64_t>();
  v.location_key = j.value("location_key", "");
  v.make = j.value("make", "");
  v.model = j.value("model", "");
  v.software = j.value("software", "");
  v.encoder = j.value("encoder", "");
  if (j.contains("apple_local")) {
    ZonedTime t;
    t.local = FromEpochSeconds(j["apple_local"].get<std::int64_t>());
    if (j["apple_offset"].is_number_integer()) t.offset_s = j["apple_offset"].get<int>();
    v.apple_creation = t;
  }
  if (j.contains("location") && j["location"].is_array() && j["location"].size() == 3) {
    Iso6709 p;
    p.lat_deg = j["location"][0].get<double>();
    p.lon_deg = j["location"][1].get<double>();
    if (j["location"][2].is_number()) p.alt_m = j["location"][2].get<double>();
    v.location = p;
  }
  for (const auto& t : j.value("tags", Json::array()))
    v.tags.emplace_back(t[0].get<std::string>(), t[1].get<std::string>());
  return v;
}

// A video's worker deadline: three times a photo's (it decodes many frames).
double VideoDeadline(const PipelineOptions& options) {
  return options.preflight_deadline_s > 0 ? 3 * options.preflight_deadline_s : 60;
}

// "12.40" seconds, for file names and the frame's path ("clip.mp4#t=12.40", a media fragment).
std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  return buf;
}

// In the worker: read, extract, write the PNGs. The answer is JSON (or {"error": ...}).
std::string ReadAndExtract(const VideoRecord& video, const PipelineOptions& options) {
  MaybeInjectFault(video.absolute);
  const EvidenceLimits limits{options.inspect.max_bytes, options.decode};
  auto evidence = OpenEvidence(video.absolute, limits);
  if (!evidence.ok())
    return Json{{"error", evidence.error().message}}.dump(-1, ' ', false, kReplace);
  if (evidence->sha256() != video.sha256)
    return Json{{"error", "the file changed since intake (SHA-256 differs)"}}.dump(-1, ' ', false,
                                                                                   kReplace);
  const std::span<const std::uint8_t> bytes(evidence->bytes());
  KeyframeOptions keyframes = options.keyframes;
  keyframes.limits.max_pixels = options.decode.max_pixels;
  // Half the worker's deadline for decoding: the rest for reading, the PNGs and the answer.
  keyframes.max_decode_s = std::min(keyframes.max_decode_s, 0.5 * VideoDeadline(options));
  auto info = ReadVideoInfo(bytes, keyframes.limits);
  if (!info.ok()) return Json{{"error", info.error().message}}.dump(-1, ' ', false, kReplace);
  Json answer{{"info", InfoJson(*info)}, {"frames", Json::array()}};
  if (options.frames_dir.empty() || !info->has_video) return answer.dump(-1, ' ', false, kReplace);
  KeyframeScan scan;
  auto frames = ExtractKeyframes(bytes, keyframes, &scan);
  answer["scan"] = {scan.examined_s, scan.duration_s, scan.complete};
  if (!frames.ok()) {
    answer["frames_error"] = frames.error().message;
    return answer.dump(-1, ' ', false, kReplace);
  }
  const auto folder = options.frames_dir / video.sha256.substr(0, 12);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  std::set<std::string> written;
  for (const auto& k : *frames) {
    std::vector<std::uint8_t> png;
    if (!cv::imencode(".png", k.bgr, png)) continue;
    const auto file = folder / ("t" + Seconds(k.offset_s) + ".png");
    written.insert(file.filename().string());
    const std::string_view content(reinterpret_cast<const char*>(png.data()), png.size());
    if (auto st = WriteFileAtomic(file, content); !st.ok()) {
      answer["frames_error"] = st.error().message;
      break;
    }
    answer["frames"].push_back({{"file", file.string()},
                                {"offset_s", k.offset_s},
                                {"change", k.change},
                                {"sha256", Sha256Hex(png)},
                                {"bytes", png.size()},
                                {"width", k.bgr.cols},
                                {"height", k.bgr.rows}});
  }
  // Keyframes an earlier run wrote here that this one did not (other options, another
  // version) would sit beside the new ones, unlisted: only this run's stay.
  if (!answer.contains("frames_error"))
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file(ec) && name.starts_with("t") && name.ends_with(".png") &&
          !written.count(name))
        std::filesystem::remove(entry.path(), ec);
    }
  return answer.dump(-1, ' ', false, kReplace);
}

}  // namespace

PhotoMetadata FrameMetadata(const PhotoMetadata& video, const std::string& frame_path,
                            double offset_s, int width, int height) {
  PhotoMetadata m = video;
  m.file = frame_path;
  m.format = "PNG (keyframe of " + video.format + " video)";
  m.width = width;
  m.height = height;
  m.tags.clear();
  const auto shift = static_cast<std::int64_t>(std::llround(offset_s));
  if (m.taken_at_utc) *m.taken_at_utc += shift;
  if (m.datetime_original)
    m.datetime_original = FromEpochSeconds(ToEpochSeconds(*m.datetime_original) + shift);
  return m;
}

void ExpandVideos(Case& c, const PipelineOptions& options) {
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < c.videos.size(); ++i)
    if (c.videos[i].error.empty()) todo.push_back(i);
  if (todo.empty()) return;
  SupervisorOptions supervisor;
  supervisor.deadline_s = VideoDeadline(options);
  supervisor.cpu_limit_s = supervisor.deadline_s;
  supervisor.memory_bytes = 4ull << 30;
  std::vector<PhotoRecord> frames;
  SupervisedMap(
      todo.size(), [&](std::size_t k) { return ReadAndExtract(c.videos[todo[k]], options); },
      supervisor,
      [&](std::size_t k, ItemResult&& r) {
        VideoRecord& video = c.videos[todo[k]];
        if (r.failure != ItemFailure::kNone) {
          video.error = FailureText(r) + "; the video was left out";
          video.metadata.error = video.error;
          video.metadata.findings.push_back(FailureFinding(r, "intake"));
          return;
        }
        const Json answer = Json::parse(r.payload, nullptr, false);
        if (answer.is_discarded() || answer.contains("error")) {
          video.error = answer.is_discarded() ? "the video reader's answer could not be read"
                                              : answer["error"].get<std::string>();
          video.metadata.error = video.error;
          return;
        }
        FillVideoMetadata(InfoFromJson(answer["info"]), video.metadata);
        DeriveCaptureTime(video.metadata, options.inspect.zones);
        RunMetadataChecks(video.metadata, options.inspect.zones);
        if (answer.contains("frames_error"))
          video.metadata.AddFinding(
              "VIDEO_UNDECODABLE", Severity::kWarning,
              "Keyframes could not be taken: " + answer["frames_error"].get<std::string>());
        video.metadata.video->frames_extracted = static_cast<int>(answer["frames"].size());
        if (answer.contains("scan") && answer["scan"].is_array() && answer["scan"].size() == 3) {
          KeyframeScan scan;
          scan.examined_s = answer["scan"][0].get<double>();
          scan.duration_s = answer["scan"][1].get<double>();
          scan.complete = answer["scan"][2].get<bool>();
          AddScanFinding(scan, video.metadata);
        }
        for (const auto& f : answer["frames"]) {
          PhotoRecord photo;
          const double offset = f["offset_s"].get<double>();
          photo.path = video.path + "#t=" + Seconds(offset);
          photo.absolute = f["file"].get<std::string>();
          photo.sha256 = f["sha256"].get<std::string>();
          photo.frame = FrameSource{video.path, video.sha256, offset};
          photo.metadata = FrameMetadata(video.metadata, photo.path, offset, f["width"].get<int>(),
                                         f["height"].get<int>());
          photo.metadata.sha256 = photo.sha256;
          photo.metadata.bytes = f["bytes"].get<std::uint64_t>();
          video.frames.push_back(photo.path);
          EvidenceRecord row;
          row.path = photo.absolute.string();
          row.sha256 = photo.sha256;
          row.bytes = photo.metadata.bytes;
          row.kind = "video_frame";
          row.intake_utc = NowIsoUtc();
          c.shared.push_back(row);
          frames.push_back(std::move(photo));
        }
      });
  for (auto& f : frames) c.photos.push_back(std::move(f));
}

}  // namespace gv
