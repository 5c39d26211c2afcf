#include "lossland/optimize/minimizer.hpp"
#include "util/require.hpp"

#include <LBFGS.h>
#include <fmt/format.h>
#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

namespace lossland {

namespace {

/// Adapter from an LbfgsProblem to the functor LBFGS++ expects. It remembers the lowest point
/// it has seen, because LBFGS++ throws (and loses its iterate) when a line search stalls.
class LbfgsFunctor {
 public:
  explicit LbfgsFunctor(LbfgsProblem& problem) : problem_(problem) {}
  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    ++evaluations;
    const double f = problem_.value_gradient(x, grad);
    if (!std::isfinite(f) || !grad.allFinite()) {
      // +inf makes the line search back off; only a non-finite final point is reported.
      grad.setZero();
      return std::numeric_limits<double>::infinity();
    }
    if (f < best_f || (f == best_f && rms(grad) < best_rms)) {
      best_f = f;
      best_rms = rms(grad);
      best_x = x;
    }
    return f;
  }
  int evaluations = 0;
  double best_f = std::numeric_limits<double>::infinity();
  double best_rms = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_x;

 private:
  LbfgsProblem& problem_;
};

/// Newton iterations with the exact Hessian; a step is accepted when it lowers the energy or,
/// once the energy changes fall below round-off, the gradient. Leaves the Hessian at r.x in `h`.
/// Returns false if it stopped at a point whose Hessian is not positive definite.
bool newton_polish(const Loss& loss, const MinimizerOptions& opt, MinimizerResult& r,
                   Eigen::MatrixXd& h) {
  Eigen::VectorXd g, g_trial, x_trial;
  double e = loss.energy_gradient_hessian(r.x, g, h);
  ++r.function_evaluations;
  bool convex = true;
  for (int it = 0; it < opt.max_newton_iterations; ++it) {
    if (rms(g) <= opt.rms_tolerance) break;
    // Newton only where the Hessian is positive definite: elsewhere (a flat, non-convex region
    // whose gradient fell below the hand-over tolerance) the caller goes back to L-BFGS.
    Eigen::LLT<Eigen::MatrixXd> llt(h);
    if (llt.info() != Eigen::Success) {
      convex = false;
      break;
    }
    Eigen::VectorXd step = -llt.solve(g);
    const double norm = step.norm();
    if (norm > opt.max_newton_step) step *= opt.max_newton_step / norm;
    bool accepted = false;
    for (int halving = 0; halving < 30 && !accepted; ++halving) {
      x_trial = r.x + step;
      const double e_trial = loss.energy_gradient(x_trial, g_trial);
      ++r.function_evaluations;
      // Energy changes near a minimum fall below the round-off of E: there the gradient
      // decides, with the energy allowed to rise by no more than its round-off.
      const double noise = 1e-13 * std::max(1.0, std::abs(e));
      if (std::isfinite(e_trial) &&
          (e_trial < e - noise || (e_trial <= e + noise && rms(g_trial) < rms(g)))) {
        accepted = true;
      } else {
        step *= 0.5;
      }
    }
    ++r.newton_iterations;
    if (!accepted) break;  // round-off floor reached
    r.x = x_trial;
    e = loss.energy_gradient_hessian(r.x, g, h);
    ++r.function_evaluations;
  }
  r.energy = e;
  r.grad_rms = rms(g);
  return convex;
}

/// A start point off a saddle: x +- step v, whichever side is lower.
Eigen::VectorXd escape_saddle(const Loss& loss, const Eigen::VectorXd& x, const Eigen::VectorXd& v,
                              double step) {
  const Eigen::VectorXd d = step * v.normalized();
  return loss.energy(x + d) <= loss.energy(x - d) ? Eigen::VectorXd(x + d) : Eigen::VectorXd(x - d);
}

}  // namespace

std::string to_string(MinimizerStatus s) {
  switch (s) {
    case MinimizerStatus::Converged:
      return "converged";
    case MinimizerStatus::MaxIterations:
      return "max-iterations";
    case MinimizerStatus::LineSearchFailed:
      return "line-search-failed";
    case MinimizerStatus::NonFinite:
      return "non-finite";
  }
  return "unknown";
}

