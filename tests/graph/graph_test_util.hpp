#pragma once
/// Helpers for the graph tests: hand-made landscapes (energies and connections only matter to
/// the network and the tree) and an independent brute-force minimax barrier (Kruskal order).

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "lossland/model/dataset.hpp"
#include "lossland/model/mlp_loss.hpp"

namespace lossland::testing {

inline db::Landscape empty_xor_landscape(int hidden = 2, double lambda = 1e-4) {
  db::Landscape land;
  land.model.layers = {2, hidden, 2};
  land.model.lambda = lambda;
  land.dataset = xor_dataset();
  land.created_by = "test";
  return land;
}

/// A landscape with the given minimum energies and transition states (min1, min2, energy).
/// Coordinates are distinct non-zero vectors; spectra are plausible (all positive for minima,
/// one negative for transition states).
struct TsSpec {
  int a, b;
  double e;
};
inline db::Landscape make_landscape(const std::vector<double>& minima,
                                    const std::vector<TsSpec>& ts, int hidden = 2) {
  db::Landscape land = empty_xor_landscape(hidden);
  const int P = land.num_params();
  for (std::size_t i = 0; i < minima.size(); ++i) {
    db::StoredPoint p;
    p.energy = minima[i];
    p.coords = Eigen::VectorXd::Constant(P, 0.1 * static_cast<double>(i + 1));
    p.grad_rms = 1e-12;
    p.eigenvalues = Eigen::VectorXd::LinSpaced(P, 1e-3, 1.0);
    land.minima.push_back(p);
  }
  for (std::size_t t = 0; t < ts.size(); ++t) {
    db::StoredTransitionState s;
    s.energy = ts[t].e;
    s.coords = Eigen::VectorXd::Constant(P, -0.1 * static_cast<double>(t + 1));
    s.grad_rms = 1e-12;
    s.eigenvalues = Eigen::VectorXd::LinSpaced(P, -1e-2, 1.0);
    s.min1 = ts[t].a;
    s.min2 = ts[t].b;
    land.transition_states.push_back(s);
  }
  return land;
}

/// A stored point at w: its energy under `loss` and a unit Hessian spectrum (a stand-in for tests
/// that do not read the spectrum).
inline db::StoredPoint point_at(const MlpLoss& loss, const Eigen::VectorXd& w) {
  db::StoredPoint p;
  p.coords = w;
  p.energy = loss.energy(w);
  p.eigenvalues = Eigen::VectorXd::Ones(w.size());
  return p;
}

/// The hand-made network of the query tests: minima 0..5 in the sets {0,1,2,3} and {4,5}
/// (3 the global minimum, 3 and 5 the lowest of their sets), seven transition states (two
/// between 0 and 1, a self-loop at 3), and an AUC column (1, 0.75, 1, 1, 0.5, 1).
inline db::Landscape hand_network() {
  db::Landscape land = make_landscape(
      {0.5, 1.0, 2.0, 0.1, 1.5, 0.2},
      {{0, 1, 5.0}, {0, 1, 3.0}, {1, 2, 4.0}, {0, 2, 9.0}, {2, 3, 6.0}, {4, 5, 2.0}, {3, 3, 7.0}});
  Eigen::MatrixXd auc(6, 1);
  auc << 1.0, 0.75, 1.0, 1.0, 0.5, 1.0;
  land.minima_columns["auc"] = auc;
  return land;
}

/// Random landscape: M minima with energies in [0, 1); T transition states between random
/// pairs (self-loops included) with energy above both ends.
inline db::Landscape random_landscape(int M, int T, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> pick(0, M - 1);
  std::vector<double> e(M);
  for (auto& x : e) x = u(rng);
  std::vector<TsSpec> ts;
  for (int t = 0; t < T; ++t) {
    const int a = pick(rng), b = pick(rng);
    ts.push_back({a, b, std::max(e[a], e[b]) + 0.5 * u(rng)});
  }
  return make_landscape(e, ts);
}

/// Lowest threshold at which a and b are joined by transition states below or at it: add the
/// transition states in ascending energy (Kruskal) until a and b share a set. +inf if never;
/// E(a) if a == b.
inline double brute_minimax(const db::Landscape& land, int a, int b) {
  if (a == b) return land.minima[a].energy;
  std::vector<int> parent(land.minima.size());
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int(int)> find = [&](int x) {
    return parent[x] == x ? x : parent[x] = find(parent[x]);
  };
  std::vector<std::size_t> order(land.transition_states.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return land.transition_states[x].energy < land.transition_states[y].energy;
  });
  for (std::size_t t : order) {
    const auto& s = land.transition_states[t];
    parent[find(static_cast<int>(s.min1))] = find(static_cast<int>(s.min2));
    if (find(a) == find(b)) return s.energy;
  }
  return std::numeric_limits<double>::infinity();
}

/// Deepest common superbasin of two leaves of a disconnectivity tree (-1 if in different roots).
inline int common_ancestor(const graph::DisconnectivityTree& t, int a, int b) {
  std::set<int> up;
  for (int n = a; n >= 0; n = t.nodes[n].parent) up.insert(n);
  for (int n = b; n >= 0; n = t.nodes[n].parent)
    if (up.count(n)) return n;
  return -1;
}

}  // namespace lossland::testing
