#include "metadata/checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "geo/tzif.h"
#include "image/decode.h"
#include "metadata/capture_time.h"
#include "metadata/platform.h"
#include "util/text.h"

namespace gv {
namespace {

// "-21h58m28s", or "1434d 03h22m06s" beyond two days.
std::string Hours(double seconds) {
  char buf[64];
  const long long abs = std::llround(std::abs(seconds));
  const char* sign = seconds < 0 ? "-" : "";
  if (abs >= 48 * 3600) {
    std::snprintf(buf, sizeof buf, "%s%lldd %02lldh%02lldm%02llds", sign, abs / 86400,
                  abs % 86400 / 3600, abs % 3600 / 60, abs % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%s%lldh%02lldm%02llds", sign, abs / 3600, abs % 3600 / 60,
                  abs % 60);
  }
  return buf;
}

void CheckNoMetadata(PhotoMetadata& p) {
  const bool camera_exif = !p.make.empty() || !p.model.empty() || p.datetime_original.has_value();
  if (camera_exif || p.has_xmp) return;
  std::string message = "No camera metadata (no EXIF camera/time fields, no XMP)";
  const auto hints = ReencodingHints(p);
  message +=
      hints.empty()
          ? ": typical of photos re-sent through messaging apps or social media, or of screenshots"
          : "; re-encoding resembles " + hints.front();
  p.AddFinding("NO_METADATA", Severity::kWarning, message);
  for (std::size_t i = 1; i < hints.size(); ++i) {
    p.AddFinding("REENCODED_BY_PLATFORM", Severity::kInfo, "Also resembles " + hints[i]);
  }
}

void CheckSoftware(PhotoMetadata& p) {
  std::vector<std::string> programs = {p.software, p.xmp_creator_tool};
  programs.insert(programs.end(), p.xmp_history_agents.begin(), p.xmp_history_agents.end());
  std::string reported;
  for (const auto& program : programs) {
    if (program.empty() || program == reported) continue;
    if (const std::string editor = KnownEditor(program); !editor.empty()) {
      p.AddFinding("EDITED_WITH_SOFTWARE", Severity::kWarning,
                   "Saved by image editing software: " + program + " (" + editor + ")");
      reported = program;
    }
  }
  if (reported.empty() && !p.software.empty()) {
    p.AddFinding("SOFTWARE_RECORDED", Severity::kInfo, "Software recorded: " + p.software);
  }
  if (p.iptc_special_instructions.find("FBMD") != std::string::npos &&
      p.findings.end() == std::find_if(p.findings.begin(), p.findings.end(),
                                       [](const Finding& f) { return f.code == "NO_METADATA"; })) {
    p.AddFinding("REENCODED_BY_PLATFORM", Severity::kWarning,
                 "IPTC FBMD marker: the file passed through Facebook/Instagram/Messenger");
  }
}

void CheckTimes(PhotoMetadata& p, const TimeZoneIndex* zones) {
  if (!p.datetime_original && !(p.gps && p.gps->utc_seconds)) {
    p.AddFinding("NO_CAPTURE_TIME", Severity::kInfo,
                 "No DateTimeOriginal: the capture time is unknown");
  }
  if (p.datetime_original && p.datetime_modified) {
    const auto diff = ToEpochSeconds(*p.datetime_modified) - ToEpochSeconds(*p.datetime_original);
    if (diff > 0) {
      p.AddFinding("MODIFIED_AFTER_CAPTURE", Severity::kWarning,
                   "DateTime (" + FormatIsoLocal(*p.datetime_modified) + ") is " +
                       Hours(static_cast<double>(diff)) + " after DateTimeOriginal (" +
                       FormatIsoLocal(*p.datetime_original) + "): the file was saved again");
    }
  }
  if (!p.datetime_original || !p.gps || !p.gps->utc_seconds) return;
  const double local = static_cast<double>(ToEpochSeconds(*p.datetime_original));
  const double delta = local - *p.gps->utc_seconds;
  const auto offset = ExplainedZoneOffset(delta);
  if (!offset) {
    p.AddFinding("GPS_TIME_MISMATCH", Severity::kWarning,
                 "Camera clock (" + FormatIsoLocal(*p.datetime_original) + ") and GPS clock (" +
                     FormatIsoUtc(static_cast<std::int64_t>(*p.gps->utc_seconds)) + ") differ by " +
                     Hours(delta) +
                     ", which no time-zone offset explains: the camera clock was wrong or the "
                     "metadata was altered");
    return;
  }
  if (!p.gps->position_valid || zones == nullptr) return;
  const auto rules = zones->RulesAt({p.gps->lat_deg, p.gps->lon_deg});
  if (!rules.ok()) return;
  const int expected = rules->OffsetAtUtc(static_cast<std::int64_t>(*p.gps->utc_seconds));
  if (expected != *offset) {
    p.AddFinding("CAMERA_CLOCK_ZONE_DIFFERS", Severity::kInfo,
                 "Camera clock is set to UTC" + FormatUtcOffset(*offset) +
                     " but the GPS position is in " + rules->name() + " (UTC" +
                     FormatUtcOffset(expected) +
                     "): camera brought from elsewhere, or position or time altered");
  }
}

void CheckGps(PhotoMetadata& p) {
  if (!p.gps) return;
  const GpsFix& g = *p.gps;
  if (!g.position_valid && !g.problem.empty()) {
    p.AddFinding("GPS_INVALID", Severity::kWarning, "GPS tags present but unusable: " + g.problem);
  } else if (std::abs(g.lat_deg) < 1e-9 && std::abs(g.lon_deg) < 1e-9) {
    p.AddFinding("GPS_NULL_ISLAND", Severity::kWarning,
                 "GPS position is 0,0 (\"Null Island\"): a placeholder written without a fix, not "
                 "a location");
  }
}

// Aspect ratio of the non-black content of a thumbnail (cameras letterbox 3:2 images in
// 4:3 thumbnails), or the plain ratio if it cannot be decoded.
double ThumbnailContentAspect(const ThumbnailInfo& t) {
  const double plain = static_cast<double>(t.width) / t.height;
  DecodeLimits limits;
  limits.max_pixels = 4'000'000;
  auto image = DecodeImage(t.data, limits);
  if (!image.ok()) return plain;
  cv::Mat gray, row_means, col_means;
  cv::cvtColor(*image, gray, cv::COLOR_BGR2GRAY);
  cv::reduce(gray, row_means, 1, cv::REDUCE_AVG, CV_64F);
  cv::reduce(gray, col_means, 0, cv::REDUCE_AVG, CV_64F);
  constexpr double kDark = 12.0;  // mean grey level of a black letterbox bar
  int top = 0, bottom = gray.rows - 1, left = 0, right = gray.cols - 1;
  const auto row_dark = [&](int r) { return row_means.at<double>(r, 0) < kDark; };
  const auto col_dark = [&](int c) { return col_means.at<double>(0, c) < kDark; };
  while (top < bottom && row_dark(top)) ++top;
  while (bottom > top && row_dark(bottom)) --bottom;
  while (left < right && col_dark(left)) ++left;
  while (right > left && col_dark(right)) --right;
  if (bottom - top < 4 || right - left < 4) return plain;
  return static_cast<double>(right - left + 1) / (bottom - top + 1);
}

void CheckThumbnail(PhotoMetadata& p) {
  if (!p.thumbnail || p.thumbnail->width <= 0 || p.thumbnail->height <= 0 || p.width <= 0 ||
      p.height <= 0)
    return;
  const double main_aspect = static_cast<double>(p.width) / p.height;
  const double plain = static_cast<double>(p.thumbnail->width) / p.thumbnail->height;
  constexpr double kTolerance = 0.04;  // rounding of small thumbnails
  const auto differs = [&](double a) { return std::abs(std::log(a / main_aspect)) > kTolerance; };
  if (!differs(plain) || !differs(ThumbnailContentAspect(*p.thumbnail))) return;
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "Embedded thumbnail is %dx%d (aspect %.3f) but the image is %dx%d (aspect %.3f)",
                p.thumbnail->width, p.thumbnail->height, plain, p.width, p.height, main_aspect);
  p.AddFinding(
      "THUMBNAIL_MISMATCH", Severity::kWarning,
      std::string(buf) +
          ": the image was cropped after the camera wrote the thumbnail, unless the camera crops "
          "its thumbnails (some do; `geoverify forensics` compares the two pictures)");
}

}  // namespace

