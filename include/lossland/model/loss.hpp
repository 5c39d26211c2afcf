#pragma once
/// \file
/// The one interface every loss surface implements (energy, gradient, Hessian), in the style of
/// pele's BasePotential: searches see only this.

#include <Eigen/Core>
#include <cmath>

namespace lossland {

/// A smooth scalar function E(w) of P parameters with analytic first and second derivatives.
/// Implementations are immutable after construction and safe to call from several threads.
class Loss {
 public:
  virtual ~Loss() = default;

  /// Number of parameters P.
  virtual int dim() const = 0;

  /// E(w).
  virtual double energy(const Eigen::VectorXd& w) const = 0;

  /// E(w); writes dE/dw into `grad` (resized to P).
  virtual double energy_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& grad) const = 0;

  /// E(w); writes the gradient and the Hessian d2E/dw dw^T (P x P, symmetric).
  virtual double energy_gradient_hessian(const Eigen::VectorXd& w, Eigen::VectorXd& grad,
                                         Eigen::MatrixXd& hess) const = 0;

  /// Hessian alone; the default calls energy_gradient_hessian.
  Eigen::MatrixXd hessian(const Eigen::VectorXd& w) const;
  /// Gradient alone.
  Eigen::VectorXd gradient(const Eigen::VectorXd& w) const;
};

/// RMS of a gradient: |g| / sqrt(P), the convergence measure used throughout (GMIN/OPTIM).
inline double rms(const Eigen::VectorXd& g) {
  return g.size() == 0 ? 0.0 : g.norm() / std::sqrt(static_cast<double>(g.size()));
}

}  // namespace lossland
