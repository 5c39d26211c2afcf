#pragma once
/// \file
/// A quench: minimise from a start point, then classify where it ended (what basin-hopping and
/// brute-force multistart do per start point).

#include <Eigen/Core>

#include "lossland/model/loss.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/stationary.hpp"

namespace lossland {

/// One quench classified.
struct Quench {
  MinimizerResult result;
  Classification classification;
  bool is_minimum(double rms_tolerance) const {
    return result.converged() && result.grad_rms <= rms_tolerance &&
           classification.kind == PointKind::Minimum;
  }
  /// Loss evaluations of the quench: minimize()'s, plus the Hessian of the classification.
  int evaluations() const { return result.function_evaluations + (result.converged() ? 1 : 0); }
};

/// minimize() from x0 with `minimizer`; when it converges, classify() the end point with
/// `eigen_cutoff`. Throws as minimize() does.
Quench quench(const Loss& loss, const Eigen::VectorXd& x0, const MinimizerOptions& minimizer,
              double eigen_cutoff);

}  // namespace lossland
