// PhotoMetadata: what geoverify knows about one photo from its metadata, in the units
// and frames the investigator needs. Filled by ReadPhotoMetadata() (exiv2 adapter), then
// by DeriveCaptureTime() and RunMetadataChecks().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/finding.h"
#include "util/time.h"

namespace gv {

struct GpsFix {
  double lat_deg = 0, lon_deg = 0;      // signed decimal degrees, WGS84 (or map_datum)
  bool position_valid = false;          // refs present, components finite and in range
  std::optional<double> alt_m;          // negative below sea level
  std::optional<double> utc_seconds;    // GPS date+time as Unix seconds (fractional)
  std::optional<double> direction_deg;  // GPSImgDirection
  std::string direction_ref;            // "T" true north, "M" magnetic
  std::optional<double> speed_kmh;
  std::string map_datum;
  std::string problem;  // why the position is not valid, if it is not
};

struct ThumbnailInfo {
  int width = 0, height = 0;
  std::uint64_t bytes = 0;
  std::vector<std::uint8_t> data;  // the embedded JPEG, kept for checks (not serialised)
};

// Facts about the JPEG stream itself (not metadata tags), used by the checks.
struct JpegSummary {
  std::optional<int> quality_estimate;
  bool standard_tables = false;
  std::string subsampling;
  bool progressive = false;
  std::vector<std::string> app_ids;  // "APP0:JFIF", "APP1:Exif", ...
  std::vector<std::string> comments;
  std::size_t trailing_bytes = 0;
  bool has_eoi = true;
};

// A video's stream, as `inspect --json` reports it (the container's metadata goes in the
// photo fields: time, GPS, make/model/software).
struct VideoSummary {
  std::string container, codec;
  double duration_s = 0, fps = 0;
  int width = 0, height = 0;  // as coded
  int rotation_deg = 0;       // clockwise to show upright (exiftool's Rotation)
  bool has_audio = false;
  bool has_video = true;      // false: an audio recording (a voice note)
  int frames_extracted = -1;  // scene-change keyframes; -1 when not extracted
  std::string location_key;   // the key the position came from
  std::string encoder;        // the muxer's or encoder's own tag ("Lavf59.27.100", ...)
  std::optional<std::int64_t> container_utc;  // the container's creation time (UTC)
};

// An HEIC/HEIF/AVIF file's container facts (image/heif.h).
struct HeifSummary {
  std::string codec;    // "HEVC", "AV1"
  int rotation_cw = 0;  // degrees clockwise to show the coded image upright (from 'irot')
  std::string mirror;   // "left-right", "top-bottom" or "" (from 'imir')
  bool mirror_first = false;
  int thumbnails = 0;
  bool alpha = false;
};

struct PhotoMetadata {
  std::string file;
  std::string sha256;
  std::uint64_t bytes = 0;
  std::string format;
  int width = 0, height = 0;

  std::string make, model, serial, lens, software;
  std::optional<int> orientation;

  std::optional<CivilTime> datetime_original;  // local, as recorded
  std::string subsec_original;                 // digits of SubSecTimeOriginal
  std::optional<CivilTime> datetime_modified;  // Exif.Image.DateTime
  std::optional<int> offset_time_original_s;   // seconds east of UTC
  std::optional<std::int64_t> taken_at_utc;    // Unix seconds
  std::string taken_at_utc_source;             // "offset", "gps", "timezone_at_gps" or ""
  std::string time_zone;                       // IANA zone used, when timezone_at_gps
  std::string zone_at_gps;                     // IANA zone at the GPS position, when known
  std::optional<int> zone_at_gps_offset_s;     // its UTC offset at taken_at_utc

  std::optional<GpsFix> gps;
  std::optional<ThumbnailInfo> thumbnail;
  std::optional<JpegSummary> jpeg;
  std::optional<VideoSummary> video;
  std::optional<HeifSummary> heif;

  bool has_exif = false, has_iptc = false, has_xmp = false;
  std::string xmp_creator_tool;
  std::vector<std::string> xmp_history_agents;
  std::string iptc_special_instructions;
  std::vector<std::pair<std::string, std::string>> tags;  // exiv2 key -> value text

  std::vector<Finding> findings;
  std::optional<std::string> error;  // why the file could not be (fully) read

  void AddFinding(std::string code, Severity severity, std::string message) {
    findings.push_back({std::move(code), severity, std::move(message), "metadata"});
  }
};

}  // namespace gv
