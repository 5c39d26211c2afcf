#pragma once
/// \file
/// Private: the local model of the steepest-descent path follower (steepest_descent.cpp). At a
/// point x with gradient g and Hessian H = U diag(lambda) U^T, the local quadratic approximation
/// (LQA; M. Page and J. W. McIver Jr., J. Chem. Phys. 88, 922 (1988)) has the exact
/// steepest-descent path d(t) = -sum_i U_i F_i (1 - e^{-lambda_i t}) / lambda_i, F = U^T g. Here:
/// the point's evaluation, the LQA's step, time, arc length and closest approach, Newton polishing,
/// the round-off modes of a symmetric subspace, and the directions that leave a stationary point.

#include <Eigen/Core>
#include <limits>
#include <utility>
#include <vector>

#include "lossland/search/steepest_descent.hpp"

namespace lossland::detail::descent {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// E, g and the eigendecomposition of the exact Hessian at one point, with F = U^T g.
struct Local {
  Eigen::VectorXd x;
  double E = 0.0;
  Eigen::VectorXd g, lam, F;
  Eigen::MatrixXd U;
  bool finite = true;
  /// Round-off modes (see suppress_roundoff_modes): F_i set to 0, and the step back onto the
  /// subspace, -F_i / lambda_i, kept here (eigenbasis; empty when none); held[i] marks them.
  Eigen::VectorXd recentre;
  std::vector<char> held;
};

/// E, g and H at x, H diagonalised (hessians counts the evaluations); finite = false, and no
/// eigendecomposition, when any of them is not finite.
Local evaluate(const Loss& loss, const Eigen::VectorXd& x, int& hessians);

/// (1 - e^{-lambda t}) / lambda, the LQA's displacement per unit of -F_i (t for lambda = 0).
double phi(double lambda, double t);

/// The LQA displacement in the eigenbasis after time t (t = inf: the model's stationary point
/// along the modes with lambda > 0; a mode with F_i = 0 never moves).
Eigen::VectorXd lqa_step(const Local& l, double t);

/// The time at which the LQA path from l is a distance h from its start (|d(t)| grows with t),
/// to a relative 1e-6 in t: h is only the error control's target length, and the step taken is
/// the model's exact displacement at the t returned, so t needs no more digits.
/// Returns inf when the model's path never gets that far (it ends at the model's minimum).
double lqa_time(const Local& l, double h);

/// Arc length of the LQA path over [0, t]: integral of |g(tau)| = sqrt(sum F_i^2 e^{-2 lambda_i
/// tau)}, by Simpson's rule on geometrically growing panels (the integrand varies on the scales
/// 1/lambda_i, from the stiffest mode to the softest).
double lqa_arc_length(const Local& l, double t);

/// Newton steps -H^-1 g (valid at any non-degenerate stationary point) from l while they shrink
/// the gradient: to the rounding floor, or at most max_iterations. Returns the best point seen.
Local newton_polish(const Loss& loss, Local l, const PathOptions& o, int& hessians);

/// l as a stationary point: index = the number of eigenvalues below -cutoff.
PathStationary stationary(const Local& l, double cutoff);

/// Closest approach to the model's stationary point x* = x - H^-1 g along the model path:
/// d(t)^2 = sum_i (F_i / lambda_i)^2 e^{-2 lambda_i t}, which is convex in t. Returns
/// (t*, d(t*)); t* = 0 when the path is moving away from x*.
std::pair<double, double> closest_approach(const Local& l);

/// A path in a symmetric subspace (two equal hidden nodes, a dead node, inputs treated alike)
/// stays in it exactly and runs into the subspace's higher-index point; in floating point its
/// gradient along the point's negative modes is round-off, which the instability would amplify
/// into an arbitrary exit. A negative mode i whose offset from the subspace, |F_i / lambda_i|,
/// is at most subspace_tolerance max(1, |x|) is such a mode: its F_i is set to zero and the step
/// moves the point back onto the subspace (by -F_i / lambda_i), so round-off cannot accumulate.
void suppress_roundoff_modes(Local& l, const PathOptions& o);

/// Eigenvector u oriented so that its entry of largest magnitude is > 0; among entries whose
/// magnitudes agree to a relative 1e-8 (in a symmetric subspace entries come in pairs of equal
/// magnitude, equal only up to round-off) the first decides, so that round-off cannot flip the
/// orientation, and with it which of two twin minima a path names first.
Eigen::VectorXd oriented(const Eigen::VectorXd& u);

/// The push-off from the stationary point l along the unit eigenvector u of eigenvalue lambda
/// (see PathOptions::max_pushoff), or 0 when none qualifies.
double pushoff(const Loss& loss, const Local& l, const Eigen::VectorXd& u, double lambda,
               const PathOptions& o);

/// The directions a branch point's paths leave along: its `index` negative eigenvectors, except
/// that within a cluster of equal eigenvalues (relative 1e-8; symmetric copies of one mode, e.g.
/// two dead nodes) the solver's basis is arbitrary, so the cluster's eigenspace gets a basis of
/// its own: the projections of the coordinate axes, picked greedily by largest remaining norm
/// (first axis among equals) and orthonormalised. It depends on the eigenspace alone, and for
/// symmetric copies it gives one direction per copy.
Eigen::MatrixXd branch_directions(const Local& b, int index);

}  // namespace lossland::detail::descent
