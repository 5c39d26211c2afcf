#pragma once
/// \file
/// Synthetic landscapes for the growth benchmark (issue 17): the model and dataset of a real
/// database, M minima with random energies (sorted ascending) and random coordinates, and about
/// 2M transition states, a random spanning tree (minimum i > 0 joined to a random earlier one)
/// plus random extra edges, each transition state above both of its minima. Written through the
/// public API (db::write), so the file is schema-valid and readable by every command; the
/// points' symmetry orders (horder columns) are computed and stored as bh and connect do.

#include <algorithm>
#include <cstdint>
#include <random>

#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"

namespace lossland::bench {

/// What to generate. Ranges: minima >= 1, ts_per_minimum in [0, 100], energy_span > 0.
struct SyntheticOptions {
  std::int64_t minima = 1000;   ///< M, >= 1
  double ts_per_minimum = 2.0;  ///< transition states per minimum (spanning tree included)
  double energy_span = 0.5;     ///< minima energies uniform in [e0, e0 + span)
  std::uint64_t seed = 1;       ///< random stream
};

/// A landscape with `model`'s ModelSpec and Dataset and random points (see the file comment).
inline db::Landscape synthetic_landscape(const db::Landscape& model, const SyntheticOptions& o) {
  db::Landscape ls;
  ls.model = model.model;
  ls.dataset = model.dataset;
  ls.created_by = "synthetic";
  const int P = ls.num_params();
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::normal_distribution<double> nd(0.0, 1.0);
  const double e0 = model.minima.empty() ? 0.0 : model.minima.front().energy;
  std::vector<double> e(static_cast<std::size_t>(o.minima));
  for (auto& x : e) x = e0 + o.energy_span * uni(rng);
  std::sort(e.begin(), e.end());
  auto point = [&](double energy, bool saddle) {
    db::StoredTransitionState p;
    p.energy = energy;
    p.coords.resize(P);
    for (auto& x : p.coords) x = nd(rng);
    p.grad_rms = 1e-12 * (1.0 + uni(rng));
    p.eigenvalues.resize(P);
    for (auto& x : p.eigenvalues) x = 1e-6 + uni(rng);
    std::sort(p.eigenvalues.begin(), p.eigenvalues.end());
    if (saddle) p.eigenvalues[0] = -0.01 - uni(rng);
    return p;
  };
  ls.minima.reserve(e.size());
  for (double x : e) ls.minima.push_back(point(x, false));
  const auto M = o.minima;
  const auto T = std::max<std::int64_t>(M - 1, static_cast<std::int64_t>(o.ts_per_minimum * M));
  ls.transition_states.reserve(static_cast<std::size_t>(T));
  for (std::int64_t t = 0; t < T && M > 1; ++t) {
    std::int64_t a, b;
    if (t < M - 1) {
      a = t + 1;
      b = static_cast<std::int64_t>(uni(rng) * static_cast<double>(a));
    } else {
      a = static_cast<std::int64_t>(uni(rng) * static_cast<double>(M));
      do b = static_cast<std::int64_t>(uni(rng) * static_cast<double>(M));
      while (b == a);
    }
    const double top = std::max(e[a], e[b]);
    db::StoredTransitionState ts = point(top + 0.05 * o.energy_span * (0.01 + uni(rng)), true);
    ts.min1 = std::min(a, b);
    ts.min2 = std::max(a, b);
    ls.transition_states.push_back(std::move(ts));
  }
  db::fill_horder(ls);  // the symmetry orders, as bh and connect store them
  return ls;
}

}  // namespace lossland::bench
