/// The input-space stationary points of a trained network's decision function (Chen,
/// ChinaXiv 202507.00082 (2025), Sec. 4; docs/ei.md): multistart Newton on a grid in the input
/// box, deduplicated, sorted and classified by their Hessian eigenvalues. See ei.hpp.
#include "lossland/analysis/ei.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "analysis/ei_internal.hpp"

namespace lossland::analysis {

using namespace ei_internal;

std::vector<InputStationaryPoint> input_stationary_points(const ModelSpec& spec,
                                                          const Eigen::VectorXd& w,
                                                          const EiOptions& options,
                                                          DecisionFunction which) {
  options.validate();
  check_params(spec, w);
  std::vector<InputStationaryPoint> found;
  const int I = spec.inputs();
  if (spec.outputs() != 2 || I > options.max_input_dim) return found;

  const Eigen::MatrixXd W = hidden_weights(spec, w);
  double dc = 0, g_scale = 0, h_scale = 0;
  const Eigen::VectorXd u = output_difference(spec, w, dc);
  derivative_scales(W, u, g_scale, h_scale);
  if (g_scale == 0.0) return found;  // f is constant: every point stationary, none isolated
  const double g_tol = options.gradient_rtol * g_scale;
  const double cutoff = options.eigen_rtol * h_scale;
  const double width = options.box_high - options.box_low;
  const double margin = 1e-9 * std::max(1.0, width);

  long long starts = 1;
  for (int k = 0; k < I; ++k) starts *= options.grid_per_dim;
  const double spacing = width / (options.grid_per_dim - 1);
  std::vector<Eigen::VectorXd> converged;
  for (long long s = 0; s < starts; ++s) {
    Eigen::VectorXd x(I);
    long long rest = s;
    for (int k = 0; k < I; ++k) {
      x[k] = options.box_low + spacing * static_cast<double>(rest % options.grid_per_dim);
      rest /= options.grid_per_dim;
    }
    bool ok = false;
    for (int it = 0; it <= options.max_newton_iterations; ++it) {
      const DecisionDerivatives fd = decision_derivatives(spec, w, x);
      if (fd.gradient.norm() <= g_tol) {
        ok = true;
        break;
      }
      if (it == options.max_newton_iterations) break;
      const DecisionDerivatives d =
          which == DecisionFunction::LogitDifference ? fd : decision_derivatives(spec, w, x, which);
      Eigen::JacobiSVD<Eigen::MatrixXd> svd(d.hessian, Eigen::ComputeFullU | Eigen::ComputeFullV);
      svd.setThreshold(1e-12);
      Eigen::VectorXd step = -svd.solve(d.gradient);
      const double n = step.norm();
      if (!std::isfinite(n) || n == 0.0) break;
      if (n > options.max_newton_step) step *= options.max_newton_step / n;
      x += step;
      if ((x.array() < options.box_low - 0.5 * width).any() ||
          (x.array() > options.box_high + 0.5 * width).any())
        break;
    }
    if (!ok) continue;
    if ((x.array() < options.box_low - margin).any() ||
        (x.array() > options.box_high + margin).any())
      continue;
    bool dup = false;
    for (const auto& y : converged)
      if ((y - x).norm() <= options.dedup_distance) {
        dup = true;
        break;
      }
    if (!dup) converged.push_back(x);
  }
  std::sort(converged.begin(), converged.end(),
            [](const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
              return std::lexicographical_compare(a.data(), a.data() + a.size(), b.data(),
                                                  b.data() + b.size());
            });
  for (const auto& x : converged) {
    const DecisionDerivatives d = decision_derivatives(spec, w, x);
    InputStationaryPoint p;
    p.x = x;
    p.value = d.value;
    p.probability = logistic(d.value);
    p.hessian_eigenvalues =
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(d.hessian, Eigen::EigenvaluesOnly)
            .eigenvalues();
    p.kind = kind_from_eigenvalues(p.hessian_eigenvalues, cutoff);
    found.push_back(std::move(p));
  }
  return found;
}

}  // namespace lossland::analysis
