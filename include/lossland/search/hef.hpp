#pragma once
/// \file
/// Hybrid eigenvector-following to an index-one saddle (L. J. Munro and D. J. Wales, Phys. Rev.
/// B 59, 3969 (1999); Y. Kumeda, L. J. Munro and D. J. Wales, Chem. Phys. Lett. 341, 185
/// (2001)). The paths down from a saddle: lossland/search/steepest_descent.hpp.

#include <Eigen/Core>
#include <string>

#include "lossland/model/loss.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/stationary.hpp"

namespace lossland {

/// Options of hef(). Lengths are Euclidean in parameter space.
struct HefOptions {
  /// Convergence: RMS gradient at or below this, with exactly one eigenvalue below
  /// -eigen_cutoff and none in [-eigen_cutoff, eigen_cutoff]. Range (0, 1e-3].
  double rms_tolerance = 1e-10;
  /// Zero-eigenvalue cutoff of the final classification (as lossland::classify). Range (0, 1).
  double eigen_cutoff = kDefaultEigenCutoff;
  /// Macro-iteration cap (one exact Hessian each). Range [1, 1e6].
  int max_iterations = 500;
  /// Starting trust radius of the uphill / eigenvector-following step. Range
  /// [min_trust_radius, max_trust_radius].
  double trust_radius = 0.05;
  /// Smallest trust radius. Range (0, max_trust_radius].
  double min_trust_radius = 1e-8;
  /// Largest trust radius (pele's maxstep). Measured on Mueller-Brown: with 0.5 two of the four
  /// single-ended walks from minima 1 and 2 overshoot and are lost; 0.05 and 0.1 find all four.
  /// Range [min_trust_radius, inf).
  double max_trust_radius = 0.1;
  /// L-BFGS steps in the tangent space after each uphill step. Range [0, 1000].
  int tangent_steps = 10;
  /// L-BFGS history length of the tangent-space minimisation. Range [1, 100].
  int lbfgs_memory = 5;
  /// Give up (status LostMode) after this many macro-iterations in a row in which the followed
  /// eigenvalue is not negative. Range [1, 1e6].
  int max_positive_iterations = 100;

  /// Throws std::invalid_argument naming the offending field and its range.
  void validate() const;
};

enum class HefStatus {
  Converged,      ///< RMS gradient <= rms_tolerance at an index-one saddle
  MaxIterations,  ///< iteration cap reached first
  LostMode,       ///< the followed eigenvalue stayed non-negative (no saddle found uphill)
  NonFinite,      ///< E, gradient or Hessian became NaN/inf
};
std::string to_string(HefStatus s);

struct HefResult {
  HefStatus status = HefStatus::MaxIterations;
  std::string message;
  Eigen::VectorXd x;             ///< final point
  double energy = 0.0;           ///< E(x)
  double grad_rms = 0.0;         ///< RMS gradient at x
  double eigenvalue = 0.0;       ///< lowest Hessian eigenvalue at x
  Eigen::VectorXd eigenvector;   ///< its unit eigenvector
  int iterations = 0;            ///< macro-iterations (= exact Hessians)
  int ef_iterations = 0;         ///< of which full eigenvector-following (Newton) steps
  int tangent_iterations = 0;    ///< tangent-space L-BFGS steps
  int function_evaluations = 0;  ///< energy/gradient calls outside the Hessian evaluations
  bool converged() const { return status == HefStatus::Converged; }
};

/// Searches for an index-one saddle from `x0`. Each macro-iteration diagonalises the exact
/// Hessian (Eigen SelfAdjointEigenSolver) and, with (e, v) the lowest eigenpair (v oriented like
/// the previous iteration's, first like `direction` when given: that is the side the walk leaves
/// a minimum by where the gradient component along v vanishes) and F = g.v:
///  - hybrid phase: step uphill along v by h = 2F / (|e| (1 + sqrt(1 + 4F^2/e^2)))
///    (Munro & Wales Eq. 6; h has the sign of F, so E rises), a full trust-radius step uphill when
///    e >= 0; the trust radius grows (x1.5) when the actual energy change is within 25% of the
///    predicted F h + e h^2 / 2 and shrinks (x0.5) when it is off by more than 100%. Then up to
///    `tangent_steps` L-BFGS steps minimise E in the space orthogonal to v (projected gradient
///    g - (g.v) v, backtracking on E, steps capped by the trust radius);
///  - eigenvector-following phase, once the Hessian has exactly one negative eigenvalue, which is
///    the followed one, and the step below fits in the trust radius: every mode i takes
///    h_i = +-2F_i / (|e_i| (1 + sqrt(1 + 4F_i^2/e_i^2))) (P-RFO form, + for the followed mode,
///    - for the others), which tends to the Newton step -F_i/e_i, so the gradient converges
///    quadratically to rms_tolerance.
/// Throws std::invalid_argument for bad options or sizes; numerical trouble is a status.
HefResult hef(const Loss& loss, const Eigen::VectorXd& x0, const HefOptions& options = {},
              const Eigen::VectorXd& direction = Eigen::VectorXd());

/// True when x is a transition state: RMS gradient <= rms_tol and lossland::classify() gives
/// exactly one eigenvalue below -cutoff and none in [-cutoff, cutoff].
bool is_transition_state(const Loss& loss, const Eigen::VectorXd& x, double rms_tol,
                         double cutoff = kDefaultEigenCutoff);

}  // namespace lossland
