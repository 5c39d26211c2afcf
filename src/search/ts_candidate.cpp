/// Transition-state candidates of a connection run (Mehta et al. 2018, Sec. III): a guess
/// refined by hybrid eigenvector-following and Newton polishing, both steepest-descent paths
/// followed down to their minima, DNEB bands between two minima, and storing what a candidate
/// found. See connect.hpp.
#include "lossland/search/connect.hpp"

#include <cmath>
#include <set>

#include "lossland/model/symmetry.hpp"
#include "lossland/optimize/stationary.hpp"

namespace lossland {

TsCandidate refine_transition_state(const Loss& loss, const Eigen::VectorXd& guess,
                                    const ConnectOptions& o, const Eigen::VectorXd& direction,
                                    const db::Landscape* land, const db::LandscapeIndex* known) {
  TsCandidate c;
  const ModelSpec* spec = land ? &land->model : nullptr;
  const HefResult h = hef(loss, guess, o.hef, direction);
  if (!h.converged()) {
    c.why = "eigenvector-following: " + to_string(h.status);
    return c;
  }
  // The point the database stores: Newton-polished to the rounding floor, then canonical.
  // The paths start from exactly these bits, so a reloaded database reproduces its edges.
  Eigen::VectorXd x = spec ? canonical_form(*spec, h.x) : h.x;
  x = polish_stationary(loss, x, o.path).x;
  if (spec) x = canonical_form(*spec, x);
  const Classification ts = classify(loss, x, o.eigen_cutoff);
  if (ts.kind != PointKind::TransitionState || ts.grad_rms > o.hef.rms_tolerance) {
    c.why = "refined point is a " + to_string(ts.kind);
    return c;
  }
  c.ts = {ts.energy, x, ts.grad_rms, ts.eigenvalues};
  if (known && known->find_transition_state(ts.energy, x) >= 0) {
    c.is_ts = c.known = true;
    return c;
  }
  const SaddleDescent d =
      land ? descend_stored_saddle(loss, *land, x, o.path) : descend_saddle(loss, x, o.path);
  if (!d.ok()) {
    c.why = "steepest-descent path: " + to_string(d.status) + " (" + d.message + ")";
    return c;
  }
  db::StoredPoint* rep[2] = {&c.plus, &c.minus};
  for (int s = 0; s < 2; ++s) {
    const std::vector<DescentLeaf> l = leaves(d.side[s], false);
    if (l.empty()) {
      c.why = "steepest-descent path: no minimum";
      return c;
    }
    c.branched |= d.side[s].branched;
    for (const DescentLeaf& leaf : l) {
      const PathStationary& m = leaf.minimum;
      c.leaves[s].push_back(
          {{m.energy, m.x, m.grad_rms, m.eigenvalues}, leaf.branch_energy, leaf.depth});
    }
    const std::size_t r = representative_leaf(l);
    *rep[s] = {l[r].minimum.energy, l[r].minimum.x, l[r].minimum.grad_rms,
               l[r].minimum.eigenvalues};
    c.paths[s] = leaf_path(d.side[s], l[r]);
    downsample_path(c.paths[s], o.path.max_saved_points);
  }
  c.is_ts = true;
  return c;
}

std::vector<ParameterMap> path_symmetries(const db::Landscape& land, const Eigen::VectorXd& x) {
  return generated_group(stabiliser_generators(land.model, land.dataset, x), land.num_params());
}

SaddleDescent descend_stored_saddle(const Loss& loss, const db::Landscape& land,
                                    const Eigen::VectorXd& x, const PathOptions& o) {
  const ModelSpec& spec = land.model;
  const SamePointFn same = [&spec](const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    return aligned_distance(spec, a, b) <= 1e-7 * std::max(1.0, a.norm());
  };
  return descend_saddle(loss, x, o, path_symmetries(land, x), same);
}

std::vector<TsCandidate> double_ended_attempt(const Loss& loss, const db::Landscape& land,
                                              std::int64_t i, std::int64_t j,
                                              const ConnectOptions& o,
                                              const db::LandscapeIndex* known) {
  const Eigen::VectorXd& a = land.minima[i].coords;
  const Eigen::VectorXd b = align(land.model, a, land.minima[j].coords).aligned;
  const DnebResult band = dneb(loss, a, b, o.dneb);
  std::vector<int> picks = band.candidates;
  if (picks.empty() && band.images.size() > 2) {
    // A monotonic band: the saddle hides next to the higher endpoint (on these soft landscapes
    // a transition state can sit ~1e-11 above a minimum); refine the highest interior image.
    int top = 1;
    for (int k = 2; k + 1 < static_cast<int>(band.images.size()); ++k)
      if (band.energies[k] > band.energies[top]) top = k;
    picks.push_back(top);
  }
  std::vector<TsCandidate> out;
  for (int k : picks)
    out.push_back(
        refine_transition_state(loss, band.images[k], o, Eigen::VectorXd(), &land, known));
  return out;
}

bool store_candidate(db::LandscapeIndex& index, const TsCandidate& c, ConnectStats& st,
                     bool save_paths) {
  if (!c.is_ts) {
    ++st.rejected;
    ++st.rejected_because[c.why];
    return false;
  }
  if (c.known) {
    ++st.known_ts;
    return false;
  }
  std::vector<db::Lookup> found[2];
  for (int s = 0; s < 2; ++s)
    for (const CandidateLeaf& leaf : c.leaves[s]) {
      found[s].push_back(index.add_minimum(leaf.minimum));
      st.new_minima += found[s].back().added;
    }
  const db::Lookup p = index.add_minimum(c.plus);
  const db::Lookup m = index.add_minimum(c.minus);
  db::StoredTransitionState t;
  static_cast<db::StoredPoint&>(t) = c.ts;
  t.min1 = p.index;
  t.min2 = m.index;
  const db::Lookup ts = index.add_transition_state(t);
  if (!ts.added) return false;
  ++st.new_ts;
  if (t.min1 == t.min2) ++st.degenerate_ts;
  db::Landscape& land = index.landscape();
  Eigen::MatrixXd& flag = land.ts_columns["branched"];
  if (flag.rows() != static_cast<Eigen::Index>(land.transition_states.size())) {
    // A new column: NaN (not known) for transition states stored before the path follower.
    const Eigen::Index old = flag.rows();
    flag.conservativeResize(static_cast<Eigen::Index>(land.transition_states.size()), 1);
    flag.bottomRows(flag.rows() - old).setConstant(std::nan(""));
  }
  flag(ts.index, 0) = c.branched ? 1.0 : 0.0;
  if (c.branched) {
    ++st.branched_ts;
    // One row per (side, minimum): symmetric copies of a leaf are the same stored minimum.
    for (int s = 0; s < 2; ++s) {
      std::set<std::int64_t> listed;
      for (std::size_t k = 0; k < c.leaves[s].size(); ++k)
        if (listed.insert(found[s][k].index).second)
          land.ts_branches.push_back({ts.index, s + 1, found[s][k].index,
                                      c.leaves[s][k].branch_energy, c.leaves[s][k].depth});
    }
  }
  if (save_paths) {
    for (int s = 0; s < 2; ++s) {
      db::StoredPath path;
      path.ts = ts.index;
      path.side = s + 1;
      path.coords.resize(static_cast<Eigen::Index>(c.paths[s].size()), c.ts.coords.size());
      for (std::size_t k = 0; k < c.paths[s].size(); ++k) {
        path.s.push_back(c.paths[s][k].s);
        path.energy.push_back(c.paths[s][k].energy);
        path.coords.row(static_cast<Eigen::Index>(k)) = c.paths[s][k].x.transpose();
      }
      land.paths.push_back(std::move(path));
    }
  }
  return true;
}

}  // namespace lossland
