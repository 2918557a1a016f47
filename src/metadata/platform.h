// Which service's re-encoding a photo without camera metadata resembles. Heuristics from
// what the services are publicly known to do; each hint says what it rests on so the
// investigator can weigh it. Never proof on its own.
#pragma once

#include <string>
#include <vector>

#include "metadata/photo_metadata.h"

namespace gv {

// Hints such as "Facebook/Instagram/Messenger (IPTC FBMD marker)". Empty if nothing fits.
std::vector<std::string> ReencodingHints(const PhotoMetadata& photo);

}  // namespace gv
