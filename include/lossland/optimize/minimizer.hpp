#pragma once
/// \file
/// Local minimisation: L-BFGS (LBFGS++) to a moderate gradient, then Newton steps with the exact
/// Hessian to the tight tolerance (docs/loss.md). Non-convergence is a status, not a throw.

#include <Eigen/Core>
#include <string>

#include "lossland/model/loss.hpp"

namespace lossland {

/// Options of minimize(). Defaults are tight enough for lambda = 1e-6, where the XOR paper
/// separates points whose losses differ by ~1e-11 (Mehta et al., Phys. Rev. E 97,
/// 052307 (2018), Sec. III).
struct MinimizerOptions {
  /// Final convergence: RMS gradient |g|/sqrt(P) at or below this. Range (0, 1e-3].
  double rms_tolerance = 1e-11;
  /// L-BFGS hands over to Newton once the RMS gradient is below this. Range [rms_tolerance, 1].
  double lbfgs_rms_tolerance = 1e-7;
  /// L-BFGS history length m. Range [1, 100].
  int lbfgs_memory = 10;
  /// L-BFGS iteration cap. Range [1, 1e7].
  int max_lbfgs_iterations = 20000;
  /// Newton iteration cap for the final polish. Range [0, 1000]; 0 disables the polish.
  int max_newton_iterations = 60;
  /// Largest step (Euclidean norm) a single Newton step may take. Range (0, inf).
  double max_newton_step = 0.5;
  /// If the converged point has a negative Hessian eigenvalue below -this, step off along that
  /// mode and minimise again (a quench must end in a minimum). Range (0, 1).
  double saddle_escape_cutoff = 1e-9;
  /// Size of the step off a saddle along its downhill mode. Range (0, 10].
  double saddle_escape_step = 1e-2;
  /// How many times to escape a saddle before giving up. Range [0, 100].
  int max_saddle_escapes = 5;

  /// Throws std::invalid_argument naming the offending field and its range.
  void validate() const;
};

enum class MinimizerStatus {
  Converged,         ///< RMS gradient <= rms_tolerance
  MaxIterations,     ///< iteration caps reached first
  LineSearchFailed,  ///< round-off stalled the line search above the tolerance
  NonFinite,         ///< energy or gradient became NaN/inf (weights ran away)
};
std::string to_string(MinimizerStatus s);

/// What minimize() returns (a Ceres-style summary).
struct MinimizerResult {
  MinimizerStatus status = MinimizerStatus::MaxIterations;
  std::string message;
  Eigen::VectorXd x;      ///< final point
  double energy = 0.0;    ///< E(x)
  double grad_rms = 0.0;  ///< RMS gradient at x
  int lbfgs_iterations = 0;
  int newton_iterations = 0;
  int function_evaluations = 0;
  int saddle_escapes = 0;
  bool converged() const { return status == MinimizerStatus::Converged; }
};

/// Minimises `loss` from `x0`. Never throws for numerical trouble (that is a status); throws
/// std::invalid_argument for bad options or a size mismatch.
MinimizerResult minimize(const Loss& loss, const Eigen::VectorXd& x0,
                         const MinimizerOptions& options = {});

/// L-BFGS phase alone (no Newton, no saddle escape), to `rms_tol`, for callers that minimise
/// through the LbfgsProblem interface (plain training in src/analysis/training.cpp; the elastic
/// band has its own L-BFGS loop and does not call this).
struct LbfgsProblem {
  virtual ~LbfgsProblem() = default;
  virtual int dim() const = 0;
  virtual double value_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& grad) = 0;
};
MinimizerResult lbfgs_minimize(LbfgsProblem& problem, const Eigen::VectorXd& x0, double rms_tol,
                               int max_iterations, int memory = 10);

/// A Loss seen as an LbfgsProblem: value_gradient() is loss.energy_gradient(). Holds a reference:
/// the loss must outlive it.
class LossProblem final : public LbfgsProblem {
 public:
  explicit LossProblem(const Loss& loss) : loss_(loss) {}
  int dim() const override { return loss_.dim(); }
  double value_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& grad) override {
    return loss_.energy_gradient(x, grad);
  }

 private:
  const Loss& loss_;
};

}  // namespace lossland
