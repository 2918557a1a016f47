#include "case/fusion/fusion.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "case/fusion/likelihood.h"
#include "geo/gazetteer.h"
#include "geo/rect_union.h"

namespace gv {
namespace {

constexpr double kR = kEarthRadiusM;
constexpr double kDeg = M_PI / 180;
// A clue whose strongest cells are at most this many is sharp: its own peak is refined.
constexpr std::size_t kSharpPeakCells = 64;

// The cells of every level share one integer grid: `unit` degrees, the size of the finest
// cells; a level-l cell is split^(levels - l) units wide. Integer corners make the cells of
// different levels meet exactly, so that a region's outline is their exact union.
struct Grid {
  double south, west, unit;  // degrees
  int levels = 0, split = 8;
  std::int64_t Units(int level) const {
    std::int64_t n = 1;
    for (int i = level; i < levels; ++i) n *= split;
    return n;
  }
};

struct Cell {
  std::int64_t x, y;  // south-west corner, in units
  int level;
  double score = 0;    // sum over clues of log(eps + (1 - eps) ratio), upper bound
  bool final = false;  // at the finest level
};

struct CellBox {
  double south, west, north, east, size;
};

CellBox Box(const Grid& g, const Cell& c) {
  const double size = static_cast<double>(g.Units(c.level)) * g.unit;
  const double s = g.south + static_cast<double>(c.y) * g.unit,
               w = g.west + static_cast<double>(c.x) * g.unit;
  return {s, w, std::min(90.0, s + size), w + size, size};
}

double CellAreaM2(const CellBox& b) {
  return kR * kR * (b.size * kDeg) * std::abs(std::sin(b.north * kDeg) - std::sin(b.south * kDeg));
}

std::int64_t Mod(std::int64_t a, std::int64_t m) { return ((a % m) + m) % m; }

LatLon Centre(const CellBox& b) { return {(b.south + b.north) / 2, b.west + b.size / 2}; }

struct Term {
  const Clue* clue;
  std::unique_ptr<ClueLikelihood> likelihood;
  double area_m2 = 0;
};

// The score of a cell and each clue's term in it (`terms_out`, one per clue).
double Score(const std::vector<Term>& terms, double search_m2, const CellBox& c, bool point,
             float* terms_out = nullptr) {
  double sum = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const auto& t = terms[i];
    const double shape = point ? t.likelihood->At(Centre(c))
                               : t.likelihood->UpperOver(c.south, c.west, c.north, c.east);
    const double term = LogWithOutlierFloor(search_m2 * shape / t.area_m2, t.likelihood->epsilon());
    if (terms_out) terms_out[i] = static_cast<float>(term);
    sum += term;
  }
  return sum;
}

}  // namespace

std::string ClueName(const Clue& c) { return c.kind + " (" + c.photo + ")"; }

Status FusionOptions::Check() const {
  if (!(level0_resolution_deg > 0 && level0_resolution_deg <= 10))
    return MakeError("level-0 resolution must be within (0, 10] degrees");
  if (max_level0_cells < 100 || split < 2 || max_cells_per_level < 10 || !(finest_m > 0) ||
      max_hypotheses < 1 || !(keep_nats > 0))
    return MakeError("fusion options out of range");
  return OkStatus();
}