std::string KnownEditor(std::string_view software) {
  static const char* const kEditors[][2] = {{"photoshop", "Adobe Photoshop"},
                                            {"lightroom", "Adobe Lightroom"},
                                            {"gimp", "GIMP"},
                                            {"snapseed", "Snapseed"},
                                            {"picsart", "PicsArt"},
                                            {"paint.net", "Paint.NET"},
                                            {"pixelmator", "Pixelmator"},
                                            {"affinity", "Affinity Photo"},
                                            {"canva", "Canva"},
                                            {"facetune", "Facetune"},
                                            {"meitu", "Meitu"},
                                            {"capture one", "Capture One"},
                                            {"darktable", "darktable"},
                                            {"rawtherapee", "RawTherapee"},
                                            {"acdsee", "ACDSee"},
                                            {"photoscape", "PhotoScape"},
                                            {"fotor", "Fotor"},
                                            {"vsco", "VSCO"},
                                            {"paintshop", "PaintShop Pro"},
                                            {"corel", "Corel"},
                                            {"irfanview", "IrfanView"},
                                            {"xnview", "XnView"},
                                            {"picasa", "Picasa"},
                                            {"photo editor", "a photo editor"},
                                            {"paint tool sai", "Paint Tool SAI"},
                                            {"krita", "Krita"},
                                            {"inkscape", "Inkscape"},
                                            {"imagemagick", "ImageMagick"},
                                            {"graphicsmagick", "GraphicsMagick"},
                                            {"photopea", "Photopea"},
                                            {"luminar", "Luminar"},
                                            {"polarr", "Polarr"},
                                            {"remini", "Remini"},
                                            {"beautycam", "BeautyCam"},
                                            {"lightx", "LightX"},
                                            {"picmonkey", "PicMonkey"},
                                            {"photoworks", "PhotoWorks"}};
  const std::string lower = ToLower(software);
  for (const auto& editor : kEditors) {
    if (lower.find(editor[0]) != std::string::npos) return editor[1];
  }
  return "";
}

