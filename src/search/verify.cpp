#include "lossland/search/verify.hpp"
#include "util/require.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>

#include "lossland/db/landscape_index.hpp"
#include "lossland/model/symmetry.hpp"
#include "lossland/search/connect.hpp"

namespace lossland {

namespace {

/// The point checks shared by minima and transition states: energy, gradient, spectrum,
/// index and canonical form.
void check_point(const Loss& loss, const ModelSpec& model, const db::StoredPoint& p, int want_index,
                 double rms_tol, const VerifyOptions& o, const char* table, std::int64_t row,
                 std::vector<Disagreement>& out) {
  auto fail = [&](const char* check, std::string detail) {
    out.push_back({table, row, check, std::move(detail)});
  };
  if (!std::isfinite(p.energy) || !p.coords.allFinite()) {
    fail("energy", "the stored energy or coordinates are not finite");
    return;
  }
  const Classification c = classify(loss, p.coords, o.eigen_cutoff);
  if (std::abs(c.energy - p.energy) > o.energy_tolerance * std::max(1.0, std::abs(p.energy)))
    fail("energy", fmt::format("stored {:.17g}, recomputed {:.17g}", p.energy, c.energy));
  if (!(c.grad_rms <= rms_tol))
    fail("gradient", fmt::format("RMS gradient {:.3g} > {:.3g}", c.grad_rms, rms_tol));
  const double scale = std::max(1.0, c.eigenvalues.cwiseAbs().maxCoeff());
  if (p.eigenvalues.size() != c.eigenvalues.size() ||
      !((p.eigenvalues - c.eigenvalues).cwiseAbs().maxCoeff() <= o.eigen_tolerance * scale))
    fail("spectrum", "the stored Hessian eigenvalues differ from the recomputed ones");
  if (c.index != want_index || c.num_zero != 0)
    fail("index", fmt::format("index {} with {} zero eigenvalues (|lambda| <= {:g}); want index {}",
                              c.index, c.num_zero, o.eigen_cutoff, want_index));
  const Eigen::VectorXd canon = canonical_form(model, p.coords);
  if (canon != p.coords)
    fail("canonical", fmt::format("not the canonical representative (differs by {:.3g})",
                                  (canon - p.coords).cwiseAbs().maxCoeff()));
}

/// The edge of transition state `row`: both paths from its stored coordinates.
struct EdgeResult {
  std::vector<Disagreement> problems;
  bool branched = false;
  int steps = 0;
};

EdgeResult check_edge(const Loss& loss, const db::Landscape& land, const db::LandscapeIndex& index,
                      std::int64_t row, const VerifyOptions& o) {
  EdgeResult r;
  const db::StoredTransitionState& t = land.transition_states[row];
  auto fail = [&](const char* check, std::string detail) {
    r.problems.push_back({"transition_states", row, check, std::move(detail)});
  };
  const SaddleDescent d = descend_stored_saddle(loss, land, t.coords, o.path);
  r.steps = d.side[0].steps + d.side[1].steps;
  if (!d.ok()) {
    fail("edge", "the steepest-descent paths cannot be followed: " + d.message);
    return r;
  }
  std::int64_t rep[2];
  std::set<std::pair<int, std::int64_t>> leaf_set;  // (side 0/1, minimum row)
  for (int s = 0; s < 2; ++s) {
    const std::vector<DescentLeaf> l = leaves(d.side[s], false);
    r.branched |= d.side[s].branched;
    for (std::size_t k = 0; k < l.size(); ++k) {
      const std::int64_t m = index.find_minimum(l[k].minimum.energy, l[k].minimum.x);
      if (m < 0)
        fail("edge",
             fmt::format("path {} ends at a minimum (E = {:.12g}) the database does not hold",
                         s == 0 ? "+" : "-", l[k].minimum.energy));
      leaf_set.insert({s, m});
    }
    rep[s] = index.find_minimum(l[representative_leaf(l)].minimum.energy,
                                l[representative_leaf(l)].minimum.x);
  }
  if (!r.problems.empty()) return r;
  const bool direct = rep[0] == t.min1 && rep[1] == t.min2;
  const bool swapped = rep[1] == t.min1 && rep[0] == t.min2;
  if (!direct && !swapped) {
    fail("edge", fmt::format("stored as joining minima {} and {}; its paths reach {} and {}",
                             t.min1, t.min2, rep[0], rep[1]));
    return r;
  }
  const auto col = land.ts_columns.find("branched");
  if (col == land.ts_columns.end() || std::isnan(col->second(row, 0))) return r;
  const bool stored_branched = col->second(row, 0) != 0;
  if (stored_branched != r.branched) {
    fail("branches", stored_branched ? "stored as branched, but neither path branches"
                                     : "its paths branch, but it is not stored as branched");
    return r;
  }
  if (!r.branched) return r;
  std::set<std::pair<int, std::int64_t>> stored;
  for (const db::TsBranch& b : land.ts_branches)
    if (b.ts == row) stored.insert({direct ? b.side - 1 : 2 - b.side, b.minimum});
  if (stored != leaf_set)
    fail("branches", fmt::format("/ts_branches lists {} minima for it; its paths reach {}",
                                 stored.size(), leaf_set.size()));
  return r;
}

}  // namespace

void VerifyOptions::validate() const {
  const detail::FieldCheck require("VerifyOptions");
  path.validate();
  require(energy_tolerance > 0 && energy_tolerance <= 1e-6, "energy_tolerance", "in (0, 1e-6]");
  require(minimum_rms_tolerance > 0 && minimum_rms_tolerance <= 1e-3, "minimum_rms_tolerance",
          "in (0, 1e-3]");
  require(ts_rms_tolerance > 0 && ts_rms_tolerance <= 1e-3, "ts_rms_tolerance", "in (0, 1e-3]");
  require(eigen_tolerance > 0 && eigen_tolerance <= 1e-3, "eigen_tolerance", "in (0, 1e-3]");
  require(eigen_cutoff > 0 && eigen_cutoff <= 1e-3, "eigen_cutoff", "in (0, 1e-3]");
  require(sample >= 0, "sample", ">= 0");
  require(threads >= 0 && threads <= 1024, "threads", "in [0, 1024]");
}

VerifyReport verify_landscape(const Loss& loss, const db::Landscape& land, const VerifyOptions& o) {
  o.validate();
  const auto t0 = std::chrono::steady_clock::now();
  VerifyReport rep;
  for (std::size_t i = 0; i < land.minima.size(); ++i)
    check_point(loss, land.model, land.minima[i], 0, o.minimum_rms_tolerance, o, "minima",
                static_cast<std::int64_t>(i), rep.problems);
  rep.minima_checked = static_cast<std::int64_t>(land.minima.size());

  const auto T = static_cast<std::int64_t>(land.transition_states.size());
  std::vector<std::int64_t> rows;
  if (o.sample == 0 || o.sample >= T) {
    for (std::int64_t r = 0; r < T; ++r) rows.push_back(r);
  } else {
    for (std::int64_t k = 0; k < o.sample; ++k) rows.push_back(k * T / o.sample);
  }
  db::Landscape copy = land;  // the index wants a landscape it could grow; it only reads here
  const db::LandscapeIndex index(copy);
  std::vector<std::vector<Disagreement>> point_problems(rows.size());
  std::vector<EdgeResult> edges(rows.size());
  const int threads = o.threads > 0 ? o.threads : omp_get_num_procs();
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::int64_t r = rows[k];
    check_point(loss, land.model, land.transition_states[r], 1, o.ts_rms_tolerance, o,
                "transition_states", r, point_problems[k]);
    if (point_problems[k].empty()) edges[k] = check_edge(loss, land, index, r, o);
  }
  for (std::size_t k = 0; k < rows.size(); ++k) {
    ++rep.ts_checked;
    for (auto& p : point_problems[k]) rep.problems.push_back(std::move(p));
    if (!point_problems[k].empty()) continue;
    ++rep.edges_checked;
    rep.branched += edges[k].branched;
    rep.path_steps += edges[k].steps;
    for (auto& p : edges[k].problems) rep.problems.push_back(std::move(p));
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace lossland
