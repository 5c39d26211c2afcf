#include "lossland/optimize/stationary.hpp"

#include <fmt/format.h>
#include <cstdio>
#include <stdexcept>

#include <Eigen/Eigenvalues>

namespace lossland {

std::string to_string(PointKind k) {
  switch (k) {
    case PointKind::Minimum:
      return "minimum";
    case PointKind::TransitionState:
      return "transition-state";
    case PointKind::HigherSaddle:
      return "higher-saddle";
    case PointKind::NonMorse:
      return "non-morse";
  }
  return "unknown";
}

Classification classify(const Loss& loss, const Eigen::VectorXd& x, double cutoff,
                        bool want_vectors) {
  Classification c;
  Eigen::VectorXd g;
  Eigen::MatrixXd h;
  c.energy = loss.energy_gradient_hessian(x, g, h);
  c.grad_rms = rms(g);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(
      h, want_vectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
  c.eigenvalues = eig.eigenvalues();
  if (want_vectors) c.eigenvectors = eig.eigenvectors();
  for (Eigen::Index i = 0; i < c.eigenvalues.size(); ++i) {
    const double v = c.eigenvalues[i];
    if (v < -cutoff)
      ++c.index;
    else if (v <= cutoff)
      ++c.num_zero;
  }
  if (c.num_zero > 0)
    c.kind = PointKind::NonMorse;
  else if (c.index == 0)
    c.kind = PointKind::Minimum;
  else if (c.index == 1)
    c.kind = PointKind::TransitionState;
  else
    c.kind = PointKind::HigherSaddle;
  return c;
}

void check_cutoff_resolves_lambda(double lambda, double cutoff, const std::string& cutoff_option) {
  if (!(lambda > 0) || 2.0 * lambda >= kCutoffMargin * cutoff) return;
  throw std::invalid_argument(
      fmt::format("lambda = {:g} puts the Hessian eigenvalues of unconstrained directions at about "
                  "2 lambda = {:g}, within a factor {:g} of {} {:g}, so minima cannot be told from "
                  "non-Morse points: use {} {:g} or smaller (with a tighter --rms-tolerance), or "
                  "lambda >= {:g}",
                  lambda, 2.0 * lambda, kCutoffMargin, cutoff_option, cutoff, cutoff_option,
                  2.0 * lambda / kCutoffMargin, kCutoffMargin * cutoff / 2.0));
}

}  // namespace lossland