Result<FusionResult> FuseClues(const std::vector<const Clue*>& clues,
                               const std::optional<RegionBox>& region_in, const FusionOptions& o) {
  if (auto st = o.Check(); !st.ok()) return st.error();
  const RegionBox region = region_in.value_or(RegionBox{});
  FusionResult result;
  std::vector<Term> terms;
  for (const Clue* clue : clues) {
    auto l = MakeLikelihood(*clue, region_in);
    if (!l.ok()) continue;
    terms.push_back({clue, std::move(*l), 0});
  }
  if (terms.empty()) return result;  // nothing is invented without a location clue

  // Level 0 over the search area, and the number of levels down to the target size.
  const double span_lat = region.max_lat - region.min_lat,
               span_lon = region.max_lon - region.min_lon;
  const double res =
      std::max(o.level0_resolution_deg, std::sqrt(span_lat * span_lon / o.max_level0_cells));
  double scale_m = 1e12;
  for (auto& t : terms) scale_m = std::min(scale_m, t.likelihood->ScaleM());
  const double target_m = std::max(o.finest_m, scale_m / 4);
  Grid grid{region.min_lat, region.min_lon, res, 0, o.split};
  for (double cell_m = res * kDeg * kR; cell_m > 2 * target_m && grid.levels < 8; cell_m /= o.split)
    ++grid.levels;
  grid.unit = res / static_cast<double>(grid.Units(0));
  const std::int64_t top = grid.Units(0);
  const auto rows0 = static_cast<std::int64_t>(std::ceil(span_lat / res - 1e-9)),
             cols0 = static_cast<std::int64_t>(std::ceil(span_lon / res - 1e-9));
  std::vector<Cell> cells;
  cells.reserve(static_cast<std::size_t>(rows0 * cols0));
  for (std::int64_t r = 0; r < rows0; ++r)
    for (std::int64_t q = 0; q < cols0; ++q) cells.push_back({q * top, r * top, 0});
  double search_m2 = 0;
  for (const auto& c : cells) search_m2 += CellAreaM2(Box(grid, c));
  // Areas: analytic, or measured on level 0 (time zones).
  for (auto& t : terms) {
    t.area_m2 = t.likelihood->AreaM2(search_m2);
    if (t.area_m2 <= 0) {
      for (const auto& c : cells) {
        const CellBox b = Box(grid, c);
        t.area_m2 += t.likelihood->At(Centre(b)) * CellAreaM2(b);
      }
      t.area_m2 = std::max(t.area_m2, 1.0);
    }
  }

  // Refine the cells that may hold the mass, level after level.
  std::vector<Cell> leaves;
  std::size_t n_terms = terms.size();
  std::vector<float> term_values;
  for (int level = 0;; ++level) {
    term_values.resize(cells.size() * n_terms);
    for (std::size_t i = 0; i < cells.size(); ++i)
      cells[i].score =
          Score(terms, search_m2, Box(grid, cells[i]), false, &term_values[i * n_terms]);
    result.cells_evaluated += static_cast<int>(cells.size());
    if (level == 0) {
      // A clue with no support anywhere in the search area (a footprint on a basemap of
      // another continent) cannot tell its places apart: it is left out and named.
      std::vector<std::size_t> keep;
      for (std::size_t t = 0; t < n_terms; ++t) {
        float strongest = -1e30f;
        for (std::size_t i = 0; i < cells.size(); ++i)
          strongest = std::max(strongest, term_values[i * n_terms + t]);
        if (strongest > std::log(terms[t].likelihood->epsilon()) + 1e-3)
          keep.push_back(t);
        else
          result.outside_region.push_back(ClueName(*terms[t].clue));
      }
      if (keep.size() < n_terms) {
        std::vector<Term> kept_terms;
        for (std::size_t t : keep) kept_terms.push_back(std::move(terms[t]));
        std::vector<float> kept_values(cells.size() * keep.size());
        for (std::size_t i = 0; i < cells.size(); ++i) {
          double score = 0;
          for (std::size_t k = 0; k < keep.size(); ++k)
            score += kept_values[i * keep.size() + k] = term_values[i * n_terms + keep[k]];
          cells[i].score = score;
        }
        terms = std::move(kept_terms);
        term_values = std::move(kept_values);
        n_terms = terms.size();
        if (terms.empty()) return result;
      }
      // A prior alone (the known sites) says nothing of this photo: no place is invented.
      if (std::all_of(terms.begin(), terms.end(),
                      [](const Term& t) { return t.clue->kind == "known_site"; }))
        return result;
      std::set<std::string> kinds;
      for (const auto& t : terms) kinds.insert(t.clue->kind);
      result.clues_used.assign(kinds.begin(), kinds.end());
    }
    if (level == grid.levels) {
      for (auto& c : cells) {
        c.score = Score(terms, search_m2, Box(grid, c), true);  // small enough: the centre
        c.final = true;
      }
      leaves.insert(leaves.end(), cells.begin(), cells.end());
      break;
    }
    // Refined: the cells near the best score, and for each clue the cells near the best
    // score among those where that clue is at its strongest, so that each side of a
    // conflict keeps its own hypotheses.
    std::vector<char> refine(cells.size(), 0);
    const auto mark_near_best = [&](const std::vector<std::size_t>& among, std::size_t cap) {
      double best = -1e300;
      for (std::size_t i : among) best = std::max(best, cells[i].score);
      std::vector<std::size_t> near;
      for (std::size_t i : among)
        if (cells[i].score >= best - o.keep_nats) near.push_back(i);
      std::sort(near.begin(), near.end(),
                [&](std::size_t a, std::size_t b) { return cells[a].score > cells[b].score; });
      if (near.size() > cap) near.resize(cap);
      for (std::size_t i : near) refine[i] = 1;
    };
    std::vector<std::size_t> all(cells.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    mark_near_best(all, static_cast<std::size_t>(o.max_cells_per_level));
    // Each sharp clue's own peak too (a broad clue's peak, such as a country, is covered by
    // the best cells above and would only multiply the work).
    for (std::size_t t = 0; t < n_terms; ++t) {
      float strongest = -1e30f;
      for (std::size_t i = 0; i < cells.size(); ++i)
        strongest = std::max(strongest, term_values[i * n_terms + t]);
      std::vector<std::size_t> peak;
      for (std::size_t i = 0; i < cells.size() && peak.size() <= kSharpPeakCells; ++i)
        if (term_values[i * n_terms + t] >= strongest - 1.0f) peak.push_back(i);
      if (peak.size() <= kSharpPeakCells) mark_near_best(peak, kSharpPeakCells);
    }
    std::vector<Cell> children;
    const auto refined = static_cast<std::size_t>(std::count(refine.begin(), refine.end(), 1));
    children.reserve(refined * static_cast<std::size_t>(o.split * o.split));
    leaves.reserve(leaves.size() + cells.size() - refined);
    const std::int64_t child = grid.Units(level + 1);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (!refine[i]) {
        leaves.push_back(cells[i]);
        continue;
      }
      for (int r = 0; r < o.split; ++r)
        for (int q = 0; q < o.split; ++q)
          children.push_back({cells[i].x + q * child, cells[i].y + r * child, level + 1});
    }
    cells = std::move(children);
  }

  // Posterior mass of each leaf: the density at its centre. The upper bounds decided what
  // to refine (so that no sharp peak hides in a coarse cell); as masses they would overstate
  // every coarse cell on a broad clue's slope and widen the credible regions.
  for (auto& c : leaves)
    if (!c.final) c.score = Score(terms, search_m2, Box(grid, c), true);
  double best = -1e300;
  for (const auto& c : leaves) best = std::max(best, c.score);
  std::vector<double> mass(leaves.size()), area(leaves.size());
  double total = 0;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    area[i] = CellAreaM2(Box(grid, leaves[i]));
    mass[i] = std::exp(leaves[i].score - best) * area[i];
    total += mass[i];
  }
  std::vector<std::size_t> order(leaves.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return leaves[a].score > leaves[b].score;  // by density
  });
  // Credible regions: the densest cells until they hold the level's mass.
  std::vector<GridRect> in50, in90;
  double acc = 0;
  for (std::size_t i : order) {
    const double before = acc;
    acc += mass[i] / total;
    if (before >= 0.9) break;
    const std::int64_t size = grid.Units(leaves[i].level);
    const GridRect rect{leaves[i].x, leaves[i].y, leaves[i].x + size, leaves[i].y + size};
    in90.push_back(rect);
    result.area_90_km2 += area[i] / 1e6;
    if (before < 0.5) {
      in50.push_back(rect);
      result.area_50_km2 += area[i] / 1e6;
    }
  }
  // Siblings all in a region are their parent: a broad region's thousands of fine cells
  // become a few coarse ones before the union (which costs by the pieces it is given).
  const auto consolidate = [&](std::vector<GridRect> rects) {
    for (int level = grid.levels; level > 0; --level) {
      const std::int64_t size = grid.Units(level), parent = grid.Units(level - 1);
      std::map<std::pair<std::int64_t, std::int64_t>, int> siblings;
      for (const auto& r : rects)
        if (r.x1 - r.x0 == size) {
          const std::int64_t px = r.x0 - Mod(r.x0, parent), py = r.y0 - Mod(r.y0, parent);
          ++siblings[{px, py}];
        }
      const int all = o.split * o.split;
      std::vector<GridRect> kept;
      for (const auto& r : rects) {
        if (r.x1 - r.x0 == size) {
          const std::int64_t px = r.x0 - Mod(r.x0, parent), py = r.y0 - Mod(r.y0, parent);
          if (siblings[{px, py}] == all) continue;
        }
        kept.push_back(r);
      }
      for (const auto& [key, n] : siblings)
        if (n == all)
          kept.push_back({key.first, key.second, key.first + parent, key.second + parent});
      rects = std::move(kept);
    }
    return rects;
  };
  for (const auto& [level, rects, km2] :
       {std::tuple{0.5, &in50, result.area_50_km2}, std::tuple{0.9, &in90, result.area_90_km2}}) {
    auto outline = UnionGridRects(consolidate(*rects));
    if (!outline.ok()) return outline.error();
    CredibleRegion region_out{level, km2, {}};
    for (const auto& polygon : *outline) {
      GeoPolygon rings;
      for (const auto& ring : polygon.rings) {
        std::vector<LatLon> points;
        for (const auto& [x, y] : ring)
          points.push_back({std::min(90.0, grid.south + static_cast<double>(y) * grid.unit),
                            grid.west + static_cast<double>(x) * grid.unit});
        rings.push_back(std::move(points));
      }
      region_out.polygons.push_back(std::move(rings));
    }
    result.regions.push_back(std::move(region_out));
  }
  // The posterior over the 90 % region's box: the leaves that meet it.
  {
    std::int64_t x0 = INT64_MAX, y0 = INT64_MAX, x1 = INT64_MIN, y1 = INT64_MIN;
    for (const auto& r : in90)
      x0 = std::min(x0, r.x0), y0 = std::min(y0, r.y0), x1 = std::max(x1, r.x1),
      y1 = std::max(y1, r.y1);
    const double per_km2 = 1e6 / total;
    result.finest_deg = 1e9;
    const auto outside = [&](const auto& c) {
      const std::int64_t size = grid.Units(c.level);
      return c.x >= x1 || c.y >= y1 || c.x + size <= x0 || c.y + size <= y0;
    };
    // Counted first: a broad region's millions of cells, grown by doubling, held up to twice
    // their size.
    result.posterior.reserve(static_cast<std::size_t>(
        std::count_if(leaves.begin(), leaves.end(), [&](const auto& c) { return !outside(c); })));
    for (std::size_t i = 0; i < leaves.size(); ++i) {
      const auto& c = leaves[i];
      if (outside(c)) continue;
      const CellBox b = Box(grid, c);
      result.posterior.push_back({b.south, b.west, b.size, mass[i] / area[i] * per_km2});
      result.finest_deg = std::min(result.finest_deg, b.size);
    }
    const CellBox lo = Box(grid, {x0, y0, grid.levels}), hi = Box(grid, {x1, y1, grid.levels});
    result.box_south = lo.south, result.box_west = lo.west;
    result.box_north = std::min(90.0, hi.south), result.box_east = hi.west;
  }

  // Modes: the densest cells, each gathering the cells within its merge distance. Cells
  // join basins when they are at the finest level (refined, so near the best or at a sharp
  // clue's peak) or in the 90 % region (a broad clue's mass, refined only in part); the
  // coarse rest is the mass the outlier floors spread everywhere, which no hypothesis claims.
  std::vector<char> in_region90(leaves.size(), 0);
  {
    double covered = 0;
    for (std::size_t i : order) {
      if (covered >= 0.9) break;
      in_region90[i] = 1;
      covered += mass[i] / total;
    }
  }
  const double merge_m = std::max(4 * target_m, 2 * scale_m);
  // Distances from a mode to cells, many: equirectangular about the mode (within 0.5 % up to
  // a few hundred km, which is where basins are decided; farther cells are far either way).
  const auto near_distance_m = [](const LatLon& a, double cos_a, const LatLon& b) {
    double dlon = std::abs(b.lon_deg - a.lon_deg);
    if (dlon > 180) dlon = 360 - dlon;
    const double dlat = b.lat_deg - a.lat_deg, dx = dlon * cos_a;
    return kR * kDeg * std::sqrt(dlat * dlat + dx * dx);
  };
  struct Mode {
    LatLon at;
    double cos_lat;
    double peak_score;
    double cell_m;  // the largest half-diagonal of its cells: coarse cells reach farther
    double mass = 0, sum_d2 = 0;                              // sum of mass x distance^2
    std::vector<std::tuple<LatLon, double, double>> members;  // (centre, mass, half-diagonal)
    // The plateau: the cells at least half as dense as the peak, mass-weighted.
    double plateau_mass = 0, plateau_lat = 0, plateau_lon = 0;
    double Reach(double merge) const { return std::max(merge, 3 * std::sqrt(sum_d2 / mass)); }
  };
  std::vector<Mode> modes;
  for (std::size_t i : order) {
    if (!leaves[i].final && !in_region90[i]) continue;
    const CellBox box = Box(grid, leaves[i]);
    const LatLon centre = Centre(box);
    const double half = box.size * kDeg * kR * M_SQRT1_2;
    // Cells come densest first, so a mode's basin grows outwards from it: a cell joins the
    // nearest mode within three times the basin's spread (plus the cells' sizes).
    Mode* home = nullptr;
    double nearest = 1e300;
    for (auto& m : modes) {
      const double reach = m.Reach(merge_m) + m.cell_m + half;
      // Most modes are far in latitude alone: no square root for them.
      if (std::abs(centre.lat_deg - m.at.lat_deg) * kDeg * kR > std::min(reach, nearest)) continue;
      const double d = near_distance_m(m.at, m.cos_lat, centre);
      if (d <= reach && d < nearest) nearest = d, home = &m;
    }
    if (!home && static_cast<int>(modes.size()) < 20 * o.max_hypotheses) {
      modes.push_back(
          {centre, std::cos(centre.lat_deg * kDeg), leaves[i].score, half, 0, 0, {}, 0, 0, 0});
      home = &modes.back();
      nearest = 0;
    }
    if (!home) continue;
    home->cell_m = std::max(home->cell_m, half);
    home->mass += mass[i];
    home->sum_d2 += mass[i] * nearest * nearest;
    home->members.emplace_back(centre, mass[i], half);
    if (leaves[i].score >= home->peak_score - std::log(2.0)) {
      home->plateau_mass += mass[i];
      home->plateau_lat += mass[i] * centre.lat_deg;
      home->plateau_lon += mass[i] * centre.lon_deg;
    }
  }
  std::sort(modes.begin(), modes.end(),
            [](const Mode& a, const Mode& b) { return a.mass > b.mass; });
  // A smaller mode, no denser, on the tail of a bigger one is a crumb of it (or a piece of
  // the same plateau, when cells tie): merged into it. A denser one (a GPS point inside a
  // broad shadow region) or a distant one is a place of its own however small (the other
  // side of a conflict).
  std::vector<Mode*> accepted;
  for (auto& m : modes) {
    Mode* big = nullptr;
    for (Mode* a : accepted)
      if (m.peak_score <= a->peak_score &&
          DistanceM(a->at, m.at) < 5 * a->Reach(merge_m) + a->cell_m + m.cell_m) {
        big = a;
        break;
      }
    if (!big) {
      accepted.push_back(&m);
      continue;
    }
    big->cell_m = std::max(big->cell_m, m.cell_m);
    for (const auto& [centre, w, half] : m.members) {
      const double d = near_distance_m(big->at, big->cos_lat, centre);
      big->sum_d2 += w * d * d;
    }
    big->mass += m.mass;
    big->members.insert(big->members.end(), m.members.begin(), m.members.end());
    if (m.peak_score >= big->peak_score - std::log(2.0)) {
      big->plateau_mass += m.plateau_mass;
      big->plateau_lat += m.plateau_lat;
      big->plateau_lon += m.plateau_lon;
    }
  }
  std::sort(accepted.begin(), accepted.end(),
            [](const Mode* a, const Mode* b) { return a->mass > b->mass; });
  if (static_cast<int>(accepted.size()) > o.max_hypotheses) accepted.resize(o.max_hypotheses);
  for (Mode* mode : accepted) {
    Mode& m = *mode;
    Hypothesis h;
    h.rank = static_cast<int>(result.hypotheses.size()) + 1;
    // The plateau's centre of mass when it lies on the plateau (a footprint's middle rather
    // than any of its equally likely cells), else the peak (a crescent's centre of mass may
    // fall outside it).
    h.at = m.at;
    if (m.plateau_mass > 0) {
      const LatLon centroid{m.plateau_lat / m.plateau_mass, m.plateau_lon / m.plateau_mass};
      const CellBox point{centroid.lat_deg, centroid.lon_deg, centroid.lat_deg, centroid.lon_deg,
                          0};
      if (Score(terms, search_m2, point, true) >= m.peak_score - std::log(2.0)) h.at = centroid;
    }
    h.probability = m.mass / total;
    std::vector<std::pair<double, double>> by_distance;  // (distance from h.at, mass)
    const double cos_h = std::cos(h.at.lat_deg * kDeg);
    for (const auto& [centre, w, half] : m.members)  // to the cell's far side
      by_distance.emplace_back(near_distance_m(h.at, cos_h, centre) + half, w);
    std::sort(by_distance.begin(), by_distance.end());
    double inside = 0;
    for (const auto& [d, w] : by_distance) {
      inside += w;
      h.radius_m = d;
      if (inside >= 0.9 * m.mass) break;
    }
    h.radius_m = std::max(h.radius_m, target_m);
    for (const auto& t : terms)
      h.clues.push_back({t.clue->kind, t.clue->photo,
                         LogWithOutlierFloor(search_m2 * t.likelihood->At(h.at) / t.area_m2,
                                             t.likelihood->epsilon())});
    result.hypotheses.push_back(std::move(h));
  }

  // Conflicts: confident clues (eps <= 0.1) that disfavour the best hypothesis, while the
  // others favour it: each side keeps its own hypotheses above.
  if (!result.hypotheses.empty()) {
    const Hypothesis& top = result.hypotheses.front();
    std::vector<const Term*> against;
    bool any_for = false;
    for (std::size_t i = 0; i < terms.size(); ++i) {
      if (terms[i].likelihood->epsilon() > 0.1) continue;
      if (top.clues[i].log_likelihood_gain < 0)
        against.push_back(&terms[i]);
      else
        any_for = true;
    }
    if (any_for && !against.empty()) {
      for (const Term* t : against) {
        ClueConflict c;
        c.clues = {ClueName(*t->clue)};
        for (std::size_t i = 0; i < terms.size(); ++i)
          if (terms[i].likelihood->epsilon() <= 0.1 && top.clues[i].log_likelihood_gain >= 0)
            c.clues.push_back(ClueName(*terms[i].clue));
        // Where the disagreeing clue itself points: its best hypothesis.
        const Hypothesis* theirs = nullptr;
        const std::size_t index = static_cast<std::size_t>(t - terms.data());
        for (const auto& h : result.hypotheses)
          if (h.clues[index].log_likelihood_gain > 0) {
            theirs = &h;
            break;
          }
        char text[300];
        if (theirs)
          std::snprintf(text, sizeof text,
                        "%s points %.0f km from the place the other confident clues share "
                        "(hypothesis %d against %d)",
                        ClueName(*t->clue).c_str(), DistanceM(theirs->at, top.at) / 1000,
                        theirs->rank, top.rank);
        else
          std::snprintf(text, sizeof text,
                        "%s disagrees with the place the other confident clues share",
                        ClueName(*t->clue).c_str());
        c.message = text;
        result.conflicts.push_back(std::move(c));
      }
    }
  }
  return result;
}

