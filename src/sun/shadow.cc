#include "sun/shadow.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "geo/tzif.h"
#include "util/ordered_pool.h"

namespace gv {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kEarthRadiusKm = 6371.0088;
double Rad(double d) { return d * kPi / 180.0; }
double Deg(double r) { return r * 180.0 / kPi; }

// Apparent (refracted) elevation to true elevation, by fixed-point iteration.
double TrueFromApparent(double apparent_deg) {
  if (apparent_deg >= 90.0) return 90.0;
  double t = apparent_deg;
  for (int i = 0; i < 6; ++i) t = apparent_deg - RefractionDeg(t);
  return t;
}

// One time sample of one observation: geocentric sun and per-column hour angle terms.
struct Sample {
  double sin_d, cos_d;
  std::vector<double> cos_h, sin_h;
};

struct PreparedObservation {
  const ShadowObservation* obs;
  double sin_e_min, sin_e_max;  // true elevation bounds, as sines
  bool has_azimuth;
  double sin_a, cos_a, cos2_tol;  // target sun azimuth and tolerance
  double sigma_e, sigma_a;
  // One set of time samples per UTC offset: a single set when the time is in UTC; with an
  // unknown zone one set per distinct offset, chosen per cell by its zone.
  std::vector<std::vector<Sample>> sets;
  std::vector<int> set_of_zone;  // zone index (1-based) -> set; [0] unused
  std::vector<int> set_of_hour;  // nautical zone -12..+12 -> set, for cells at sea
  int samples_per_set = 1;
};

std::vector<Sample> TimeSamples(const SpaTerms& terms, double utc, int n, double tolerance_s,
                                const GridSpec& grid) {
  std::vector<Sample> samples;
  const int width = grid.Width();
  for (int k = 0; k < n; ++k) {
    const double t = n == 1 ? utc : utc - tolerance_s + 2.0 * tolerance_s * k / (n - 1);
    const auto civil_year = 1970.0 + t / (365.2425 * 86400.0);
    const GeocentricSun sun = ComputeGeocentricSun(terms, t, DeltaTSeconds(civil_year));
    Sample s;
    s.sin_d = std::sin(Rad(sun.delta_deg));
    s.cos_d = std::cos(Rad(sun.delta_deg));
    s.cos_h.resize(width);
    s.sin_h.resize(width);
    for (int c = 0; c < width; ++c) {
      const double lon = grid.min_lon + (c + 0.5) * grid.resolution_deg;
      const double h = Rad(sun.nu_deg + lon - sun.alpha_deg);
      s.cos_h[c] = std::cos(h);
      s.sin_h[c] = std::sin(h);
    }
    samples.push_back(std::move(s));
  }
  return samples;
}

PreparedObservation Prepare(const SpaTerms& terms, const ShadowObservation& o,
                            const GridSpec& grid) {
  PreparedObservation p{};
  p.obs = &o;
  const double scale = std::max(1.0, o.cutoff_scale);
  const double e_min =
      o.elevation_center_deg - scale * (o.elevation_center_deg - o.elevation_min_deg);
  const double e_max =
      o.elevation_center_deg + scale * (o.elevation_max_deg - o.elevation_center_deg);
  p.sin_e_min = std::sin(Rad(std::clamp(TrueFromApparent(std::max(e_min, -1.0)), -90.0, 90.0)));
  p.sin_e_max = std::sin(Rad(std::clamp(TrueFromApparent(std::min(e_max, 90.0)), -90.0, 90.0)));
  p.has_azimuth = o.shadow_azimuth_deg.has_value();
  if (p.has_azimuth) {
    const double sun_az = Rad(*o.shadow_azimuth_deg + 180.0);
    p.sin_a = std::sin(sun_az);
    p.cos_a = std::cos(sun_az);
    const double c = std::cos(Rad(std::min(89.0, scale * o.azimuth_tolerance_deg)));
    p.cos2_tol = c * c;
  }
  p.sigma_e = std::max(0.05, (o.elevation_max_deg - o.elevation_min_deg) / 4.0);
  p.sigma_a = std::max(0.05, o.azimuth_tolerance_deg / 2.0);
  // The sun moves at most 0.25°/min: sample time finely enough to move half a tolerance.
  const double tightest = std::min((o.elevation_max_deg - o.elevation_min_deg) / 2.0,
                                   p.has_azimuth ? o.azimuth_tolerance_deg : 90.0);
  const double step_s = std::max(10.0, tightest * 0.5 * 240.0);
  const int half =
      o.time_tolerance_s > 0 ? static_cast<int>(std::ceil(o.time_tolerance_s / step_s)) : 0;
  p.samples_per_set = std::min(2 * half + 1, 121);
  if (!o.zone_unknown)
    p.sets.push_back(
        TimeSamples(terms, o.utc_seconds, p.samples_per_set, o.time_tolerance_s, grid));
  return p;
}

// Distinct UTC offsets of the local time in every zone, then one sample set per offset.
Status PrepareZoneSets(const SpaTerms& terms, const ZoneIndexGrid& zones, const GridSpec& grid,
                       PreparedObservation& p) {
  const ShadowObservation& o = *p.obs;
  std::vector<int> offsets;
  const auto set_for = [&](int offset) {
    const auto it = std::find(offsets.begin(), offsets.end(), offset);
    if (it != offsets.end()) return static_cast<int>(it - offsets.begin());
    offsets.push_back(offset);
    p.sets.push_back(
        TimeSamples(terms, o.utc_seconds - offset, p.samples_per_set, o.time_tolerance_s, grid));
    return static_cast<int>(offsets.size() - 1);
  };
  p.set_of_zone.assign(zones.zones.size() + 1, 0);
  for (std::size_t i = 0; i < zones.zones.size(); ++i) {
    auto rules = ZoneRules::Load(zones.zones[i]);
    // A zone missing from this system's zoneinfo: its cells use their nautical zone.
    p.set_of_zone[i + 1] =
        rules.ok() ? set_for(rules->OffsetForLocal(static_cast<std::int64_t>(o.utc_seconds))) : -1;
  }
  for (int h = -12; h <= 12; ++h) p.set_of_hour.push_back(set_for(h * 3600));
  return OkStatus();
}

// Best likelihood of one observation at one cell over its time samples (0: inconsistent).
float CellLikelihood(const PreparedObservation& p, const std::vector<Sample>& samples,
                     double sin_phi, double cos_phi, int c) {
  float best = 0.0f;
  for (const Sample& s : samples) {
    const double ch = s.cos_h[c];
    const double up = s.sin_d * sin_phi + s.cos_d * cos_phi * ch;
    if (up < p.sin_e_min || up > p.sin_e_max) continue;
    const double east = -s.cos_d * s.sin_h[c];
    const double north = s.sin_d * cos_phi - s.cos_d * sin_phi * ch;
    if (p.has_azimuth) {
      const double dot = east * p.sin_a + north * p.cos_a;
      if (dot <= 0 || dot * dot < p.cos2_tol * (east * east + north * north)) continue;
    }
    const double true_e = Deg(std::asin(std::clamp(up, -1.0, 1.0)));
    const double de = (true_e + RefractionDeg(true_e) - p.obs->elevation_center_deg) / p.sigma_e;
    double da = 0;
    if (p.has_azimuth) {
      da = std::remainder(Deg(std::atan2(east, north)) - (*p.obs->shadow_azimuth_deg + 180.0),
                          360.0) /
           p.sigma_a;
    }
    best = std::max(best, static_cast<float>(std::exp(-0.5 * (de * de + da * da))));
  }
  return best;
}

void EvaluateBlock(const std::vector<PreparedObservation>& prepared, const GridSpec& grid,
                   const ZoneIndexGrid* zones, GridBlock& block) {
  block.likelihood.assign(static_cast<std::size_t>(block.rows) * block.width, 0.0f);
  for (int r = 0; r < block.rows; ++r) {
    const double lat = grid.max_lat - (block.row0 + r + 0.5) * grid.resolution_deg;
    const double sin_phi = std::sin(Rad(lat)), cos_phi = std::cos(Rad(lat));
    float* row = block.likelihood.data() + static_cast<std::size_t>(r) * block.width;
    for (int c = 0; c < block.width; ++c) {
      float value = 1.0f;
      for (const auto& p : prepared) {
        int set = 0;
        if (p.obs->zone_unknown) {
          const double lon = grid.min_lon + (c + 0.5) * grid.resolution_deg;
          const std::uint16_t zone = zones->At(lat, lon);
          set = zone != 0 ? p.set_of_zone[zone] : -1;
          if (set < 0) set = p.set_of_hour[std::lround(lon / 15.0) + 12];
        }
        value *= CellLikelihood(p, p.sets[static_cast<std::size_t>(set)], sin_phi, cos_phi, c);
        if (value == 0.0f) break;
      }
      row[c] = value;
    }
  }
}

}  // namespace

