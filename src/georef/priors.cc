#include "georef/priors.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace gv {
namespace {

constexpr double kDiagonal35mm = 43.2666;  // mm: the 35 mm frame's diagonal

std::optional<double> Number(const std::string& text) {
  const char* begin = text.c_str();
  while (*begin == ' ' || *begin == '+') ++begin;
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(v)) return std::nullopt;
  while (*end == ' ') ++end;
  if (*end != '\0') return std::nullopt;
  return v;
}

// The value of the first tag whose key is `key` (exiv2 names DJI's XMP namespace by the
// packet's prefix: Xmp.drone-dji.*).
std::optional<std::string> Tag(const PhotoMetadata& m, const std::string& key) {
  for (const auto& [k, v] : m.tags)
    if (k == key) return v;
  return std::nullopt;
}

std::optional<double> TagNumber(const PhotoMetadata& m, const std::string& key) {
  const auto t = Tag(m, key);
  if (!t) return std::nullopt;
  // Rationals as exiv2 prints them ("24/1") or decimals.
  int a = 0, b = 0;
  char tail = 0;
  if (std::sscanf(t->c_str(), "%d/%d%c", &a, &b, &tail) == 2) return b != 0 ? a / double(b) : NAN;
  return Number(*t);
}

Result<std::pair<double, std::optional<double>>> Split(const std::string& text, const char* what) {
  const auto colon = text.find(':');
  const auto value = Number(text.substr(0, colon));
  if (!value) return MakeError(std::string(what) + " wants a number, or NUMBER:TOLERANCE");
  std::optional<double> tol;
  if (colon != std::string::npos) {
    tol = Number(text.substr(colon + 1));
    if (!tol) return MakeError(std::string(what) + " wants a number, or NUMBER:TOLERANCE");
  }
  return std::make_pair(*value, tol);
}

}  // namespace

void GeorefPriors::ApplyTo(GeorefOptions& o) const {
  if (heading_deg) {
    o.heading_deg = std::fmod(std::fmod(*heading_deg, 360) + 360, 360);
    if (heading_tol_deg) o.heading_tol_deg = *heading_tol_deg;
  }
  if (gsd_m) {
    o.gsd_m = *gsd_m;
    if (gsd_rel_tol) o.gsd_rel_tol = *gsd_rel_tol;
  }
}

Result<std::pair<double, std::optional<double>>> ParseHeadingPrior(const std::string& text) {
  auto v = Split(text, "--heading");
  if (!v.ok()) return v.error();
  if (v->second && !(*v->second >= 0 && *v->second <= 180))
    return MakeError("--heading: the tolerance is degrees in [0, 180]");
  return v;
}

Result<std::pair<double, std::optional<double>>> ParseGsdPrior(const std::string& text) {
  auto v = Split(text, "--gsd");
  if (!v.ok()) return v.error();
  if (!(v->first > 0 && v->first < 1e5)) return MakeError("--gsd: metres per pixel, above 0");
  if (v->second && !(*v->second >= 0 && *v->second < 1))
    return MakeError("--gsd: the tolerance is relative, in [0, 1) (0.2 for 20 %)");
  return v;
}

GeorefPriors PriorsFromMetadata(const PhotoMetadata& m, cv::Size shown) {
  GeorefPriors p;
  const auto yaw = TagNumber(m, "Xmp.drone-dji.GimbalYawDegree");
  const auto flight = TagNumber(m, "Xmp.drone-dji.FlightYawDegree");
  const auto pitch = TagNumber(m, "Xmp.drone-dji.GimbalPitchDegree");
  if (yaw && std::isfinite(*yaw)) {
    p.heading_deg = *yaw;
    p.heading_tol_deg = 10;
    p.heading_source = "DJI GimbalYawDegree";
  } else if (flight && std::isfinite(*flight)) {
    p.heading_deg = *flight;
    p.heading_tol_deg = 15;  // the aircraft's, not the camera's
    p.heading_source = "DJI FlightYawDegree";
  } else if (m.gps && m.gps->direction_deg && std::isfinite(*m.gps->direction_deg)) {
    p.heading_deg = *m.gps->direction_deg;
    const bool magnetic = m.gps->direction_ref == "M";
    p.heading_tol_deg = magnetic ? 30 : 25;  // phone compasses err near steel and concrete
    p.heading_source = magnetic ? "GPSImgDirection (magnetic)" : "GPSImgDirection";
  }
  const auto altitude = TagNumber(m, "Xmp.drone-dji.RelativeAltitude");
  const auto f35 = TagNumber(m, "Exif.Photo.FocalLengthIn35mmFilm");
  if (altitude && *altitude > 1 && f35 && *f35 > 1 && pitch && std::abs(*pitch + 90) <= 10 &&
      shown.width > 0 && shown.height > 0) {
    p.gsd_m = *altitude * kDiagonal35mm / (*f35 * std::hypot(shown.width, shown.height));
    p.gsd_rel_tol = 0.2;  // relative altitude above the take-off point, not the ground
    p.gsd_source = "DJI RelativeAltitude and FocalLengthIn35mmFilm";
  }
  return p;
}

}  // namespace gv
