// How an exercise answer is scored, and how answers are sealed: the functions that grading
// and the pack share, kept apart so that each can be tested at its anchor points.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "geo/latlon.h"

namespace gv {

// Points of each part of a question (documented in docs/commands/exercise.md).
inline constexpr int kWherePoints = 5000;
inline constexpr int kWhenPoints = 5000;
inline constexpr int kCountryPoints = 1000;
inline constexpr int kSitePoints = 1000;

// GeoGuessr-style distance score: kWherePoints when `distance_m` <= `full_marks_m`, else
// round(5000 exp(-d / S)) with S = `scale_m`.
int DistanceScore(double distance_m, double full_marks_m, double scale_m);

// Time score: kWhenPoints within +-15 min of the truth, falling linearly to 0 at +-6 h.
int TimeScore(double difference_s);

// The default S: a tenth of the geodesic diagonal (WGS84) of the bounding box of the
// answers, at least 10 km. In kilometres.
double DefaultScaleKm(const std::vector<LatLon>& answers);

// The canonical form of a country or site answer: Unicode NFKD, combining marks (Mn)
// removed, lower case, whitespace collapsed to one space and trimmed. Invalid UTF-8 is
// replaced first.
std::string CanonicalAnswer(std::string_view text);

// SHA-256 (hex) of the salt's bytes (16 bytes given in hex) followed by the canonical
// answer's UTF-8: what a pack holds for a country or site answer.
std::string SealAnswer(const std::string& salt_hex, std::string_view answer);

}  // namespace gv
