#pragma once
/// \file
/// Synthetic landscapes for the growth benchmark (issue 17): the model and dataset of a real
/// database, M minima with random energies (sorted ascending) and random coordinates, and about
/// 2M transition states, a random spanning tree (minimum i > 0 joined to a random earlier one)
/// plus random extra edges, each transition state above both of its minima. Written through the
/// public API (db::write), so the file is schema-valid and readable by every command; the
/// points' symmetry orders (horder columns) are computed and stored as bh and connect do.
///
/// Two topologies. `Random` (the default, unchanged): the tree joins minimum i to a uniformly
/// random earlier one and the extra edges join uniformly random pairs, so the graph is an
/// expander: every set of minima has many edges leaving it, and graph transformation, which
/// joins all neighbours of each minimum it removes, fills it in towards a dense graph (cost
/// approaching O(M^3)). Real databases are not like that: a transition state found by
/// connect or by a single-ended search joins two minima that are close in configuration
/// space, so the graph is local, and a local graph has small separators (~M^(1 - 1/D) minima in
/// D dimensions) that keep the fill-in of a fewest-neighbours-first elimination small. `Local`
/// models this: each minimum gets a position uniform in the unit cube [0, 1)^D (a stand-in for
/// a low-dimensional embedding of the minima), the tree joins minimum i (in ascending energy)
/// to the nearest lower-energy minimum, and each extra edge joins a random minimum to one of
/// its `neighbours` nearest (a random geometric graph). Energies and transition-state heights
/// are drawn as in `Random`.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"

namespace lossland::bench {

/// Which minima the transition states join (see the file comment).
enum class Topology {
  Random,  ///< random tree + uniformly random pairs: an expander
  Local,   ///< nearest-lower tree + near neighbours in a D-dimensional embedding
};

/// What to generate. Ranges: minima >= 1, ts_per_minimum in [0, 100], energy_span > 0,
/// dimension in [1, 6], neighbours in [1, 64].
struct SyntheticOptions {
  std::int64_t minima = 1000;            ///< M, >= 1
  double ts_per_minimum = 2.0;           ///< transition states per minimum (spanning tree included)
  double energy_span = 0.5;              ///< minima energies uniform in [e0, e0 + span)
  std::uint64_t seed = 1;                ///< random stream
  Topology topology = Topology::Random;  ///< Random (an expander) or Local (a geometric graph)
  int dimension = 2;                     ///< Local: D of the embedding, in [1, 6]
  int neighbours = 8;  ///< Local: extra edges join one of this many nearest, [1, 64]

