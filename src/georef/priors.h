// Heading and ground-sample-distance priors for georef (GeorefOptions::heading_deg, gsd_m):
// from the analyst (--heading DEG[:TOL], --gsd M[:TOL]) or from the photo's metadata:
//   - a DJI drone's XMP (drone-dji:GimbalYawDegree, else FlightYawDegree): the heading; with
//     the gimbal pointing down (GimbalPitchDegree within 10 degrees of -90), RelativeAltitude
//     and the 35 mm equivalent focal length give the ground sample distance;
//   - GPSImgDirection: the heading (the bearing the camera faced, which is the photo's up on
//     the ground for a photo looking down and forward), within 25 degrees with a true-north
//     reference, 30 with a magnetic one (phone compasses err near steel and concrete; the
//     declination is not applied). It gives no scale, so it only refuses registrations that
//     contradict it.
// An analyst's value replaces the metadata's.
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <string>

#include "georef/registration.h"
#include "metadata/photo_metadata.h"
#include "util/result.h"

namespace gv {

struct GeorefPriors {
  std::optional<double> heading_deg, heading_tol_deg;
  std::string heading_source;  // "--heading", "DJI GimbalYawDegree", "GPSImgDirection (T)", ...
  std::optional<double> gsd_m, gsd_rel_tol;
  std::string gsd_source;
  // Sets the options' priors (those given here; the others stay).
  void ApplyTo(GeorefOptions& options) const;
};

// "DEG" or "DEG:TOL" (degrees, any real; the tolerance in [0, 180]).
Result<std::pair<double, std::optional<double>>> ParseHeadingPrior(const std::string& text);
// "M" or "M:TOL" (metres per pixel > 0; TOL relative, in [0, 1)).
Result<std::pair<double, std::optional<double>>> ParseGsdPrior(const std::string& text);

// Priors from the photo's metadata; `shown` is the size of the photo as shown (oriented).
GeorefPriors PriorsFromMetadata(const PhotoMetadata& metadata, cv::Size shown);

}  // namespace gv