Status ShadowObservation::Check() const {
  if (!std::isfinite(utc_seconds)) return MakeError("observation time is not finite");
  if (!(time_tolerance_s >= 0 && time_tolerance_s <= 6 * 3600))
    return MakeError("time tolerance must be 0..21600 s");
  if (!(elevation_min_deg >= -1 && elevation_max_deg <= 90 &&
        elevation_min_deg <= elevation_max_deg)) {
    return MakeError("sun elevation bounds must lie in -1..90 degrees");
  }
  if (elevation_max_deg <= 0) return MakeError("a shadow needs the sun above the horizon");
  if (shadow_azimuth_deg && !(*shadow_azimuth_deg >= 0 && *shadow_azimuth_deg <= 360)) {
    return MakeError("shadow azimuth must be within 0..360 degrees");
  }
  if (!(azimuth_tolerance_deg > 0 && azimuth_tolerance_deg < 90))
    return MakeError("azimuth tolerance must be in (0, 90) degrees");
  return OkStatus();
}

Result<ShadowObservation> ShadowObservation::FromRatio(double ratio, double tol) {
  if (!(ratio > 0) || !std::isfinite(ratio)) return MakeError("shadow ratio must be positive");
  if (!(tol >= 0 && tol < 1)) return MakeError("length tolerance must be within 0..1 (relative)");
  ShadowObservation o;
  o.elevation_center_deg = Deg(std::atan(1.0 / ratio));
  o.elevation_min_deg = Deg(std::atan(1.0 / (ratio * (1 + tol))));
  o.elevation_max_deg = Deg(std::atan(1.0 / (ratio * (1 - tol))));
  return o;
}

