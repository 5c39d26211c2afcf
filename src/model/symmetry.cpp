#include "lossland/model/symmetry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace lossland {

namespace {

/// Node j's parameters in a fixed order: outgoing V_.j, incoming W_j., bias b_j.
Eigen::VectorXd node_vector(const ParamLayout& L, const Eigen::VectorXd& w, int j) {
  Eigen::VectorXd v(L.O + L.I + 1);
  for (int i = 0; i < L.O; ++i) v[i] = w[L.V(i, j)];
  for (int k = 0; k < L.I; ++k) v[L.O + k] = w[L.W(j, k)];
  v[L.O + L.I] = w[L.b(j)];
  return v;
}

void check_size(const ModelSpec& spec, const Eigen::VectorXd& w) {
  if (w.size() != spec.num_params())
    throw std::invalid_argument("symmetry: parameter vector has " + std::to_string(w.size()) +
                                " entries, the model has " + std::to_string(spec.num_params()));
}

/// Minimum-cost perfect assignment for a square cost matrix (Hungarian algorithm with
/// potentials, O(n^3)). Returns row -> column.
std::vector<int> hungarian(const Eigen::MatrixXd& cost) {
  const int n = static_cast<int>(cost.rows());
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(n + 1, 0.0), minv(n + 1);
  std::vector<int> p(n + 1, 0), way(n + 1, 0);
  std::vector<char> used(n + 1);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::fill(minv.begin(), minv.end(), inf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      const int i0 = p[j0];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= n; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  std::vector<int> row_to_col(n);
  for (int j = 1; j <= n; ++j) row_to_col[p[j] - 1] = j - 1;
  return row_to_col;
}

}  // namespace

Eigen::VectorXd apply(const ModelSpec& spec, const NodeMap& map, const Eigen::VectorXd& w) {
  check_size(spec, w);
  const ParamLayout L(spec);
  if (static_cast<int>(map.perm.size()) != L.H || static_cast<int>(map.sign.size()) != L.H)
    throw std::invalid_argument("symmetry: node map size differs from the hidden layer");
  Eigen::VectorXd out = w;
  for (int j = 0; j < L.H; ++j) {
    const int src = map.perm[j];
    const double s = map.sign[j];
    for (int k = 0; k < L.I; ++k) out[L.W(j, k)] = s * w[L.W(src, k)];
    out[L.b(j)] = s * w[L.b(src)];
    for (int i = 0; i < L.O; ++i) out[L.V(i, j)] = s * w[L.V(i, src)];
  }
  return out;
}

Eigen::VectorXd canonical_form(const ModelSpec& spec, const Eigen::VectorXd& w, double zero) {
  check_size(spec, w);
  const ParamLayout L(spec);
  const bool flips = spec.activation == Activation::Tanh;
  std::vector<Eigen::VectorXd> nodes(L.H);
  NodeMap map;
  map.sign.assign(L.H, 1);
  for (int j = 0; j < L.H; ++j) {
    nodes[j] = node_vector(L, w, j);
    if (flips) {
      for (Eigen::Index r = 0; r < nodes[j].size(); ++r) {
        if (std::abs(nodes[j][r]) > zero) {
          if (nodes[j][r] < 0) {
            map.sign[j] = -1;
            nodes[j] = -nodes[j];
          }
          break;
        }
      }
    }
  }
  std::vector<int> order(L.H);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const double na = nodes[a].squaredNorm(), nb = nodes[b].squaredNorm();
    if (na != nb) return na > nb;
    return std::lexicographical_compare(nodes[b].begin(), nodes[b].end(), nodes[a].begin(),
                                        nodes[a].end());
  });
  NodeMap sorted;
  sorted.perm = order;
  sorted.sign.resize(L.H);
  for (int j = 0; j < L.H; ++j) sorted.sign[j] = map.sign[order[j]];
  return apply(spec, sorted, w);
}

