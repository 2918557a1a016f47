#include "sun/spa.h"

#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numbers>

#include "util/data_dir.h"
#include "util/file.h"
#include "util/time.h"

namespace gv {
namespace {

constexpr double kPi = std::numbers::pi;
double Rad(double deg) { return deg * kPi / 180.0; }
double Deg(double rad) { return rad * 180.0 / kPi; }

double LimitDegrees(double deg) {
  const double limited = std::fmod(deg, 360.0);
  return limited < 0 ? limited + 360.0 : limited;
}
double LimitDegrees180pm(double deg) {
  const double limited = LimitDegrees(deg);
  return limited > 180.0 ? limited - 360.0 : limited;
}
double LimitZeroToOne(double value) {
  const double f = value - std::floor(value);
  return f;
}

// Julian day of a Unix time (paper eq. 4; the Unix epoch is JD 2440587.5).
double JulianDay(double utc_seconds) { return utc_seconds / 86400.0 + 2440587.5; }

double SumTerms(const std::vector<std::array<double, 3>>& terms, double jme) {
  double sum = 0;
  for (const auto& t : terms) sum += t[0] * std::cos(t[1] + t[2] * jme);
  return sum;
}

template <std::size_t N>
double EarthValue(const std::array<std::vector<std::array<double, 3>>, N>& series, double jme) {
  double value = 0, power = 1;
  for (std::size_t i = 0; i < N; ++i) {
    value += SumTerms(series[i], jme) * power;
    power *= jme;
  }
  return value / 1e8;
}

double Poly3(double a, double b, double c, double d, double x) {
  return ((d * x + c) * x + b) * x + a;
}

void Nutation(const SpaTerms& terms, SpaResult& r) {
  const double t = r.jce;
  r.x[0] = Poly3(297.85036, 445267.111480, -0.0019142, 1.0 / 189474.0, t);
  r.x[1] = Poly3(357.52772, 35999.050340, -0.0001603, -1.0 / 300000.0, t);
  r.x[2] = Poly3(134.96298, 477198.867398, 0.0086972, 1.0 / 56250.0, t);
  r.x[3] = Poly3(93.27191, 483202.017538, -0.0036825, 1.0 / 327270.0, t);
  r.x[4] = Poly3(125.04452, -1934.136261, 0.0020708, 1.0 / 450000.0, t);
  double psi = 0, eps = 0;
  for (std::size_t i = 0; i < terms.Y.size(); ++i) {
    double arg = 0;
    for (int j = 0; j < 5; ++j) arg += r.x[j] * terms.Y[i][j];
    arg = Rad(arg);
    psi += (terms.PE[i][0] + terms.PE[i][1] * t) * std::sin(arg);
    eps += (terms.PE[i][2] + terms.PE[i][3] * t) * std::cos(arg);
  }
  r.dpsi = psi / 36000000.0;
  r.depsilon = eps / 36000000.0;
}

double MeanObliquityArcsec(double jme) {
  static constexpr double kCoef[] = {84381.448, -4680.93, -1.55, 1999.25, -51.38, -249.67,
                                     -39.05,    7.12,     27.87, 5.79,    2.45};
  const double u = jme / 10.0;
  double value = 0, power = 1;
  for (const double c : kCoef) {
    value += c * power;
    power *= u;
  }
  return value;
}

// Geocentric right ascension and declination (eq. 12-14, 23-25) from JD and delta T.
void ComputeGeocentric(const SpaTerms& terms, double jd, double delta_t, SpaResult& r) {
  r.jd = jd;
  r.jc = (jd - 2451545.0) / 36525.0;
  r.jde = jd + delta_t / 86400.0;
  r.jce = (r.jde - 2451545.0) / 36525.0;
  r.jme = r.jce / 10.0;
  r.L = LimitDegrees(Deg(EarthValue(terms.L, r.jme)));
  r.B = Deg(EarthValue(terms.B, r.jme));
  r.R = EarthValue(terms.R, r.jme);
  r.theta = LimitDegrees(r.L + 180.0);
  r.beta = -r.B;
  Nutation(terms, r);
  r.epsilon0_arcsec = MeanObliquityArcsec(r.jme);
  r.epsilon = r.epsilon0_arcsec / 3600.0 + r.depsilon;
  r.dtau = -20.4898 / (3600.0 * r.R);
  r.lambda = r.theta + r.dpsi + r.dtau;
  r.nu0 = LimitDegrees(280.46061837 + 360.98564736629 * (jd - 2451545.0) +
                       r.jc * r.jc * (0.000387933 - r.jc / 38710000.0));
  r.nu = r.nu0 + r.dpsi * std::cos(Rad(r.epsilon));
  const double lambda = Rad(r.lambda), eps = Rad(r.epsilon), beta = Rad(r.beta);
  r.alpha = LimitDegrees(Deg(std::atan2(
      std::sin(lambda) * std::cos(eps) - std::tan(beta) * std::sin(eps), std::cos(lambda))));
  r.delta = Deg(std::asin(std::sin(beta) * std::cos(eps) +
                          std::cos(beta) * std::sin(eps) * std::sin(lambda)));
}

// Topocentric position (eq. 26-47).
void Topocentric(const SpaInput& in, SpaResult& r) {
  r.h = LimitDegrees(r.nu + in.lon_deg - r.alpha);
  r.xi = 8.794 / (3600.0 * r.R);
  const double phi = Rad(in.lat_deg), xi = Rad(r.xi), h = Rad(r.h), delta = Rad(r.delta);
  const double u = std::atan(0.99664719 * std::tan(phi));
  const double x = std::cos(u) + in.elevation_m / 6378140.0 * std::cos(phi);
  const double y = 0.99664719 * std::sin(u) + in.elevation_m / 6378140.0 * std::sin(phi);
  const double denom = std::cos(delta) - x * std::sin(xi) * std::cos(h);
  const double dalpha = std::atan2(-x * std::sin(xi) * std::sin(h), denom);
  r.dalpha = Deg(dalpha);
  r.alpha_prime = r.alpha + r.dalpha;
  r.delta_prime = Deg(std::atan2((std::sin(delta) - y * std::sin(xi)) * std::cos(dalpha), denom));
  r.h_prime = r.h - r.dalpha;
  const double dp = Rad(r.delta_prime), hp = Rad(r.h_prime);
  r.e0 = Deg(std::asin(std::sin(phi) * std::sin(dp) + std::cos(phi) * std::cos(dp) * std::cos(hp)));
  constexpr double kSunRadius = 0.26667;
  r.de = 0;
  if (r.e0 >= -(kSunRadius + in.refraction_at_horizon_deg)) {
    r.de = (in.pressure_mbar / 1010.0) * (283.0 / (273.0 + in.temperature_c)) * 1.02 /
           (60.0 * std::tan(Rad(r.e0 + 10.3 / (r.e0 + 5.11))));
  }  // same as RefractionDeg(), with the caller's horizon refraction
  r.e = r.e0 + r.de;
  r.zenith = 90.0 - r.e;
  r.gamma = LimitDegrees(
      Deg(std::atan2(std::sin(hp), std::cos(hp) * std::sin(phi) - std::tan(dp) * std::cos(phi))));
  r.azimuth = LimitDegrees(r.gamma + 180.0);
}

// Equation of time (appendix A.1), minutes.
double EquationOfTime(const SpaResult& r) {
  const double j = r.jme;
  const double m =
      280.4664567 +
      j * (360007.6982779 +
           j * (0.03032028 + j * (1.0 / 49931.0 + j * (-1.0 / 15300.0 + j * (-1.0 / 2000000.0)))));
  double e = 4.0 * LimitDegrees180pm(m - 0.0057183 - r.alpha + r.dpsi * std::cos(Rad(r.epsilon)));
  if (e > 20.0) e -= 1440.0;
  if (e < -20.0) e += 1440.0;
  return e;
}

}  // namespace

Status SpaInput::Check() const {
  if (!std::isfinite(utc_seconds)) return MakeError("time is not finite");
  if (!(lat_deg >= -90.0 && lat_deg <= 90.0))
    return MakeError("latitude must be within -90..90 degrees");
  if (!(lon_deg >= -180.0 && lon_deg <= 180.0))
    return MakeError("longitude must be within -180..180 degrees");
  if (!(elevation_m > -6500000.0 && elevation_m < 1e7)) return MakeError("elevation out of range");
  if (!(pressure_mbar > 0 && pressure_mbar < 5000))
    return MakeError("pressure must be within 0..5000 mbar");
  if (!(temperature_c > -273 && temperature_c < 6000))
    return MakeError("temperature must be above -273 C");
  if (!(std::abs(delta_t_s) < 8000)) return MakeError("delta T must be within -8000..8000 s");
  const double year = 1970.0 + utc_seconds / (365.2425 * 86400.0);
  if (year < -2000 || year > 6000) return MakeError("SPA is valid for years -2000 to 6000");
  return OkStatus();
}

GeocentricSun ComputeGeocentricSun(const SpaTerms& terms, double utc_seconds, double delta_t_s) {
  SpaResult r{};
  ComputeGeocentric(terms, JulianDay(utc_seconds), delta_t_s, r);
  return {r.alpha, r.delta, r.nu, r.R};
}

double RefractionDeg(double e0, double pressure_mbar, double temperature_c) {
  constexpr double kSunRadius = 0.26667, kHorizonRefraction = 0.5667;
  if (e0 < -(kSunRadius + kHorizonRefraction)) return 0.0;
  return (pressure_mbar / 1010.0) * (283.0 / (273.0 + temperature_c)) * 1.02 /
         (60.0 * std::tan(Rad(e0 + 10.3 / (e0 + 5.11))));
}

SpaResult ComputeSpa(const SpaTerms& terms, const SpaInput& in) {
  SpaResult r{};
  ComputeGeocentric(terms, JulianDay(in.utc_seconds), in.delta_t_s, r);
  Topocentric(in, r);
  r.eot_min = EquationOfTime(r);
  return r;
}

double DeltaTSeconds(double y) {
  if (y >= 2005 && y < 2050) {
    const double t = y - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t * t;
  }
  if (y >= 1986 && y < 2005) {
    const double t = y - 2000;
    return 63.86 +
           t * (0.3345 + t * (-0.060374 + t * (0.0017275 + t * (0.000651814 + t * 0.00002373599))));
  }
  if (y >= 1961 && y < 1986) {
    const double t = y - 1975;
    return 45.45 + 1.067 * t - t * t / 260.0 - t * t * t / 718.0;
  }
  if (y >= 1941 && y < 1961) {
    const double t = y - 1950;
    return 29.07 + 0.407 * t - t * t / 233.0 + t * t * t / 2547.0;
  }
  if (y >= 1920 && y < 1941) {
    const double t = y - 1920;
    return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * t * t * t;
  }
  if (y >= 2050 && y < 2150)
    return -20 + 32 * std::pow((y - 1820) / 100.0, 2) - 0.5628 * (2150 - y);
  const double u = (y - 1820) / 100.0;
  return -20 + 32 * u * u;
}

SunEvents ComputeSunEvents(const SpaTerms& terms, const SpaInput& in, int utc_offset_s) {
  SunEvents events;
  // 0 UT of the local calendar day.
  const auto local =
      FromEpochSeconds(static_cast<std::int64_t>(std::floor(in.utc_seconds + utc_offset_s)));
  const double day0 =
      static_cast<double>(DaysFromCivil(local.year, local.month, local.day)) * 86400.0;
  SpaResult at0{};
  ComputeGeocentric(terms, JulianDay(day0), 0.0, at0);
  const double nu = at0.nu;
  std::array<double, 3> alpha{}, delta{};
  for (int i = 0; i < 3; ++i) {
    SpaResult r{};
    ComputeGeocentric(terms, JulianDay(day0 + (i - 1) * 86400.0), 0.0, r);
    alpha[i] = r.alpha;
    delta[i] = r.delta;
  }
  const double phi = Rad(in.lat_deg), h0_prime = -0.8333;
  const double m0 = (alpha[1] - in.lon_deg - nu) / 360.0;
  const double cos_h0 = (std::sin(Rad(h0_prime)) - std::sin(phi) * std::sin(Rad(delta[1]))) /
                        (std::cos(phi) * std::cos(Rad(delta[1])));
  const bool crosses = std::abs(cos_h0) <= 1.0;
  const double h0 = crosses ? LimitDegrees(Deg(std::acos(cos_h0))) : 0.0;
  std::array<double, 3> m = {LimitZeroToOne(m0), LimitZeroToOne(m0 - h0 / 360.0),
                             LimitZeroToOne(m0 + h0 / 360.0)};
  // Interpolation of alpha and delta (A.2.8); differences over the 0/360 wrap are reduced.
  auto interpolate = [](const std::array<double, 3>& v, double n) {
    double a = v[1] - v[0], b = v[2] - v[1];
    if (std::abs(a) >= 2.0) a = LimitZeroToOne(a);
    if (std::abs(b) >= 2.0) b = LimitZeroToOne(b);
    return v[1] + n * (a + b + (b - a) * n) / 2.0;
  };
  std::array<double, 3> hp{}, dp{}, hgt{};
  for (int i = 0; i < 3; ++i) {
    const double nu_i = nu + 360.985647 * m[i];
    const double n = m[i] + in.delta_t_s / 86400.0;
    const double a = interpolate(alpha, n);
    dp[i] = interpolate(delta, n);
    hp[i] = LimitDegrees180pm(nu_i + in.lon_deg - a);
    hgt[i] = Deg(std::asin(std::sin(phi) * std::sin(Rad(dp[i])) +
                           std::cos(phi) * std::cos(Rad(dp[i])) * std::cos(Rad(hp[i]))));
  }
  // Fractions of the UT day, then wrapped into the local day as the NREL reference does.
  const auto to_utc = [&](double fraction) {
    const double local_day_fraction = LimitZeroToOne(fraction + utc_offset_s / 86400.0);
    return day0 - utc_offset_s + local_day_fraction * 86400.0;
  };
  events.transit_utc = to_utc(m[0] - hp[0] / 360.0);
  if (crosses) {
    const auto correction = [&](int i) {
      return (hgt[i] - h0_prime) /
             (360.0 * std::cos(Rad(dp[i])) * std::cos(phi) * std::sin(Rad(hp[i])));
    };
    events.sunrise_utc = to_utc(m[1] + correction(1));
    events.sunset_utc = to_utc(m[2] + correction(2));
  }
  return events;
}

Result<std::shared_ptr<const SpaTerms>> SpaTerms::Load(const std::filesystem::path& json_path) {
  std::vector<std::uint8_t> bytes;
  if (auto st = ReadFileBounded(json_path, 1 << 20, bytes); !st.ok()) {
    return MakeError(st.error().message + " (SPA tables: run scripts/fetch-data)");
  }
  try {
    const auto j = nlohmann::json::parse(bytes.begin(), bytes.end());
    auto terms = std::make_shared<SpaTerms>();
    for (std::size_t i = 0; i < terms->L.size(); ++i)
      terms->L[i] = j.at("L").at(i).get<std::vector<std::array<double, 3>>>();
    for (std::size_t i = 0; i < terms->B.size(); ++i)
      terms->B[i] = j.at("B").at(i).get<std::vector<std::array<double, 3>>>();
    for (std::size_t i = 0; i < terms->R.size(); ++i)
      terms->R[i] = j.at("R").at(i).get<std::vector<std::array<double, 3>>>();
    terms->Y = j.at("Y").get<std::vector<std::array<double, 5>>>();
    terms->PE = j.at("PE").get<std::vector<std::array<double, 4>>>();
    if (terms->L[0].size() != 64 || terms->R[0].size() != 40 || terms->Y.size() != 63 ||
        terms->PE.size() != 63) {
      return MakeError(json_path.string() + ": SPA tables have unexpected sizes");
    }
    return std::shared_ptr<const SpaTerms>(std::move(terms));
  } catch (const std::exception& e) {
    return MakeError(json_path.string() + ": malformed SPA tables: " + e.what());
  }
}

Result<std::shared_ptr<const SpaTerms>> SpaTerms::Default() {
  static std::once_flag once;
  static Result<std::shared_ptr<const SpaTerms>> instance = MakeError("not loaded");
  std::call_once(once, [] { instance = Load(DataDir() / "generated" / "spa_terms.json"); });
  return instance;
}

}  // namespace gv
