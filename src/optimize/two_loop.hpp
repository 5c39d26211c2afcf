#pragma once
/// Private: the L-BFGS core shared by the band and eigenvector-following minimisers, which take
/// capped steps without a line search (GMIN/OPTIM style).

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

/// The L-BFGS memory: the last `memory` curvature pairs (s, y) and the scaling gamma of
/// H0 = gamma I.
class LbfgsMemory {
 public:
  /// `memory` pairs at most (>= 1); `gamma` the first inverse-curvature guess.
  LbfgsMemory(int memory, double gamma) : memory_(memory), gamma_(gamma) {}

  /// The quasi-Newton direction -H g (lbfgs_direction()).
  Eigen::VectorXd direction(const Eigen::VectorXd& g) const {
    return lbfgs_direction(S_, Y_, g, gamma_);
  }
  /// H0 g's opposite, -gamma g: the steepest-descent step of an empty memory.
  Eigen::VectorXd scaled_descent(const Eigen::VectorXd& g) const { return -gamma_ * g; }
  /// Drops every stored pair (gamma is kept).
  void forget() {
    S_.clear();
    Y_.clear();
  }
  /// Stores the step s and gradient change y when the curvature s.y is clearly positive
  /// (s.y > 1e-12 |s| |y|), dropping the oldest pair beyond the memory, and sets
  /// gamma = s.y / y.y (Nocedal & Wright Eq. 7.20); otherwise keeps everything as it was.
  void remember(const Eigen::VectorXd& s, const Eigen::VectorXd& y) {
    const double sy = s.dot(y);
    if (!(sy > 1e-12 * s.norm() * y.norm())) return;
    S_.push_back(s);
    Y_.push_back(y);
    if (static_cast<int>(S_.size()) > memory_) {
      S_.pop_front();
      Y_.pop_front();
    }
    gamma_ = sy / y.squaredNorm();
  }

 private:
  int memory_;
  double gamma_;
  std::deque<Eigen::VectorXd> S_, Y_;
};

}  // namespace lossland::detail
