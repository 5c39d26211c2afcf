#pragma once
/// Shared derivative checks for every Loss (pele's PotentialTest): the analytic gradient against
/// central differences of the energy, the analytic Hessian against central differences of the
/// analytic gradient, and energy_gradient/energy_gradient_hessian agreeing with energy().

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <string>

#include "lossland/model/loss.hpp"

namespace lossland::testing {

/// Central-difference gradient of E with step h.
inline Eigen::VectorXd numeric_gradient(const Loss& loss, const Eigen::VectorXd& x, double h) {
  Eigen::VectorXd g(x.size()), xp = x, xm = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    xp[i] = x[i] + h;
    xm[i] = x[i] - h;
    g[i] = (loss.energy(xp) - loss.energy(xm)) / (2 * h);
    xp[i] = xm[i] = x[i];
  }
  return g;
}

/// Central-difference Hessian from the analytic gradient with step h.
inline Eigen::MatrixXd numeric_hessian(const Loss& loss, const Eigen::VectorXd& x, double h) {
  const Eigen::Index n = x.size();
  Eigen::MatrixXd H(n, n);
  Eigen::VectorXd xp = x, xm = x, gp, gm;
  for (Eigen::Index i = 0; i < n; ++i) {
    xp[i] = x[i] + h;
    xm[i] = x[i] - h;
    loss.energy_gradient(xp, gp);
    loss.energy_gradient(xm, gm);
    H.col(i) = (gp - gm) / (2 * h);
    xp[i] = xm[i] = x[i];
  }
  return H;
}

/// Asserts the derivatives of `loss` at x agree with finite differences to `tol`, measured
/// relative to max(1, the largest entry).
inline void expect_consistent_derivatives(const Loss& loss, const Eigen::VectorXd& x,
                                          double tol = 1e-6, const std::string& where = "") {
  SCOPED_TRACE(where);
  Eigen::VectorXd g, g2;
  Eigen::MatrixXd H;
  const double e0 = loss.energy(x);
  const double e1 = loss.energy_gradient(x, g);
  const double e2 = loss.energy_gradient_hessian(x, g2, H);
  ASSERT_EQ(g.size(), loss.dim());
  ASSERT_EQ(H.rows(), loss.dim());
  EXPECT_NEAR(e0, e1, 1e-14 * std::max(1.0, std::abs(e0)));
  EXPECT_NEAR(e0, e2, 1e-14 * std::max(1.0, std::abs(e0)));
  EXPECT_LE((g - g2).cwiseAbs().maxCoeff(), 1e-14 * std::max(1.0, g.cwiseAbs().maxCoeff()));
  const Eigen::VectorXd gn = numeric_gradient(loss, x, 1e-6);
  const double gscale = std::max(1.0, g.cwiseAbs().maxCoeff());
  EXPECT_LE((g - gn).cwiseAbs().maxCoeff() / gscale, tol)
      << "analytic " << g.transpose() << "\nnumeric  " << gn.transpose();
  const Eigen::MatrixXd Hn = numeric_hessian(loss, x, 1e-6);
  const double hscale = std::max(1.0, H.cwiseAbs().maxCoeff());
  EXPECT_LE((H - Hn).cwiseAbs().maxCoeff() / hscale, tol);
  EXPECT_LE((H - H.transpose()).cwiseAbs().maxCoeff(), 1e-13 * hscale) << "Hessian not symmetric";
}

}  // namespace lossland::testing