Result<ShadowObservation> ShadowObservation::FromLengths(double height, double length, double tol) {
  if (!(height > 0)) return MakeError("object height must be positive");
  if (!(length > 0)) return MakeError("shadow length must be positive");
  return FromRatio(length / height, tol);
}

Result<ShadowObservation> ShadowObservation::FromElevation(double elevation_deg, double tol) {
  if (!(elevation_deg > 0 && elevation_deg <= 90))
    return MakeError("sun elevation must be within (0, 90] degrees");
  if (!(tol >= 0 && tol < 45)) return MakeError("elevation tolerance must be within 0..45 degrees");
  ShadowObservation o;
  o.elevation_center_deg = elevation_deg;
  o.elevation_min_deg = std::max(0.0, elevation_deg - tol);
  o.elevation_max_deg = std::min(90.0, elevation_deg + tol);
  return o;
}

int GridSpec::Width() const {
  return static_cast<int>(std::lround((max_lon - min_lon) / resolution_deg));
}
int GridSpec::Height() const {
  return static_cast<int>(std::lround((max_lat - min_lat) / resolution_deg));
}

Status GridSpec::Check() const {
  if (!(resolution_deg >= 0.001 && resolution_deg <= 10))
    return MakeError("resolution must be within 0.001..10 degrees");
  if (!(min_lon >= -180 && max_lon <= 180 && min_lon < max_lon))
    return MakeError("bbox longitudes must satisfy -180 <= min < max <= 180");
  if (!(min_lat >= -90 && max_lat <= 90 && min_lat < max_lat))
    return MakeError("bbox latitudes must satisfy -90 <= min < max <= 90");
  if (Width() < 1 || Height() < 1) return MakeError("bbox is smaller than one cell");
  if (static_cast<double>(Width()) * Height() > 2.0e9)
    return MakeError("grid has more than 2e9 cells");
  return OkStatus();
}

