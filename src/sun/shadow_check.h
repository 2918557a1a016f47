// Does a shadow measured in a located, dated photo agree with the sun at that time and
// place? Compares the sun elevation implied by shadow length / object height (and the
// shadow's direction, when given) with SPA, and says by how much, as a finding.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sun/spa.h"
#include "util/finding.h"
#include "util/result.h"

namespace gv {

struct ShadowCheckInput {
  SpaInput sun;  // time and place (from the photo)
  double object_height = 0, shadow_length = 0;
  double length_tolerance = 0.10;  // relative
  std::optional<double> shadow_azimuth_deg;
  double azimuth_tolerance_deg = 5;
  double time_tolerance_s = 60;
  Status Check() const;
};

struct ShadowCheck {
  double expected_elevation_deg, observed_elevation_deg,
      elevation_margin_deg;  // allowed difference
  double expected_ratio, observed_ratio;
  double expected_shadow_azimuth_deg;
  std::optional<double> azimuth_difference_deg;
  bool consistent = false;
  Finding finding;  // SHADOW_CONSISTENT (info) or SHADOW_INCONSISTENT (warning)
};

// Error when the sun is below the horizon at that time and place (no shadow is possible).
Result<ShadowCheck> CheckShadow(const SpaTerms& terms, const ShadowCheckInput& input);
nlohmann::ordered_json ToJson(const ShadowCheck& check);

}  // namespace gv
