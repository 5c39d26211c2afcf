#pragma once
/// Private: the L-BFGS two-loop recursion shared by the band and eigenvector-following
/// minimisers, which take capped steps without a line search (GMIN/OPTIM style).

#include <Eigen/Core>

#include <deque>
#include <vector>

namespace lossland::detail {

/// L-BFGS two-loop recursion (Nocedal & Wright Alg. 7.4): returns -H g with H0 = gamma I, from
/// the stored steps S and gradient changes Y (oldest first).
inline Eigen::VectorXd lbfgs_direction(const std::deque<Eigen::VectorXd>& S,
                                       const std::deque<Eigen::VectorXd>& Y,
                                       const Eigen::VectorXd& g, double gamma) {
  const int m = static_cast<int>(S.size());
  std::vector<double> alpha(m), rho(m);
  Eigen::VectorXd q = g;
  for (int j = m - 1; j >= 0; --j) {
    rho[j] = 1.0 / Y[j].dot(S[j]);
    alpha[j] = rho[j] * S[j].dot(q);
    q -= alpha[j] * Y[j];
  }
  q *= gamma;
  for (int j = 0; j < m; ++j) q += S[j] * (alpha[j] - rho[j] * Y[j].dot(q));
  return -q;
}

}  // namespace lossland::detail
