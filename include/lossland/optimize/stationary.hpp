#pragma once
/// \file
/// Classification of a stationary point from its Hessian spectrum (Mehta, Zhao, Bernal & Wales,
/// Phys. Rev. E 97, 052307 (2018), Sec. III: zero eigenvalues defined by a cutoff of 1e-9).

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

/// Default zero-eigenvalue cutoff (Mehta et al. 2018, Sec. III).
inline constexpr double kDefaultEigenCutoff = 1e-9;

/// The eigen cutoff must resolve the curvature that lambda alone gives: along directions the
/// data do not constrain, the Hessian of E + lambda |w|^2 has eigenvalues near 2 lambda, so a
/// cutoff at or near 2 lambda turns true minima into "non-Morse" points and lets numerical
/// noise decide (at lambda = 1e-9 with cutoff 1e-9, bh stored thousands of copies of 7 losses).
/// Throws std::invalid_argument, naming `cutoff_option`, unless lambda = 0 (no regularisation)
/// or 2 lambda >= kCutoffMargin * cutoff; the message gives the largest cutoff that would do.
inline constexpr double kCutoffMargin = 10.0;
void check_cutoff_resolves_lambda(double lambda, double cutoff,
                                  const std::string& cutoff_option = "--eigen-cutoff");

/// Hessian spectrum of `loss` at `x` and the kind of point it makes (the gradient is reported,
/// not judged: the caller decides whether x is stationary).
Classification classify(const Loss& loss, const Eigen::VectorXd& x,
                        double cutoff = kDefaultEigenCutoff, bool want_vectors = false);

}  // namespace lossland