Alignment align(const ModelSpec& spec, const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  check_size(spec, a);
  check_size(spec, b);
  const ParamLayout L(spec);
  const bool flips = spec.activation == Activation::Tanh;
  Eigen::MatrixXd cost(L.H, L.H);
  Eigen::MatrixXi best_sign(L.H, L.H);
  std::vector<Eigen::VectorXd> na(L.H), nb(L.H);
  for (int j = 0; j < L.H; ++j) {
    na[j] = node_vector(L, a, j);
    nb[j] = node_vector(L, b, j);
  }
  for (int j = 0; j < L.H; ++j) {
    for (int k = 0; k < L.H; ++k) {
      const double plus = (na[j] - nb[k]).squaredNorm();
      const double minus = flips ? (na[j] + nb[k]).squaredNorm() : plus + 1.0;
      cost(j, k) = std::min(plus, minus);
      best_sign(j, k) = minus < plus ? -1 : 1;
    }
  }
  const std::vector<int> assignment = hungarian(cost);
  Alignment out;
  out.map.perm = assignment;
  out.map.sign.resize(L.H);
  for (int j = 0; j < L.H; ++j) out.map.sign[j] = best_sign(j, assignment[j]);
  out.aligned = apply(spec, out.map, b);
  out.distance = (a - out.aligned).norm();
  return out;
}

double aligned_distance(const ModelSpec& spec, const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return align(spec, a, b).distance;
}

bool SamePoint::operator()(const ModelSpec& spec, double ea, const Eigen::VectorXd& a, double eb,
                           const Eigen::VectorXd& b) const {
  if (std::abs(ea - eb) > energy_tol * std::max(1.0, std::abs(ea))) return false;
  return aligned_distance(spec, a, b) <= distance_tol;
}

}  // namespace lossland