  void validate() const {
    if (minima < 1) throw std::invalid_argument("minima must be >= 1");
    if (!(ts_per_minimum >= 0 && ts_per_minimum <= 100))
      throw std::invalid_argument("ts_per_minimum must be in [0, 100]");
    if (!(energy_span > 0)) throw std::invalid_argument("energy_span must be > 0");
    if (dimension < 1 || dimension > 6) throw std::invalid_argument("dimension must be in [1, 6]");
    if (neighbours < 1 || neighbours > 64)
      throw std::invalid_argument("neighbours must be in [1, 64]");
  }
};

/// Points in [0, 1)^D bucketed in a grid of about two points per cell, for nearest-neighbour
/// queries that scan shells of cells outwards from the query's cell.
class NeighbourGrid {
 public:
  NeighbourGrid(const std::vector<double>& x, int dim, std::int64_t n) : x_(x), d_(dim) {
    c_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::pow(n / 2.0, 1.0 / dim)));
    std::int64_t cells = 1;
    for (int k = 0; k < d_; ++k) cells *= c_;
    cells_.resize(static_cast<std::size_t>(cells));
  }

  void insert(std::int64_t i) { cells_[cell_of(i)].push_back(i); }

  /// The (up to) `k` inserted points nearest to point q (q itself excluded), nearest first.
  std::vector<std::int64_t> nearest(std::int64_t q, int k) const {
    std::vector<std::pair<double, std::int64_t>> best;  // sorted ascending, at most k
    std::vector<std::int64_t> home(d_), off(d_);
    for (int a = 0; a < d_; ++a) home[a] = coord(q, a);
    for (std::int64_t r = 0; r < c_; ++r) {
      // A point in shell r or beyond is at least r - 1 cell widths away along some axis.
      if (r >= 1 && static_cast<int>(best.size()) == k &&
          best.back().first <= sq(static_cast<double>(r - 1) / static_cast<double>(c_)))
        break;
      for_shell(r, off, [&] {
        std::size_t id = 0;
        for (int a = 0; a < d_; ++a) {
          const std::int64_t g = home[a] + off[a];
          if (g < 0 || g >= c_) return;
          id = id * static_cast<std::size_t>(c_) + static_cast<std::size_t>(g);
        }
        for (std::int64_t j : cells_[id]) {
          if (j == q) continue;
          double d2 = 0;
          for (int a = 0; a < d_; ++a) d2 += sq(x_[j * d_ + a] - x_[q * d_ + a]);
          if (static_cast<int>(best.size()) == k && d2 >= best.back().first) continue;
          auto at = std::upper_bound(best.begin(), best.end(), std::make_pair(d2, j));
          best.insert(at, {d2, j});
          if (static_cast<int>(best.size()) > k) best.pop_back();
        }
      });
    }
    std::vector<std::int64_t> ids;
    for (const auto& [d2, j] : best) ids.push_back(j);
    return ids;
  }

 private:
  static double sq(double v) { return v * v; }
  std::int64_t coord(std::int64_t i, int a) const {
    return std::min(c_ - 1, static_cast<std::int64_t>(x_[i * d_ + a] * static_cast<double>(c_)));
  }
  std::size_t cell_of(std::int64_t i) const {
    std::size_t id = 0;
    for (int a = 0; a < d_; ++a)
      id = id * static_cast<std::size_t>(c_) + static_cast<std::size_t>(coord(i, a));
    return id;
  }
  /// Calls f() with `off` set to each offset of Chebyshev norm exactly r: the first axis
  /// at +-r is `e`, the axes before it strictly inside (-r, r), the axes after it in [-r, r].
  template <class F>
  void for_shell(std::int64_t r, std::vector<std::int64_t>& off, F&& f) const {
    if (r == 0) {
      std::fill(off.begin(), off.end(), 0);
      f();
      return;
    }
    for (int e = 0; e < d_; ++e)
      for (std::int64_t side : {-r, r}) {
        auto lo = [&](int a) { return a < e ? -r + 1 : -r; };
        for (int a = 0; a < d_; ++a) off[a] = lo(a);
        off[e] = side;
        while (true) {
          f();
          int a = d_ - 1;
          for (; a >= 0; --a) {
            if (a == e) continue;
            const std::int64_t hi = a < e ? r - 1 : r;
            if (off[a] < hi) {
              ++off[a];
              break;
            }
            off[a] = lo(a);
          }
          if (a < 0) break;
        }
      }
  }

  const std::vector<double>& x_;
  int d_;
  std::int64_t c_ = 1;
  std::vector<std::vector<std::int64_t>> cells_;
};

/// A landscape with `model`'s ModelSpec and Dataset and random points (see the file comment).
inline db::Landscape synthetic_landscape(const db::Landscape& model, const SyntheticOptions& o) {
  o.validate();
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
  // Local: positions and pair choices from a stream of their own (Random draws as before).
  const bool local = o.topology == Topology::Local;
  std::mt19937_64 geo(o.seed ^ 0x9e3779b97f4a7c15ULL);
  std::vector<double> pos(local ? static_cast<std::size_t>(M * o.dimension) : 0);
  for (auto& x : pos) x = uni(geo);
  NeighbourGrid grid(pos, o.dimension, local ? M : 1);
  if (local && M > 0) grid.insert(0);
  for (std::int64_t t = 0; t < T && M > 1; ++t) {
    std::int64_t a, b;
    if (local && t < M - 1) {  // the nearest lower-energy minimum (those inserted so far)
      a = t + 1;
      b = grid.nearest(a, 1).front();
      grid.insert(a);
    } else if (local) {  // a random minimum and one of its nearest neighbours
      a = static_cast<std::int64_t>(uni(geo) * static_cast<double>(M));
      const auto near = grid.nearest(a, o.neighbours);
      b = near[static_cast<std::size_t>(uni(geo) * static_cast<double>(near.size()))];
    } else if (t < M - 1) {
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
