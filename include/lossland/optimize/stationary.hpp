#pragma once
/// \file
/// Classification of a stationary point from its Hessian spectrum (papers/004 Sec. III:
/// zero eigenvalues defined by a cutoff of 1e-9).

#include <Eigen/Core>
#include <string>

#include "lossland/model/loss.hpp"

namespace lossland {

enum class PointKind {
  Minimum,          ///< every eigenvalue > +cutoff
  TransitionState,  ///< exactly one eigenvalue < -cutoff, none in [-cutoff, cutoff]
  HigherSaddle,     ///< two or more eigenvalues < -cutoff, none in [-cutoff, cutoff]
  NonMorse,         ///< some eigenvalue in [-cutoff, cutoff]
};
std::string to_string(PointKind k);

struct Classification {
  PointKind kind = PointKind::NonMorse;
  int index = 0;                 ///< number of eigenvalues < -cutoff
  int num_zero = 0;              ///< number of eigenvalues in [-cutoff, cutoff]
  Eigen::VectorXd eigenvalues;   ///< ascending
  Eigen::MatrixXd eigenvectors;  ///< columns, same order (filled when requested)
  double energy = 0.0;
  double grad_rms = 0.0;
};

/// Default zero-eigenvalue cutoff (papers/004 Sec. III).
inline constexpr double kDefaultEigenCutoff = 1e-9;

/// Hessian spectrum of `loss` at `x` and the kind of point it makes (the gradient is reported,
/// not judged: the caller decides whether x is stationary).
Classification classify(const Loss& loss, const Eigen::VectorXd& x,
                        double cutoff = kDefaultEigenCutoff, bool want_vectors = false);

}  // namespace lossland