bool InCredibleRegion(const CredibleRegion& region, const LatLon& p) {
  bool in = false;
  for (const auto& polygon : region.polygons)
    for (const auto& ring : polygon)
      for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const auto &a = ring[i], &b = ring[j];
        if ((a.lat_deg > p.lat_deg) != (b.lat_deg > p.lat_deg) &&
            p.lon_deg <
                (b.lon_deg - a.lon_deg) * (p.lat_deg - a.lat_deg) / (b.lat_deg - a.lat_deg) +
                    a.lon_deg)
          in = !in;
      }
  return in;
}

PosteriorRaster RenderPosterior(const FusionResult& result, int max_side) {
  PosteriorRaster out;
  if (result.posterior.empty() || max_side < 1) return out;
  const double w = result.box_east - result.box_west, h = result.box_north - result.box_south;
  const double res = std::max(result.finest_deg, std::max(w, h) / max_side);
  GeoGrid& g = out.grid;
  g.min_lon = result.box_west, g.max_lat = result.box_north, g.resolution_deg = res;
  g.width = std::clamp(static_cast<int>(std::ceil(w / res - 1e-9)), 1, max_side);
  g.height = std::clamp(static_cast<int>(std::ceil(h / res - 1e-9)), 1, max_side);
  std::vector<double> sum(static_cast<std::size_t>(g.width) * g.height, 0.0);
  // Each cell adds its density times its overlap with each pixel: pixels hold the
  // area-weighted mean density of the cells under them.
  for (const auto& c : result.posterior) {
    const double north = c.south + c.size_deg, east = c.west + c.size_deg;
    const int q0 = std::max(0, static_cast<int>(std::floor((c.west - g.min_lon) / res)));
    const int q1 = std::min(g.width - 1, static_cast<int>(std::floor((east - g.min_lon) / res)));
    const int r0 = std::max(0, static_cast<int>(std::floor((g.max_lat - north) / res)));
    const int r1 =
        std::min(g.height - 1, static_cast<int>(std::floor((g.max_lat - c.south) / res)));
    for (int r = r0; r <= r1; ++r) {
      const double top = g.max_lat - r * res, bottom = top - res;
      const double dy = std::min(top, north) - std::max(bottom, c.south);
      if (dy <= 0) continue;
      for (int q = q0; q <= q1; ++q) {
        const double left = g.min_lon + q * res;
        const double dx = std::min(left + res, east) - std::max(left, c.west);
        if (dx > 0) sum[static_cast<std::size_t>(r) * g.width + q] += c.density_per_km2 * dx * dy;
      }
    }
  }
  out.values.resize(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i)
    out.values[i] = static_cast<float>(sum[i] / (res * res));
  return out;
}

}  // namespace gv