void MinimizerOptions::validate() const {
  const detail::FieldCheck require("MinimizerOptions");
  require(rms_tolerance > 0 && rms_tolerance <= 1e-3, "rms_tolerance", "in (0, 1e-3]");
  require(lbfgs_rms_tolerance >= rms_tolerance && lbfgs_rms_tolerance <= 1, "lbfgs_rms_tolerance",
          "in [rms_tolerance, 1]");
  require(lbfgs_memory >= 1 && lbfgs_memory <= 100, "lbfgs_memory", "in [1, 100]");
  require(max_lbfgs_iterations >= 1 && max_lbfgs_iterations <= 10000000, "max_lbfgs_iterations",
          "in [1, 1e7]");
  require(max_newton_iterations >= 0 && max_newton_iterations <= 1000, "max_newton_iterations",
          "in [0, 1000]");
  require(max_newton_step > 0 && std::isfinite(max_newton_step), "max_newton_step", "> 0");
  require(saddle_escape_cutoff > 0 && saddle_escape_cutoff < 1, "saddle_escape_cutoff",
          "in (0, 1)");
  require(saddle_escape_step > 0 && saddle_escape_step <= 10, "saddle_escape_step", "in (0, 10]");
  require(max_saddle_escapes >= 0 && max_saddle_escapes <= 100, "max_saddle_escapes",
          "in [0, 100]");
}

MinimizerResult lbfgs_minimize(LbfgsProblem& problem, const Eigen::VectorXd& x0, double rms_tol,
                               int max_iterations, int memory) {
  const int n = problem.dim();
  if (x0.size() != n) throw std::invalid_argument("lbfgs_minimize: x0 has the wrong size");
  MinimizerResult r;
  LBFGSpp::LBFGSParam<double> param;
  param.m = memory;
  param.epsilon = rms_tol * std::sqrt(static_cast<double>(std::max(n, 1)));
  param.epsilon_rel = 0.0;  // the default 1e-5 * |x| is far too loose for large weights
  param.max_iterations = max_iterations;
  param.max_linesearch = 64;
  LbfgsFunctor f(problem);
  Eigen::VectorXd x = x0;
  double fx = 0.0;
  r.status = MinimizerStatus::MaxIterations;
  try {
    // Backtracking to the (weak) Wolfe conditions: measured on XOR from N_h = 1..6 and
    // lambda = 1e-1..1e-6, the fewest evaluations and no failed line searches among LBFGS++'s
    // line searches (the bracketing and Nocedal-Wright searches stall on the soft modes).
    param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_WOLFE;
    LBFGSpp::LBFGSSolver<double, LBFGSpp::LineSearchBacktracking> solver(param);
    r.lbfgs_iterations = solver.minimize(f, x, fx);
    r.x = x;
    r.energy = fx;
  } catch (const std::exception& ex) {
    r.status = MinimizerStatus::LineSearchFailed;
    r.message = ex.what();
    r.x = f.best_x.size() == n ? f.best_x : x0;
  }
  Eigen::VectorXd g;
  r.energy = problem.value_gradient(r.x, g);
  r.function_evaluations = f.evaluations + 1;  // the line search's, and this one
  r.grad_rms = rms(g);
  if (!std::isfinite(r.energy) || !g.allFinite()) {
    r.status = MinimizerStatus::NonFinite;
    r.message = "the energy or gradient became non-finite";
  } else if (r.grad_rms <= rms_tol) {
    r.status = MinimizerStatus::Converged;
    r.message.clear();
  } else if (r.status == MinimizerStatus::MaxIterations) {
    r.message = "L-BFGS reached max iterations";
  }
  return r;
}

