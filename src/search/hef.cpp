#include "lossland/search/hef.hpp"
#include "optimize/two_loop.hpp"
#include "util/require.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace lossland {

namespace {

/// Eigenvector-following step length along a mode with gradient component F and curvature e
/// (Munro & Wales Eq. 6): 2F / (|e| (1 + sqrt(1 + 4 F^2 / e^2))), which has the sign of F (uphill)
/// and tends to F/|e| (the Newton step up a negative mode) for small F. Requires e != 0.
double ef_step(double F, double e) {
  const double r = F / e;
  return 2 * F / (std::abs(e) * (1 + std::sqrt(1 + 4 * r * r)));
}

/// Counters of capped_lbfgs().
struct Counts {
  int steps = 0;
  int evaluations = 0;
};

/// GMIN/pele-style L-BFGS descent: up to `max_steps` steps until RMS(gradient) <= rms_tol, each
/// step capped at `max_step` (Euclidean) and halved (memory reset) until E falls or, within the
/// round-off of E (1e-13 max(1, |E|)), the gradient falls; it stops when neither happens.
/// When `v` is non-empty (unit vector) the gradient is projected orthogonal to it, so E is
/// minimised over x + span(v)^perp. `gamma` is the initial inverse-curvature guess. Updates x, E.
void capped_lbfgs(const Loss& loss, const Eigen::VectorXd& v, int max_steps, double rms_tol,
                  double max_step, double gamma, int memory, Eigen::VectorXd& x, double& E,
                  Counts& c) {
  auto project = [&](const Eigen::VectorXd& u) -> Eigen::VectorXd {
    return v.size() == 0 ? u : Eigen::VectorXd(u - u.dot(v) * v);
  };
  Eigen::VectorXd g, g_new, x_new;
  E = loss.energy_gradient(x, g);
  ++c.evaluations;
  Eigen::VectorXd gp = project(g);
  detail::LbfgsMemory lbfgs(memory, gamma);
  for (int step = 0; step < max_steps && rms(gp) > rms_tol; ++step) {
    Eigen::VectorXd d = project(lbfgs.direction(gp));
    if (d.dot(gp) >= 0) {
      lbfgs.forget();
      d = lbfgs.scaled_descent(gp);
    }
    if (d.norm() > max_step) d *= max_step / d.norm();
    const double noise = 1e-13 * std::max(1.0, std::abs(E));
    double E_new = 0.0;
    Eigen::VectorXd gp_new;
    bool accepted = false;
    for (int halving = 0; halving < 30 && !accepted; ++halving) {
      x_new = x + d;
      E_new = loss.energy_gradient(x_new, g_new);
      ++c.evaluations;
      gp_new = project(g_new);
      accepted = E_new < E - noise || (E_new <= E + noise && rms(gp_new) < rms(gp));
      if (!accepted) {
        d *= 0.5;
        lbfgs.forget();
      }
    }
    if (!accepted) return;  // no descent left at round-off
    lbfgs.remember(d, gp_new - gp);
    x = x_new;
    E = E_new;
    gp = gp_new;
    ++c.steps;
  }
}

}  // namespace

std::string to_string(HefStatus s) {
  switch (s) {
    case HefStatus::Converged:
      return "converged";
    case HefStatus::MaxIterations:
      return "max-iterations";
    case HefStatus::LostMode:
      return "lost-mode";
    case HefStatus::NonFinite:
      return "non-finite";
  }
  return "unknown";
}

void HefOptions::validate() const {
  const detail::FieldCheck require("HefOptions");
  require(rms_tolerance > 0 && rms_tolerance <= 1e-3, "rms_tolerance", "in (0, 1e-3]");
  require(eigen_cutoff > 0 && eigen_cutoff < 1, "eigen_cutoff", "in (0, 1)");
  require(max_iterations >= 1 && max_iterations <= 1000000, "max_iterations", "in [1, 1e6]");
  require(min_trust_radius > 0 && min_trust_radius <= max_trust_radius, "min_trust_radius",
          "in (0, max_trust_radius]");
  require(max_trust_radius >= min_trust_radius && std::isfinite(max_trust_radius),
          "max_trust_radius", "finite and >= min_trust_radius");
  require(trust_radius >= min_trust_radius && trust_radius <= max_trust_radius, "trust_radius",
          "in [min_trust_radius, max_trust_radius]");
  require(tangent_steps >= 0 && tangent_steps <= 1000, "tangent_steps", "in [0, 1000]");
  require(lbfgs_memory >= 1 && lbfgs_memory <= 100, "lbfgs_memory", "in [1, 100]");
  require(max_positive_iterations >= 1 && max_positive_iterations <= 1000000,
          "max_positive_iterations", "in [1, 1e6]");
}