namespace lossland {

bool DatasetSymmetry::is_identity() const {
  for (std::size_t k = 0; k < input_perm.size(); ++k)
    if (input_perm[k] != static_cast<int>(k)) return false;
  for (std::size_t i = 0; i < class_perm.size(); ++i)
    if (class_perm[i] != static_cast<int>(i)) return false;
  return true;
}

std::vector<DatasetSymmetry> dataset_symmetries(const Dataset& data) {
  const int I = data.num_inputs(), O = data.num_classes, N = data.num_samples();
  std::vector<int> ip(I), cp(O);
  std::iota(ip.begin(), ip.end(), 0);
  std::iota(cp.begin(), cp.end(), 0);
  std::vector<DatasetSymmetry> out;
  if (I > 7 || O > 6) {
    out.push_back({ip, cp});
    return out;
  }
  // Rows as (inputs..., label) tuples, sorted, for set comparison.
  auto rows_of = [&](const std::vector<int>& in, const std::vector<int>& cl) {
    std::vector<std::vector<double>> rows(N, std::vector<double>(I + 1));
    std::vector<int> inverse_class(O);
    for (int i = 0; i < O; ++i) inverse_class[cl[i]] = i;
    for (int d = 0; d < N; ++d) {
      for (int k = 0; k < I; ++k) rows[d][k] = data.inputs(d, in[k]);
      rows[d][I] = inverse_class[data.labels[d]];
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  const auto original = rows_of(ip, cp);
  std::vector<int> in = ip;
  do {
    std::vector<int> cl = cp;
    do {
      if (rows_of(in, cl) == original) out.push_back({in, cl});
    } while (std::next_permutation(cl.begin(), cl.end()));
  } while (std::next_permutation(in.begin(), in.end()));
  return out;
}

Eigen::VectorXd apply(const ModelSpec& spec, const DatasetSymmetry& g, const Eigen::VectorXd& w) {
  check_size(spec, w);
  const ParamLayout L(spec);
  Eigen::VectorXd out = w;
  for (int j = 0; j < L.H; ++j)
    for (int k = 0; k < L.I; ++k) out[L.W(j, k)] = w[L.W(j, g.input_perm[k])];
  for (int i = 0; i < L.O; ++i) {
    for (int j = 0; j < L.H; ++j) out[L.V(i, j)] = w[L.V(g.class_perm[i], j)];
    out[L.c(i)] = w[L.c(g.class_perm[i])];
  }
  return out;
}

namespace {

/// Half-width of the energy window searched for a's partners: wider than the tolerance of
/// SamePoint by a safety factor, so that rounding in the window never drops a pair that
/// SamePoint itself would accept (every candidate is still tested with SamePoint exactly).
double window_radius(const SamePoint& same, double e) {
  return 2.0 * same.energy_tol * std::max(1.0, std::abs(e)) + 4.0 * std::abs(e) * 1e-16;
}

/// Row indices sorted by energy (ties by index); NaN energies last (they match nothing).
std::vector<std::size_t> energy_order(const std::vector<double>& energies) {
  std::vector<std::size_t> order(energies.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const double ex = energies[x], ey = energies[y];
    if (std::isnan(ex) || std::isnan(ey)) return !std::isnan(ex) && std::isnan(ey);
    return ex != ey ? ex < ey : x < y;
  });
  return order;
}

/// The positions in `order` of the rows whose energy lies within the window around e.
std::pair<std::size_t, std::size_t> window(const std::vector<double>& energies,
                                           const std::vector<std::size_t>& order, double e,
                                           double r) {
  const auto lo = std::lower_bound(order.begin(), order.end(), e - r,
                                   [&](std::size_t i, double v) { return energies[i] < v; });
  const auto hi = std::upper_bound(lo, order.end(), e + r, [&](double v, std::size_t i) {
    return v < energies[i] || std::isnan(energies[i]);
  });
  return {static_cast<std::size_t>(lo - order.begin()),
          static_cast<std::size_t>(hi - order.begin())};
}

}  // namespace

std::vector<std::size_t> energy_neighbours(const std::vector<double>& energies,
                                           const SamePoint& same) {
  const std::vector<std::size_t> order = energy_order(energies);
  std::vector<char> needed(energies.size(), 0);
  for (std::size_t a = 0; a < energies.size(); ++a) {
    if (std::isnan(energies[a])) continue;
    const auto [lo, hi] = window(energies, order, energies[a], window_radius(same, energies[a]));
    if (hi - lo > 1)
      for (std::size_t k = lo; k < hi; ++k) needed[order[k]] = 1;
  }
  std::vector<std::size_t> out;
  for (std::size_t a = 0; a < needed.size(); ++a)
    if (needed[a]) out.push_back(a);
  return out;
}

std::vector<int> dataset_symmetry_classes(const ModelSpec& spec, const Dataset& data,
                                          const std::vector<double>& energies,
                                          const PointSource& point, const SamePoint& same) {
  const auto group = dataset_symmetries(data);
  const std::vector<std::size_t> order = energy_order(energies);
  std::vector<int> cls(energies.size());
  std::vector<std::size_t> candidates;
  for (std::size_t a = 0; a < energies.size(); ++a) {
    cls[a] = static_cast<int>(a);
    if (std::isnan(energies[a])) continue;
    const auto [lo, hi] = window(energies, order, energies[a], window_radius(same, energies[a]));
    // The first earlier representative that matches, as in a scan of every earlier row.
    candidates.clear();
    for (std::size_t k = lo; k < hi; ++k) {
      const std::size_t b = order[k];
      if (b < a && cls[b] == static_cast<int>(b)) candidates.push_back(b);
    }
    std::sort(candidates.begin(), candidates.end());
    for (std::size_t c = 0; c < candidates.size() && cls[a] == static_cast<int>(a); ++c) {
      const std::size_t b = candidates[c];
      const Eigen::VectorXd& pa = point(a);
      const Eigen::VectorXd pb = point(b);
      for (const auto& g : group) {
        if (same(spec, energies[a], pa, energies[b], apply(spec, g, pb))) {
          cls[a] = static_cast<int>(b);
          break;
        }
      }
    }
  }
  return cls;
}

std::vector<int> dataset_symmetry_classes(const ModelSpec& spec, const Dataset& data,
                                          const std::vector<double>& energies,
                                          const std::vector<Eigen::VectorXd>& points,
                                          const SamePoint& same) {
  if (points.size() != energies.size())
    throw std::invalid_argument("symmetry classes: " + std::to_string(energies.size()) +
                                " energies but " + std::to_string(points.size()) + " points");
  return dataset_symmetry_classes(
      spec, data, energies, [&](std::size_t i) -> const Eigen::VectorXd& { return points[i]; },
      same);
}

std::vector<int> pairwise_symmetry_classes(const ModelSpec& spec, const Dataset& data,
                                           const std::vector<double>& energies,
                                           const std::vector<Eigen::VectorXd>& points,
                                           const SamePoint& same) {
  const auto group = dataset_symmetries(data);
  std::vector<int> cls(points.size());
  for (std::size_t a = 0; a < points.size(); ++a) {
    cls[a] = static_cast<int>(a);
    for (std::size_t b = 0; b < a && cls[a] == static_cast<int>(a); ++b) {
      if (cls[b] != static_cast<int>(b)) continue;
      for (const auto& g : group) {
        if (same(spec, energies[a], points[a], energies[b], apply(spec, g, points[b]))) {
          cls[a] = static_cast<int>(b);
          break;
        }
      }
    }
  }
  return cls;
}

}  // namespace lossland
