// JSON form of PhotoMetadata: the keys of `geoverify inspect --json`, documented in the
// README. Strings are valid UTF-8 (invalid bytes were replaced when read).
#pragma once

#include <nlohmann/json.hpp>

#include "metadata/photo_metadata.h"

namespace gv {

nlohmann::ordered_json ToJson(const PhotoMetadata& photo, bool with_tags = true);
nlohmann::ordered_json ToJson(const Finding& finding);

// "2008-10-23T14:27:07.24Z": GPS date-time with its fractional seconds.
std::string FormatGpsUtc(double utc_seconds);

}  // namespace gv