// A video's container: stripped (messaging apps), re-muxed (FFmpeg's own tag), and the two
// capture times when they disagree.
void CheckVideo(PhotoMetadata& p, const TimeZoneIndex* zones) {
  const VideoSummary& v = *p.video;
  if (!v.has_video)
    p.AddFinding("AUDIO_ONLY", Severity::kInfo,
                 "An audio recording without pictures (a voice note): its container metadata is "
                 "read, there is nothing to see");
  const bool camera = !p.make.empty() || !p.model.empty();
  if (!camera && !p.taken_at_utc && !p.datetime_original && !p.gps) {
    p.AddFinding("NO_METADATA", Severity::kWarning,
                 "No capture metadata in the video container (no creation time, location or "
                 "camera): typical of videos re-sent through messaging apps, which re-encode "
                 "them and drop these, or of screen recordings");
  } else if (!p.taken_at_utc && !p.datetime_original) {
    p.AddFinding("NO_CAPTURE_TIME", Severity::kInfo,
                 "No creation time in the video container: the capture time is unknown");
  }
  if (ToLower(v.encoder).rfind("lavf", 0) == 0) {
    p.AddFinding("REENCODED_BY_PLATFORM", camera ? Severity::kInfo : Severity::kWarning,
                 "Written by FFmpeg's libavformat (encoder tag \"" + v.encoder +
                     "\"): re-muxed or re-encoded by a converter, an editor or an app, not "
                     "as the phone's camera saved it");
  }
  if (p.datetime_original && p.offset_time_original_s && v.container_utc) {
    const std::int64_t apple = ToEpochSeconds(*p.datetime_original) - *p.offset_time_original_s;
    const double diff = static_cast<double>(*v.container_utc - apple);
    if (std::abs(diff) > 60) {
      p.AddFinding("VIDEO_TIME_MISMATCH", Severity::kWarning,
                   "The container's creation time (" + FormatIsoUtc(*v.container_utc) +
                       ") differs from com.apple.quicktime.creationdate (" + FormatIsoUtc(apple) +
                       ") by " + Hours(diff) +
                       ": the video was exported, edited or re-saved after it was recorded "
                       "(the creation date keeps the capture time)");
    }
  }
  // The phone's zone setting (the creation date's offset) against the zone at the position:
  // near a border phones often keep the neighbouring country's network time.
  if (p.offset_time_original_s && p.taken_at_utc && p.gps && p.gps->position_valid && zones) {
    if (const auto rules = zones->RulesAt({p.gps->lat_deg, p.gps->lon_deg}); rules.ok()) {
      const int expected = rules->OffsetAtUtc(*p.taken_at_utc);
      if (expected != *p.offset_time_original_s)
        p.AddFinding("CAMERA_CLOCK_ZONE_DIFFERS", Severity::kInfo,
                     "The video's creation date is recorded at UTC" +
                         FormatUtcOffset(*p.offset_time_original_s) + " but its position is in " +
                         rules->name() + " (UTC" + FormatUtcOffset(expected) +
                         "): the phone keeps another zone's time (brought from elsewhere, or a "
                         "neighbouring country's network near a border), or position or time "
                         "were altered");
    }
  }
  CheckSoftware(p);
  CheckGps(p);
}

void RunMetadataChecks(PhotoMetadata& p, const TimeZoneIndex* zones) {
  if (p.video) {
    CheckVideo(p, zones);
    return;
  }
  CheckNoMetadata(p);
  CheckSoftware(p);
  CheckTimes(p, zones);
  CheckGps(p);
  CheckThumbnail(p);
  if (p.jpeg && !p.jpeg->has_eoi) {
    p.AddFinding("TRUNCATED_IMAGE", Severity::kWarning,
                 "The JPEG has no end-of-image marker: the file is truncated (incomplete download "
                 "or transfer)");
  }
  if (p.jpeg && p.jpeg->trailing_bytes > 0) {
    p.AddFinding("TRAILING_DATA", Severity::kWarning,
                 std::to_string(p.jpeg->trailing_bytes) +
                     " bytes after the end of the JPEG image: hidden or appended data");
  }
}

}  // namespace gv
