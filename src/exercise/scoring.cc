#include "exercise/scoring.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>

#include "geo/geodesy.h"
#include "util/sha256.h"
#include "util/text.h"

namespace gv {

int DistanceScore(double distance_m, double full_marks_m, double scale_m) {
  if (!(distance_m > full_marks_m)) return kWherePoints;
  if (!(scale_m > 0)) return 0;
  return static_cast<int>(std::lround(kWherePoints * std::exp(-distance_m / scale_m)));
}

int TimeScore(double difference_s) {
  constexpr double kFull = 15 * 60, kZero = 6 * 3600;
  const double d = std::abs(difference_s);
  if (d <= kFull) return kWhenPoints;
  if (d >= kZero) return 0;
  return static_cast<int>(std::lround(kWhenPoints * (kZero - d) / (kZero - kFull)));
}

double DefaultScaleKm(const std::vector<LatLon>& answers) {
  if (answers.empty()) return 10;
  LatLon lo = answers[0], hi = answers[0];
  for (const auto& a : answers) {
    lo.lat_deg = std::min(lo.lat_deg, a.lat_deg), lo.lon_deg = std::min(lo.lon_deg, a.lon_deg);
    hi.lat_deg = std::max(hi.lat_deg, a.lat_deg), hi.lon_deg = std::max(hi.lon_deg, a.lon_deg);
  }
  return std::max(10.0, GeodesicDistanceM(lo, hi) / 1000 / 10);
}

std::string CanonicalAnswer(std::string_view text) {
  const std::string clean = SanitizeUtf8(text);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  if (U_FAILURE(status)) return ToLower(Trim(clean));
  const icu::UnicodeString decomposed =
      nfkd->normalize(icu::UnicodeString::fromUTF8(clean), status);
  if (U_FAILURE(status)) return ToLower(Trim(clean));
  icu::UnicodeString kept;
  bool space = false;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (u_isUWhiteSpace(c)) {
      space = true;
      continue;
    }
    if (space && !kept.isEmpty()) kept.append(static_cast<UChar32>(' '));
    space = false;
    kept.append(c);
  }
  kept.toLower(icu::Locale::getRoot());
  std::string out;
  kept.toUTF8String(out);
  return out;
}

std::string SealAnswer(const std::string& salt_hex, std::string_view answer) {
  std::vector<std::uint8_t> data = HexDecode(salt_hex).value_or(std::vector<std::uint8_t>{});
  const std::string canonical = CanonicalAnswer(answer);
  data.insert(data.end(), canonical.begin(), canonical.end());
  return Sha256Hex(data);
}

}  // namespace gv
