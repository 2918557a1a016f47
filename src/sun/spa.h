// Solar position: NREL's Solar Position Algorithm (I. Reda and A. Andreas, "Solar Position
// Algorithm for Solar Radiation Applications", NREL/TP-560-34302, 2004, revised 2008),
// implemented in full: every intermediate quantity of the paper is exposed so that it can
// be checked against the paper's worked example. Uncertainty ±0.0003° for years -2000 to
// 6000. The periodic-term tables (Earth L/B/R, nutation) are data, loaded from
// data/generated/spa_terms.json (scripts/fetch-data).
//
// Angles in degrees, times as Unix seconds (UTC). Thread-safe: pure functions of their
// arguments.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "util/result.h"

namespace gv {

struct SpaTerms {
  std::array<std::vector<std::array<double, 3>>, 6> L;  // heliocentric longitude, A B C
  std::array<std::vector<std::array<double, 3>>, 2> B;  // heliocentric latitude
  std::array<std::vector<std::array<double, 3>>, 5> R;  // radius vector
  std::vector<std::array<double, 5>> Y;                 // nutation argument multipliers
  std::vector<std::array<double, 4>> PE;                // nutation coefficients a b c d

  static Result<std::shared_ptr<const SpaTerms>> Load(const std::filesystem::path& json);
  // The tables under DataDir(), loaded once per process.
  static Result<std::shared_ptr<const SpaTerms>> Default();
};

struct SpaInput {
  double utc_seconds = 0;  // Unix time, UTC (UT1 assumed equal to UTC)
  double lat_deg = 0;      // -90..90, north positive
  double lon_deg = 0;      // -180..180, east positive
  double elevation_m = 0;  // observer height above the ellipsoid
  double pressure_mbar = 1013.25;
  double temperature_c = 12;
  double delta_t_s = 69;  // TT - UT; see DeltaTSeconds()
  double refraction_at_horizon_deg = 0.5667;
  Status Check() const;
};

// Every quantity of the paper's section 3, named as there.
struct SpaResult {
  double jd, jc, jde, jce, jme;
  double L, B, R;                   // heliocentric longitude, latitude (deg), distance (AU)
  double theta, beta;               // geocentric longitude, latitude
  std::array<double, 5> x;          // X0..X4 nutation arguments
  double dpsi, depsilon;            // nutation in longitude, obliquity
  double epsilon0_arcsec, epsilon;  // mean and true obliquity
  double dtau, lambda;              // aberration, apparent sun longitude
  double nu0, nu;                   // mean and apparent sidereal time at Greenwich
  double alpha, delta;              // geocentric right ascension, declination
  double h;                         // observer local hour angle
  double xi, dalpha;                // horizontal parallax, parallax in right ascension
  double alpha_prime, delta_prime, h_prime;
  double e0, de, e;  // elevation without refraction, refraction, elevation
  double zenith;     // topocentric zenith angle (refracted)
  double gamma;      // astronomers' azimuth, from south
  double azimuth;    // from north, clockwise
  double eot_min;    // equation of time, minutes
};

SpaResult ComputeSpa(const SpaTerms& terms, const SpaInput& input);

// The part of SPA that depends only on time (eq. 1-25): geocentric right ascension and
// declination and apparent sidereal time at Greenwich. For grids, computed once per time;
// the per-place part is then a few multiplications (parallax, under 0.0025°, is left out).
struct GeocentricSun {
  double alpha_deg, delta_deg, nu_deg, r_au;
};
GeocentricSun ComputeGeocentricSun(const SpaTerms& terms, double utc_seconds, double delta_t_s);

// SPA's refraction correction (eq. 42) for a true elevation, degrees; 0 below the horizon.
double RefractionDeg(double true_elevation_deg, double pressure_mbar = 1010,
                     double temperature_c = 10);

// The day's sunrise, transit and sunset (paper's appendix A.2), for the local calendar day
// containing the input time, local meaning UTC + `utc_offset_s`. Rise and set are null when
// the sun does not cross the horizon (polar day or night).
struct SunEvents {
  std::optional<double> sunrise_utc, transit_utc, sunset_utc;  // Unix seconds
};
SunEvents ComputeSunEvents(const SpaTerms& terms, const SpaInput& input, int utc_offset_s);

// TT - UT in seconds for a decimal year: Espenak & Meeus polynomials (NASA eclipse site),
// accurate to a few seconds for 1900-2050, which moves the sun by under 0.0001°.
double DeltaTSeconds(double decimal_year);

}  // namespace gv