MinimizerResult minimize(const Loss& loss, const Eigen::VectorXd& x0,
                         const MinimizerOptions& options) {
  options.validate();
  if (x0.size() != loss.dim())
    throw std::invalid_argument("minimize: x0 has " + std::to_string(x0.size()) +
                                " entries, the loss has " + std::to_string(loss.dim()));
  LossProblem problem(loss);
  MinimizerResult total;
  Eigen::VectorXd start = x0;
  double lbfgs_tolerance = options.lbfgs_rms_tolerance;
  int escapes = 0;
  while (true) {
    MinimizerResult r = lbfgs_minimize(problem, start, lbfgs_tolerance,
                                       options.max_lbfgs_iterations, options.lbfgs_memory);
    total.lbfgs_iterations += r.lbfgs_iterations;
    total.function_evaluations += r.function_evaluations;
    total.saddle_escapes = escapes;
    if (r.status == MinimizerStatus::NonFinite) {
      total.status = r.status;
      total.message = r.message;
      total.x = r.x;
      total.energy = r.energy;
      total.grad_rms = r.grad_rms;
      return total;
    }
    const int lbfgs_evaluations = r.function_evaluations;
    Eigen::MatrixXd h;
    bool convex = true;
    if (options.max_newton_iterations > 0)
      convex = newton_polish(loss, options, r, h);
    else
      h = loss.hessian(r.x);
    total.newton_iterations += r.newton_iterations;
    total.function_evaluations += r.function_evaluations - lbfgs_evaluations;
    total.x = r.x;
    total.energy = r.energy;
    total.grad_rms = r.grad_rms;
    if (!std::isfinite(r.energy)) {
      total.status = MinimizerStatus::NonFinite;
      total.message = "the energy became non-finite";
      return total;
    }
    if (r.grad_rms > options.rms_tolerance && !convex) {
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(h);
      if (eig.eigenvalues()[0] < -options.saddle_escape_cutoff &&
          escapes < options.max_saddle_escapes) {
        // L-BFGS stalled by a saddle (a descent from a transition state can run into another
        // saddle along a symmetric subspace): step off it along its downhill mode.
        start = escape_saddle(loss, r.x, eig.eigenvectors().col(0), options.saddle_escape_step);
        ++escapes;
        lbfgs_tolerance = options.lbfgs_rms_tolerance;
        continue;
      }
      if (lbfgs_tolerance > options.rms_tolerance) {
        // Handed over in a flat region with no clear negative mode (gradients there can be
        // ~1e-8 at lambda = 1e-6): back to L-BFGS, 100x tighter, from here.
        lbfgs_tolerance = std::max(options.rms_tolerance, lbfgs_tolerance * 1e-2);
        start = r.x;
        continue;
      }
    }
    if (r.grad_rms > options.rms_tolerance) {
      total.status = (r.status == MinimizerStatus::LineSearchFailed ||
                      r.newton_iterations < options.max_newton_iterations)
                         ? MinimizerStatus::LineSearchFailed
                         : MinimizerStatus::MaxIterations;
      total.message = fmt::format("RMS gradient {:.3g} above the tolerance {:.3g}", r.grad_rms,
                                  options.rms_tolerance);
      return total;
    }
    // Converged: make sure it is not a saddle (a quench must end in a minimum). If H + c I
    // has a Cholesky factor no eigenvalue lies below -c; only otherwise is the spectrum needed.
    h.diagonal().array() += options.saddle_escape_cutoff;
    if (Eigen::LLT<Eigen::MatrixXd>(h).info() == Eigen::Success) {
      total.status = MinimizerStatus::Converged;
      total.message.clear();
      return total;
    }
    h.diagonal().array() -= options.saddle_escape_cutoff;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(h);
    const double lowest = eig.eigenvalues()[0];
    if (lowest >= -options.saddle_escape_cutoff || escapes >= options.max_saddle_escapes) {
      total.status = MinimizerStatus::Converged;
      total.message =
          lowest < -options.saddle_escape_cutoff ? "converged to a saddle; escapes exhausted" : "";
      return total;
    }
    start = escape_saddle(loss, r.x, eig.eigenvectors().col(0), options.saddle_escape_step);
    ++escapes;
    lbfgs_tolerance = options.lbfgs_rms_tolerance;
  }
}

}  // namespace lossland