Result<ShadowRegionStats> EvaluateShadowGrid(const SpaTerms& terms,
                                             const std::vector<ShadowObservation>& observations,
                                             const GridSpec& grid, int threads,
                                             const std::function<Status(const GridBlock&)>& sink,
                                             const ZoneIndexGrid* zones) {
  if (auto st = grid.Check(); !st.ok()) return st.error();
  if (observations.empty()) return MakeError("no shadow observation given");
  for (const auto& o : observations) {
    if (auto st = o.Check(); !st.ok())
      return MakeError((o.label.empty() ? "" : o.label + ": ") + st.error().message);
  }
  std::vector<PreparedObservation> prepared;
  for (const auto& o : observations) {
    prepared.push_back(Prepare(terms, o, grid));
    if (o.zone_unknown) {
      if (zones == nullptr)
        return MakeError("an observation in local time of unknown zone needs the time-zone grid");
      auto& p = prepared.back();
      if (auto st = PrepareZoneSets(terms, *zones, grid, p); !st.ok()) return st.error();
    }
  }

  const int width = grid.Width(), height = grid.Height();
  constexpr int kBlockRows = 32;
  const int blocks = (height + kBlockRows - 1) / kBlockRows;
  const std::size_t window = 8;
  std::vector<GridBlock> slots(window);
  ShadowRegionStats stats;
  stats.cells = static_cast<std::uint64_t>(width) * height;
  stats.min_lon = stats.min_lat = 1e9;
  stats.max_lon = stats.max_lat = -1e9;
  Status failure = OkStatus();
  const double res = grid.resolution_deg;
  OrderedParallelFor(
      static_cast<std::size_t>(blocks), static_cast<std::size_t>(std::max(threads, 0)), window,
      [&](std::size_t i) {
        GridBlock& b = slots[i % window];
        b.row0 = static_cast<int>(i) * kBlockRows;
        b.rows = std::min(kBlockRows, height - b.row0);
        b.width = width;
        EvaluateBlock(prepared, grid, zones, b);
      },
      [&](std::size_t i) {
        const GridBlock& b = slots[i % window];
        for (int r = 0; r < b.rows; ++r) {
          const double top = grid.max_lat - (b.row0 + r) * res, bottom = top - res;
          const double cell_km2 = kEarthRadiusKm * kEarthRadiusKm * Rad(res) *
                                  (std::sin(Rad(top)) - std::sin(Rad(bottom)));
          for (int c = 0; c < b.width; ++c) {
            if (b.likelihood[static_cast<std::size_t>(r) * b.width + c] <= 0.0f) continue;
            ++stats.consistent_cells;
            stats.area_km2 += cell_km2;
            const double left = grid.min_lon + c * res;
            stats.min_lon = std::min(stats.min_lon, left);
            stats.max_lon = std::max(stats.max_lon, left + res);
            stats.min_lat = std::min(stats.min_lat, bottom);
            stats.max_lat = std::max(stats.max_lat, top);
          }
        }
        if (failure.ok()) failure = sink(b);
      });
  if (!failure.ok()) return failure.error();
  if (stats.consistent_cells == 0)
    stats.min_lon = stats.min_lat = stats.max_lon = stats.max_lat = 0;
  return stats;
}

bool ConsistentByFullSpa(const SpaTerms& terms, const ShadowObservation& o, double lat_deg,
                         double lon_deg) {
  SpaInput in;
  in.utc_seconds = o.utc_seconds;
  in.lat_deg = lat_deg;
  in.lon_deg = lon_deg;
  in.pressure_mbar = 1010;
  in.temperature_c = 10;
  in.delta_t_s = DeltaTSeconds(1970.0 + o.utc_seconds / (365.2425 * 86400.0));
  const SpaResult r = ComputeSpa(terms, in);
  if (r.e < o.elevation_min_deg || r.e > o.elevation_max_deg) return false;
  if (o.shadow_azimuth_deg) {
    const double d = std::remainder(r.azimuth - (*o.shadow_azimuth_deg + 180.0), 360.0);
    if (std::abs(d) > o.azimuth_tolerance_deg) return false;
  }
  return true;
}

}  // namespace gv
