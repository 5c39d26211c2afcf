#pragma once
/// \file
/// The two-dimensional Mueller-Brown surface (K. Mueller and L. D. Brown, Theor. Chim. Acta 53,
/// 75 (1979)), the standard test landscape for path and saddle searches: three minima joined by
/// two index-one saddles.

#include <Eigen/Core>
#include <vector>

#include "lossland/model/loss.hpp"

namespace lossland {

/// E(x, y) = sum_{k=1..4} A_k exp(q_k),
/// q_k = a_k (x - x0_k)^2 + b_k (x - x0_k)(y - y0_k) + c_k (y - y0_k)^2, with
/// A = (-200, -100, -170, 15), a = (-1, -1, -6.5, 0.7), b = (0, 0, 11, 0.6),
/// c = (-10, -10, -6.5, 0.7), x0 = (1, 0, -0.5, -1), y0 = (0, 0.5, 1.5, 1).
/// Gradient: dE/dx = sum_k E_k qx_k, dE/dy = sum_k E_k qy_k with E_k = A_k exp(q_k),
/// qx = 2a dx + b dy, qy = b dx + 2c dy. Hessian: sum_k E_k [[qx^2 + 2a, qx qy + b],
/// [qx qy + b, qy^2 + 2c]].
class MuellerBrown final : public Loss {
 public:
  /// A published stationary point (coordinates and energy to six decimals).
  struct Point {
    Eigen::Vector2d x;
    double energy;
  };

  int dim() const override { return 2; }
  double energy(const Eigen::VectorXd& w) const override;
  double energy_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& grad) const override;
  double energy_gradient_hessian(const Eigen::VectorXd& w, Eigen::VectorXd& grad,
                                 Eigen::MatrixXd& hess) const override;

  /// The three minima, lowest first: (-0.558224, 1.441726) E = -146.699509,
  /// (0.623499, 0.028038) E = -108.166724, (-0.050011, 0.466694) E = -80.767818.
  static const std::vector<Point>& minima();
  /// The two index-one saddles: (-0.822002, 0.624313) E = -40.664843 joins minima 0 and 2;
  /// (0.212487, 0.292988) E = -72.248941 joins minima 2 and 1.
  static const std::vector<Point>& saddles();
};

}  // namespace lossland
