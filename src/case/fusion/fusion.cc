#include "case/fusion/fusion.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>

#include "case/fusion/likelihood.h"
#include "geo/gazetteer.h"

namespace gv {
namespace {

constexpr double kR = kEarthRadiusM;
constexpr double kDeg = M_PI / 180;
// A clue whose strongest cells are at most this many is sharp: its own peak is refined.
constexpr std::size_t kSharpPeakCells = 64;

struct Cell {
  double south, west, size;  // degrees; a square in lat/lon
  double score = 0;          // sum over clues of log(eps + (1 - eps) ratio), upper bound
  bool final = false;        // at the finest level
};

double CellAreaM2(const Cell& c) {
  const double n = std::min(90.0, c.south + c.size);
  return kR * kR * (c.size * kDeg) * std::abs(std::sin(n * kDeg) - std::sin(c.south * kDeg));
}

LatLon Centre(const Cell& c) { return {c.south + c.size / 2, c.west + c.size / 2}; }

struct Term {
  const Clue* clue;
  std::unique_ptr<ClueLikelihood> likelihood;
  double area_m2 = 0;
};

// The score of a cell and each clue's term in it (`terms_out`, one per clue).
double Score(const std::vector<Term>& terms, double search_m2, const Cell& c, bool point,
             float* terms_out = nullptr) {
  double sum = 0;
  const double n = std::min(90.0, c.south + c.size), e = c.west + c.size;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const auto& t = terms[i];
    const double shape =
        point ? t.likelihood->At(Centre(c)) : t.likelihood->UpperOver(c.south, c.west, n, e);
    const double term = LogWithOutlierFloor(search_m2 * shape / t.area_m2, t.likelihood->epsilon());
    if (terms_out) terms_out[i] = static_cast<float>(term);
    sum += term;
  }
  return sum;
}

std::string Name(const Clue& c) { return c.kind + " (" + c.photo + ")"; }

}  // namespace

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
    auto l = MakeLikelihood(*clue);
    if (!l.ok()) continue;
    terms.push_back({clue, std::move(*l), 0});
  }
  if (terms.empty()) return result;  // nothing is invented without a location clue
  std::set<std::string> kinds;
  for (const auto& t : terms) kinds.insert(t.clue->kind);
  result.clues_used.assign(kinds.begin(), kinds.end());

  // Level 0 over the search area.
  const double span_lat = region.max_lat - region.min_lat,
               span_lon = region.max_lon - region.min_lon;
  const double res =
      std::max(o.level0_resolution_deg, std::sqrt(span_lat * span_lon / o.max_level0_cells));
  std::vector<Cell> cells;
  for (double s = region.min_lat; s < region.max_lat - 1e-12; s += res)
    for (double w = region.min_lon; w < region.max_lon - 1e-12; w += res)
      cells.push_back({s, w, res});
  double search_m2 = 0;
  for (const auto& c : cells) search_m2 += CellAreaM2(c);
  // Areas: analytic, or measured on level 0 (time zones).
  double scale_m = 1e12;
  for (auto& t : terms) {
    t.area_m2 = t.likelihood->AreaM2(search_m2);
    if (t.area_m2 <= 0) {
      for (const auto& c : cells) t.area_m2 += t.likelihood->At(Centre(c)) * CellAreaM2(c);
      t.area_m2 = std::max(t.area_m2, 1.0);
    }
    scale_m = std::min(scale_m, t.likelihood->ScaleM());
  }
  const double target_m = std::max(o.finest_m, scale_m / 4);

  // Refine the cells that may hold the mass, level after level.
  std::vector<Cell> leaves;
  const std::size_t n_terms = terms.size();
  std::vector<float> term_values;
  while (true) {
    term_values.resize(cells.size() * n_terms);
    for (std::size_t i = 0; i < cells.size(); ++i)
      cells[i].score = Score(terms, search_m2, cells[i], false, &term_values[i * n_terms]);
    result.cells_evaluated += static_cast<int>(cells.size());
    const double cell_m = cells.front().size * kDeg * kR;
    if (cell_m <= target_m) {
      for (auto& c : cells) {
        c.score = Score(terms, search_m2, c, true);  // small enough: the value at the centre
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
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (!refine[i]) {
        leaves.push_back(cells[i]);
        continue;
      }
      const double size = cells[i].size / o.split;
      for (int r = 0; r < o.split; ++r)
        for (int q = 0; q < o.split; ++q)
          children.push_back({cells[i].south + r * size, cells[i].west + q * size, size});
    }
    cells = std::move(children);
  }

  // Posterior mass of each leaf (coarse leaves keep their upper bound: their mass is
  // overstated, never hidden).
  double best = -1e300;
  for (const auto& c : leaves) best = std::max(best, c.score);
  std::vector<double> mass(leaves.size());
  double total = 0;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    mass[i] = std::exp(leaves[i].score - best) * CellAreaM2(leaves[i]);
    total += mass[i];
  }
  std::vector<std::size_t> order(leaves.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return leaves[a].score > leaves[b].score;  // by density
  });
  double acc = 0;
  for (std::size_t i : order) {
    const double before = acc;
    acc += mass[i] / total;
    if (before < 0.5) result.area_50_km2 += CellAreaM2(leaves[i]) / 1e6;
    if (before < 0.9) result.area_90_km2 += CellAreaM2(leaves[i]) / 1e6;
  }

  // Modes: the densest finest cells, each gathering the leaves within its merge distance.
  const double merge_m = std::max(4 * target_m, 2 * scale_m);
  struct Mode {
    LatLon at;
    double mass = 0, sum_d2 = 0;                     // sum of mass x distance^2
    std::vector<std::pair<double, double>> members;  // (distance_m, mass)
    double Reach(double merge) const { return std::max(merge, 3 * std::sqrt(sum_d2 / mass)); }
  };
  std::vector<Mode> modes;
  for (std::size_t i : order) {
    // Only the finest cells form basins; the coarse ones are the mass spread elsewhere (the
    // outlier floors), which no hypothesis claims.
    if (!leaves[i].final) continue;
    const LatLon centre = Centre(leaves[i]);
    // Cells come densest first, so a mode's basin grows outwards from it: a cell joins the
    // nearest mode within three times the basin's spread.
    Mode* home = nullptr;
    double nearest = 1e300;
    for (auto& m : modes) {
      const double d = DistanceM(m.at, centre);
      const double reach = m.Reach(merge_m);
      if (d <= reach && d < nearest) nearest = d, home = &m;
    }
    if (home) {
      home->mass += mass[i];
      home->sum_d2 += mass[i] * nearest * nearest;
      home->members.emplace_back(nearest, mass[i]);
    } else if (static_cast<int>(modes.size()) < 4 * o.max_hypotheses) {
      modes.push_back({centre, mass[i], 0.0, {{0.0, mass[i]}}});
    }
  }
  std::sort(modes.begin(), modes.end(),
            [](const Mode& a, const Mode& b) { return a.mass > b.mass; });
  std::vector<const Mode*> accepted;
  for (auto& m : modes) {
    if (static_cast<int>(result.hypotheses.size()) >= o.max_hypotheses) break;
    // A small mode on the tail of a bigger one is a crumb of it, not another place; a distant
    // one is a place of its own however small (the other side of a conflict).
    bool crumb = false;
    for (const Mode* big : accepted)
      crumb = crumb || DistanceM(big->at, m.at) < 5 * big->Reach(merge_m);
    if (crumb) continue;
    accepted.push_back(&m);
    Hypothesis h;
    h.rank = static_cast<int>(result.hypotheses.size()) + 1;
    h.at = m.at;
    h.probability = m.mass / total;
    std::sort(m.members.begin(), m.members.end());
    double inside = 0;
    for (const auto& [d, w] : m.members) {
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
        c.clues = {Name(*t->clue)};
        for (std::size_t i = 0; i < terms.size(); ++i)
          if (terms[i].likelihood->epsilon() <= 0.1 && top.clues[i].log_likelihood_gain >= 0)
            c.clues.push_back(Name(*terms[i].clue));
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
                        Name(*t->clue).c_str(), DistanceM(theirs->at, top.at) / 1000, theirs->rank,
                        top.rank);
        else
          std::snprintf(text, sizeof text,
                        "%s disagrees with the place the other confident clues share",
                        Name(*t->clue).c_str());
        c.message = text;
        result.conflicts.push_back(std::move(c));
      }
    }
  }
  return result;
}

}  // namespace gv
