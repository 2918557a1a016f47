// What `geoverify sun` reports for one time and place: topocentric position, the day's
// events and the shadow ratio, as text or JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "sun/spa.h"
#include "util/result.h"

namespace gv {

struct SunSummary {
  SpaInput input;
  SpaResult spa;
  SunEvents events;
  int utc_offset_s = 0;                // of the local day the events belong to
  std::string zone;                    // IANA zone when known
  std::optional<double> shadow_ratio;  // shadow length / object height on level ground
};

SunSummary SummarizeSun(const SpaTerms& terms, const SpaInput& input, int utc_offset_s);
nlohmann::ordered_json ToJson(const SunSummary& summary);
std::string FormatText(const SunSummary& summary);

// Shadow length / object height for a sun elevation; empty when the sun is not above the
// horizon.
std::optional<double> ShadowRatio(double elevation_deg);

// A time as given on the command line: ISO 8601 with "Z" or an offset; or a local time
// without zone plus an IANA zone name (`zone`, e.g. "Asia/Yangon"). Error when neither
// says which zone the time is in.
struct ResolvedTime {
  double utc_seconds = 0;
  int utc_offset_s = 0;
  std::string zone;
};
Result<ResolvedTime> ResolveTime(std::string_view text, const std::string& zone);

}  // namespace gv
