#include "metadata/metadata_json.h"

#include <cmath>
#include <cstdio>

namespace gv {
namespace {

using Json = nlohmann::ordered_json;

Json StringOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

template <typename T>
Json OptionalOrNull(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json GpsJson(const GpsFix& g) {
  Json j;
  j["lat"] = g.position_valid ? Json(g.lat_deg) : Json(nullptr);
  j["lon"] = g.position_valid ? Json(g.lon_deg) : Json(nullptr);
  j["alt_m"] = OptionalOrNull(g.alt_m);
  j["datetime_utc"] = g.utc_seconds ? Json(FormatGpsUtc(*g.utc_seconds)) : Json(nullptr);
  j["direction_deg"] = OptionalOrNull(g.direction_deg);
  j["direction_ref"] = StringOrNull(g.direction_ref);
  j["speed_kmh"] = OptionalOrNull(g.speed_kmh);
  j["map_datum"] = StringOrNull(g.map_datum);
  return j;
}

Json TagsJson(const std::vector<std::pair<std::string, std::string>>& tags) {
  Json j = Json::object();
  for (const auto& [key, value] : tags) {
    auto it = j.find(key);
    if (it == j.end()) {
      j[key] = value;
    } else if (it->is_array()) {
      it->push_back(value);  // repeatable IPTC datasets (Keywords...)
    } else {
      *it = Json::array({*it, value});
    }
  }
  return j;
}

Json JpegJson(const JpegSummary& s) {
  Json j;
  j["quality_estimate"] = OptionalOrNull(s.quality_estimate);
  j["standard_tables"] = s.standard_tables;
  j["subsampling"] = StringOrNull(s.subsampling);
  j["progressive"] = s.progressive;
  j["segments"] = s.app_ids;
  j["comments"] = s.comments;
  j["trailing_bytes"] = s.trailing_bytes;
  return j;
}

}  // namespace

std::string FormatGpsUtc(double utc_seconds) {
  const double whole = std::floor(utc_seconds);
  std::string iso = FormatIsoLocal(FromEpochSeconds(static_cast<std::int64_t>(whole)));
  const int centis = static_cast<int>(std::lround((utc_seconds - whole) * 100));
  if (centis > 0 && centis < 100) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%02d", centis);
    iso += buf;
  }
  return iso + "Z";
}

Json ToJson(const Finding& f) {
  return Json{{"code", f.code}, {"severity", SeverityName(f.severity)}, {"message", f.message}};
}

Json ToJson(const PhotoMetadata& p, bool with_tags) {
  Json j;
  j["file"] = p.file;
  j["sha256"] = StringOrNull(p.sha256);
  j["bytes"] = p.bytes;
  j["format"] = StringOrNull(p.format);
  j["width"] = p.width > 0 ? Json(p.width) : Json(nullptr);
  j["height"] = p.height > 0 ? Json(p.height) : Json(nullptr);
  j["make"] = StringOrNull(p.make);
  j["model"] = StringOrNull(p.model);
  j["serial"] = StringOrNull(p.serial);
  j["lens"] = StringOrNull(p.lens);
  j["software"] = StringOrNull(p.software);
  j["orientation"] = OptionalOrNull(p.orientation);
  j["datetime_original"] =
      p.datetime_original ? Json(FormatIsoLocal(*p.datetime_original)) : Json(nullptr);
  j["offset_time_original"] =
      p.offset_time_original_s ? Json(FormatUtcOffset(*p.offset_time_original_s)) : Json(nullptr);
  j["taken_at_utc"] = p.taken_at_utc ? Json(FormatIsoUtc(*p.taken_at_utc)) : Json(nullptr);
  j["taken_at_utc_source"] = StringOrNull(p.taken_at_utc_source);
  j["time_zone"] = StringOrNull(p.time_zone);
  j["gps"] = p.gps ? GpsJson(*p.gps) : Json(nullptr);
  j["thumbnail"] = p.thumbnail ? Json{{"width", p.thumbnail->width},
                                      {"height", p.thumbnail->height},
                                      {"bytes", p.thumbnail->bytes}}
                               : Json(nullptr);
  j["jpeg"] = p.jpeg ? JpegJson(*p.jpeg) : Json(nullptr);
  if (p.video) {
    const VideoSummary& v = *p.video;
    j["video"] = {
        {"container", v.container},
        {"duration_s", std::round(v.duration_s * 1000) / 1000},
        {"codec", v.codec},
        {"width", v.width},
        {"height", v.height},
        {"rotation", v.rotation_deg},
        {"fps", std::round(v.fps * 1000) / 1000},
        {"audio", v.has_audio},
        {"has_video", v.has_video},
        {"frames_extracted", v.frames_extracted >= 0 ? Json(v.frames_extracted) : Json(nullptr)},
        {"location_key", StringOrNull(v.location_key)},
        {"encoder", StringOrNull(v.encoder)},
        {"container_utc", v.container_utc ? Json(FormatIsoUtc(*v.container_utc)) : Json(nullptr)}};
  }
  if (p.heif) {
    const HeifSummary& h = *p.heif;
    j["heif"] = {{"codec", h.codec},
                 {"rotation", h.rotation_cw},
                 {"mirror", StringOrNull(h.mirror)},
                 {"mirror_first", h.mirror.empty() ? Json(nullptr) : Json(h.mirror_first)},
                 {"thumbnails", h.thumbnails},
                 {"alpha", h.alpha}};
  }
  if (with_tags) j["tags"] = TagsJson(p.tags);
  j["findings"] = Json::array();
  for (const auto& f : p.findings) j["findings"].push_back(ToJson(f));
  j["error"] = p.error ? Json(*p.error) : Json(nullptr);
  return j;
}

}  // namespace gv
