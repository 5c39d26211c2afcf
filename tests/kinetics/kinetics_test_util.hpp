#pragma once
/// Random harmonic landscapes for the kinetics tests, and the direct (dense) master-equation
/// solves they are checked against.

#include <Eigen/Dense>
#include <cstdint>
#include <random>
#include <vector>

#include "lossland/kinetics/harmonic.hpp"
#include "lossland/kinetics/rates.hpp"

namespace lossland::testing {

/// M minima and T transition states in P dimensions: energies in [0, 1], spectra whose log
/// determinants spread by `det_spread` around P ln(0.5), small symmetry orders; a chain keeps
/// it connected, the rest join random pairs (some parallel, some degenerate).
inline kinetics::HarmonicLandscape random_landscape(int M, int T, int P, unsigned seed,
                                                    double det_spread = 2.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  kinetics::HarmonicLandscape h;
  h.dimension = P;
  h.log_group_order = std::log(48.0);
  const double orders[] = {1, 1, 1, 2, 4};
  for (int i = 0; i < M; ++i) {
    kinetics::HarmonicPoint p;
    p.energy = 0.3 * u(rng);
    p.log_det = P * std::log(0.5) + det_spread * (u(rng) - 0.5);
    p.log_order = std::log(orders[rng() % 5]);
    h.minima.push_back(p);
  }
  for (int s = 0; s < T; ++s) {
    kinetics::HarmonicTransitionState t;
    if (s < M - 1) {
      t.min1 = s;
      t.min2 = s + 1;
    } else {
      t.min1 = rng() % M;
      t.min2 = rng() % M;
    }
    t.energy = std::max(h.minima[t.min1].energy, h.minima[t.min2].energy) + 0.05 + 0.2 * u(rng);
    t.log_det = (P - 1) * std::log(0.5) + det_spread * (u(rng) - 0.5);
    t.negative_eigenvalue = -(0.1 + u(rng));
    t.log_order = 0.0;
    h.transition_states.push_back(t);
  }
  return h;
}

/// A set of minima as a mask of M flags (1 for the ids given).
inline std::vector<char> mask(int M, const std::vector<std::int64_t>& ids) {
  std::vector<char> m(M, 0);
  for (auto i : ids) m[i] = 1;
  return m;
}

/// The generator K (K_ji = k(i -> j), K_ii = -sum_j k(i -> j)) in linear space.
inline Eigen::MatrixXd rate_matrix(const kinetics::RateNetwork& net) {
  const int M = net.num_minima();
  Eigen::MatrixXd K = Eigen::MatrixXd::Zero(M, M);
  for (int i = 0; i < M; ++i)
    for (const auto& [j, lk] : net.log_k[i]) {
      K(j, i) += std::exp(lk);
      K(i, i) -= std::exp(lk);
    }
  return K;
}

/// MFPT to `target` by a direct solve of the backward master equation
/// sum_j k(i -> j) (T_j - T_i) = -1 for i outside the target, T = 0 on it.
inline Eigen::VectorXd direct_mfpt(const kinetics::RateNetwork& net,
                                   const std::vector<char>& target) {
  const Eigen::MatrixXd K = rate_matrix(net);
  const int M = net.num_minima();
  std::vector<int> free;
  for (int i = 0; i < M; ++i)
    if (!target[i]) free.push_back(i);
  const int n = static_cast<int>(free.size());
  Eigen::MatrixXd A(n, n);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) A(r, c) = K(free[c], free[r]);  // (K^T)_{ic}
  const Eigen::VectorXd t = A.fullPivLu().solve(-Eigen::VectorXd::Ones(n));
  Eigen::VectorXd out = Eigen::VectorXd::Zero(M);
  for (int r = 0; r < n; ++r) out[free[r]] = t[r];
  return out;
}

/// Committor to B (q = 1 on B, 0 on A) by a direct solve of sum_j k(i -> j)(q_j - q_i) = 0.
inline Eigen::VectorXd direct_committor(const kinetics::RateNetwork& net,
                                        const std::vector<char>& a, const std::vector<char>& b) {
  const Eigen::MatrixXd K = rate_matrix(net);
  const int M = net.num_minima();
  std::vector<int> free;
  for (int i = 0; i < M; ++i)
    if (!a[i] && !b[i]) free.push_back(i);
  const int n = static_cast<int>(free.size());
  Eigen::MatrixXd A(n, n);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(n);
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < n; ++c) A(r, c) = K(free[c], free[r]);
    for (int j = 0; j < M; ++j)
      if (b[j]) rhs[r] -= K(j, free[r]);
  }
  const Eigen::VectorXd q = A.fullPivLu().solve(rhs);
  Eigen::VectorXd out = Eigen::VectorXd::Zero(M);
  for (int j = 0; j < M; ++j) out[j] = b[j] ? 1.0 : 0.0;
  for (int r = 0; r < n; ++r) out[free[r]] = q[r];
  return out;
}

}  // namespace lossland::testing
