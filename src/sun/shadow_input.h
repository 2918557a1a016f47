// Shadow observations as investigators give them: on the command line (a group of options
// per observation, each group starting at --at) or in a small CSV or JSON file, with keys
//   at, tz, object_height, shadow_length, shadow_ratio, sun_elevation, azimuth,
//   length_tolerance, time_tolerance, azimuth_tolerance, elevation_tolerance
// Defaults reflect measurement in a photo: length ±10 %, azimuth ±5°, elevation ±1°, time
// ±60 s.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sun/shadow.h"
#include "util/result.h"

namespace gv {

using ObservationSpec = std::map<std::string, std::string>;

// The option names (without "--", '-' for '_') that belong to one observation.
const std::vector<std::string>& ObservationKeys();

// Builds and checks one observation. Errors say which key is wrong and why.
Result<ShadowObservation> MakeObservation(const ObservationSpec& spec);

// Reads observations from a CSV file (header row of keys) or a JSON array of objects.
Result<std::vector<ObservationSpec>> ReadObservationFile(const std::filesystem::path& path);

// Splits command-line tokens into observation groups: every --at starts a new group; the
// observation options before the first --at belong to the first group. Tokens that are not
// observation options are left out. Error for an option without its value.
Result<std::vector<ObservationSpec>> GroupObservationArgs(const std::vector<std::string>& args);

}  // namespace gv
