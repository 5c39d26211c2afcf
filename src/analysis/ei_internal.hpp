#pragma once
/// \file
/// Private helpers of the EI analysis (ei.cpp, ei_input_points.cpp, ei_analysis.cpp,
/// ei_training.cpp): parameter checks, the hidden weights as a matrix, the output difference
/// u = V_1 - V_0, the derivative scales and the kind of a point from its Hessian eigenvalues.

#include <Eigen/Core>
#include <cmath>
#include <string>

#include "lossland/analysis/ei.hpp"
#include "util/require.hpp"

namespace lossland::analysis::ei_internal {

using lossland::detail::require;

inline void check_params(const ModelSpec& spec, const Eigen::VectorXd& w) {
  require(spec.layers.size() == 3,
          "EI analysis: only networks with one hidden layer are implemented (layers has " +
              std::to_string(spec.layers.size()) + " entries)");
  require(w.size() == spec.num_params(),
          "EI analysis: parameter vector has " + std::to_string(w.size()) +
              " entries, the model needs " + std::to_string(spec.num_params()));
}

/// W as an H x I matrix.
inline Eigen::MatrixXd hidden_weights(const ModelSpec& spec, const Eigen::VectorXd& w) {
  const ParamLayout L(spec);
  Eigen::MatrixXd W(L.H, L.I);
  for (int j = 0; j < L.H; ++j)
    for (int k = 0; k < L.I; ++k) W(j, k) = w[L.W(j, k)];
  return W;
}

/// Scales of f's derivatives: g_scale = sum_j |u_j| |W_j.| bounds |grad f|; h_scale =
/// sum_j |u_j| |W_j.|^2 bounds |Hess f| up to max|act''| (<= 0.77 for tanh).
inline void derivative_scales(const Eigen::MatrixXd& W, const Eigen::VectorXd& u, double& g_scale,
                              double& h_scale) {
  g_scale = h_scale = 0.0;
  for (int j = 0; j < W.rows(); ++j) {
    const double n = W.row(j).norm();
    g_scale += std::abs(u[j]) * n;
    h_scale += std::abs(u[j]) * n * n;
  }
}

inline InputPointKind kind_from_eigenvalues(const Eigen::VectorXd& ev, double cutoff) {
  int neg = 0, pos = 0;
  for (int i = 0; i < ev.size(); ++i) {
    if (ev[i] < -cutoff)
      ++neg;
    else if (ev[i] > cutoff)
      ++pos;
    else
      return InputPointKind::Degenerate;
  }
  if (neg == ev.size()) return InputPointKind::Maximum;
  if (pos == ev.size()) return InputPointKind::Minimum;
  return InputPointKind::Saddle;
}

inline Eigen::VectorXd output_difference(const ModelSpec& spec, const Eigen::VectorXd& w,
                                         double& dc) {
  const ParamLayout L(spec);
  Eigen::VectorXd u(L.H);
  for (int j = 0; j < L.H; ++j) u[j] = w[L.V(1, j)] - w[L.V(0, j)];
  dc = w[L.c(1)] - w[L.c(0)];
  return u;
}

inline double logistic(double t) {
  return 1.0 / (1.0 + std::exp(-t));
}

}  // namespace lossland::analysis::ei_internal