HefResult hef(const Loss& loss, const Eigen::VectorXd& x0, const HefOptions& opt,
              const Eigen::VectorXd& direction) {
  opt.validate();
  const int p = loss.dim();
  if (x0.size() != p)
    throw std::invalid_argument("hef: x0 has " + std::to_string(x0.size()) +
                                " entries, the loss has " + std::to_string(p));
  if (direction.size() != 0 && (direction.size() != p || !(direction.norm() > 0)))
    throw std::invalid_argument("hef: direction must be empty or a non-zero vector of size " +
                                std::to_string(p));
  HefResult r;
  Eigen::VectorXd x = x0, g;
  Eigen::MatrixXd H;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig;
  Eigen::VectorXd followed;  // the mode followed last iteration, for its orientation
  if (direction.size() != 0) followed = direction.normalized();
  double trust = opt.trust_radius, last_rms = std::numeric_limits<double>::infinity();
  bool last_was_ef = false;
  int positive_run = 0;

  for (;;) {
    const double E = loss.energy_gradient_hessian(x, g, H);
    r.x = x;
    r.energy = E;
    r.grad_rms = rms(g);
    if (!std::isfinite(E) || !g.allFinite() || !H.allFinite()) {
      r.status = HefStatus::NonFinite;
      r.message = "the energy, gradient or Hessian became non-finite";
      return r;
    }
    eig.compute(H);
    const Eigen::VectorXd& lam = eig.eigenvalues();
    const Eigen::MatrixXd& U = eig.eigenvectors();
    r.eigenvalue = lam[0];
    r.eigenvector = U.col(0);

    // Converged: tight gradient at an index-one Morse point (the classify() criterion).
    const int index = int((lam.array() < -opt.eigen_cutoff).count());
    const int zeros = int((lam.array().abs() <= opt.eigen_cutoff).count());
    if (r.grad_rms <= opt.rms_tolerance && index == 1 && zeros == 0) {
      r.status = HefStatus::Converged;
      r.message.clear();
      return r;
    }
    if (r.iterations >= opt.max_iterations) {
      r.status = HefStatus::MaxIterations;
      r.message = "RMS gradient " + std::to_string(r.grad_rms) + " (index " +
                  std::to_string(index) + ") after " + std::to_string(r.iterations) + " iterations";
      return r;
    }
    ++r.iterations;
    if (last_was_ef)  // EF trust radius: judged by whether the gradient fell
      trust = std::clamp(r.grad_rms < last_rms ? trust * 1.5 : trust * 0.5, opt.min_trust_radius,
                         opt.max_trust_radius);
    last_rms = r.grad_rms;

    // The followed mode: the lowest, oriented like the previous one (or `direction`).
    Eigen::VectorXd v = U.col(0);
    if (followed.size() != 0 && v.dot(followed) < 0) v = -v;
    followed = v;
    const double e = lam[0];
    positive_run = e < 0 ? 0 : positive_run + 1;
    if (positive_run > opt.max_positive_iterations) {
      r.status = HefStatus::LostMode;
      r.message = "the followed eigenvalue stayed non-negative for " +
                  std::to_string(positive_run) + " iterations";
      return r;
    }

    // Full eigenvector-following (P-RFO form) when only the followed mode is negative.
    const Eigen::VectorXd F = U.transpose() * g;
    const bool one_negative = e < 0 && (p == 1 || lam[1] > 0);
    if (one_negative) {
      Eigen::VectorXd h(p);
      for (int i = 0; i < p; ++i) h[i] = i == 0 ? ef_step(F[i], lam[i]) : -ef_step(F[i], lam[i]);
      const Eigen::VectorXd step = U * h;
      if (step.norm() <= trust) {
        x += step;
        ++r.ef_iterations;
        last_was_ef = true;
        continue;
      }
    }
    last_was_ef = false;

    // Hybrid phase: uphill along v, then minimise in the tangent space.
    const double Fv = g.dot(v);
    const double up_sign = Fv >= 0 ? 1.0 : -1.0;
    double h = e < 0 ? ef_step(Fv, e) : up_sign * trust;
    if (std::abs(h) > trust) h = up_sign * trust;
    x += h * v;
    const double E_up = loss.energy(x);
    ++r.function_evaluations;
    const double predicted = Fv * h + 0.5 * e * h * h, actual = E_up - E;
    const double mismatch = predicted != 0 ? std::abs(actual / predicted - 1) : 0.0;
    if (mismatch < 0.25)
      trust = std::min(trust * 1.5, opt.max_trust_radius);
    else if (mismatch > 1)
      trust = std::max(trust * 0.5, opt.min_trust_radius);

    const double stiffest = lam.cwiseAbs().maxCoeff();
    double E_t = E_up;
    if (opt.tangent_steps > 0 && p > 1) {
      Counts c;
      capped_lbfgs(loss, v, opt.tangent_steps, opt.rms_tolerance, trust,
                   stiffest > 0 ? 1 / stiffest : 1.0, opt.lbfgs_memory, x, E_t, c);
      r.tangent_iterations += c.steps;
      r.function_evaluations += c.evaluations;
    }
  }
}

bool is_transition_state(const Loss& loss, const Eigen::VectorXd& x, double rms_tol,
                         double cutoff) {
  const Classification c = classify(loss, x, cutoff);
  return c.grad_rms <= rms_tol && c.kind == PointKind::TransitionState;
}

}  // namespace lossland
