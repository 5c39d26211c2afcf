#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "loss_fixture.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/stationary.hpp"

using namespace lossland;

namespace {

/// E = 1/2 (x - m)^T A (x - m) with A = diag(1, 10, 100, 1e-6): a stiff quadratic whose softest
/// mode is as soft as the XOR landscape's 2 lambda at lambda = 5e-7.
class Quadratic final : public Loss {
 public:
  Quadratic() : a_(4), m_(4) {
    a_ << 1, 10, 100, 1e-6;
    m_ << 1, -2, 3, 0.5;
  }
  int dim() const override { return 4; }
  double energy(const Eigen::VectorXd& x) const override {
    return 0.5 * ((x - m_).array().square() * a_.array()).sum();
  }
  double energy_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) const override {
    g = a_.cwiseProduct(x - m_);
    return energy(x);
  }
  double energy_gradient_hessian(const Eigen::VectorXd& x, Eigen::VectorXd& g,
                                 Eigen::MatrixXd& h) const override {
    h = a_.asDiagonal();
    return energy_gradient(x, g);
  }
  Eigen::VectorXd a_, m_;
};

/// The Rosenbrock function (1 - x)^2 + 100 (y - x^2)^2, minimum at (1, 1).
class Rosenbrock final : public Loss {
 public:
  int dim() const override { return 2; }
  double energy(const Eigen::VectorXd& v) const override {
    return std::pow(1 - v[0], 2) + 100 * std::pow(v[1] - v[0] * v[0], 2);
  }
  double energy_gradient(const Eigen::VectorXd& v, Eigen::VectorXd& g) const override {
    g.resize(2);
    g[0] = -2 * (1 - v[0]) - 400 * v[0] * (v[1] - v[0] * v[0]);
    g[1] = 200 * (v[1] - v[0] * v[0]);
    return energy(v);
  }
  double energy_gradient_hessian(const Eigen::VectorXd& v, Eigen::VectorXd& g,
                                 Eigen::MatrixXd& h) const override {
    h.resize(2, 2);
    h(0, 0) = 2 - 400 * (v[1] - 3 * v[0] * v[0]);
    h(0, 1) = h(1, 0) = -400 * v[0];
    h(1, 1) = 200;
    return energy_gradient(v, g);
  }
};

/// A loss that becomes NaN away from the origin: the minimiser must report, not crash.
class Poisoned final : public Loss {
 public:
  int dim() const override { return 2; }
  double energy(const Eigen::VectorXd& x) const override {
    return x.norm() > 2 ? std::numeric_limits<double>::quiet_NaN() : -x.squaredNorm();
  }
  double energy_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) const override {
    g = -2 * x;
    return energy(x);
  }
  double energy_gradient_hessian(const Eigen::VectorXd& x, Eigen::VectorXd& g,
                                 Eigen::MatrixXd& h) const override {
    h = -2 * Eigen::MatrixXd::Identity(2, 2);
    return energy_gradient(x, g);
  }
};

}  // namespace

TEST(Minimizer, TestSurfacesHaveConsistentDerivatives) {
  lossland::testing::expect_consistent_derivatives(Quadratic(), Eigen::Vector4d(0.3, 1, -2, 4));
  lossland::testing::expect_consistent_derivatives(Rosenbrock(), Eigen::Vector2d(-1.2, 1));
}

TEST(Minimizer, StiffQuadraticToTightTolerance) {
  Quadratic q;
  const MinimizerResult r = minimize(q, Eigen::Vector4d(10, 10, 10, 10));
  EXPECT_EQ(r.status, MinimizerStatus::Converged) << r.message;
  EXPECT_LE(r.grad_rms, 1e-11);
  EXPECT_LE((r.x - q.m_).norm(), 1e-5);  // soft mode: |dx| <= |g| / 1e-6
  EXPECT_NEAR(r.energy, 0.0, 1e-16);
}

TEST(Minimizer, RosenbrockFromTheClassicStart) {
  const MinimizerResult r = minimize(Rosenbrock(), Eigen::Vector2d(-1.2, 1));
  EXPECT_EQ(r.status, MinimizerStatus::Converged) << r.message;
  EXPECT_NEAR(r.x[0], 1.0, 1e-9);
  EXPECT_NEAR(r.x[1], 1.0, 1e-9);
  EXPECT_GT(r.lbfgs_iterations, 10);
}

TEST(Minimizer, IterationCapIsAStatus) {
  MinimizerOptions o;
  o.max_lbfgs_iterations = 2;
  o.max_newton_iterations = 0;
  const MinimizerResult r = minimize(Rosenbrock(), Eigen::Vector2d(-1.2, 1), o);
  EXPECT_NE(r.status, MinimizerStatus::Converged);
  EXPECT_FALSE(r.converged());
  EXPECT_FALSE(r.message.empty());
}

TEST(Minimizer, NonFiniteEnergyIsAStatusNotACrash) {
  // Downhill runs into a NaN wall: the line search backs off, the run ends unconverged at a
  // finite point.
  MinimizerResult r = minimize(Poisoned(), Eigen::Vector2d(0.5, 0.1));
  EXPECT_FALSE(r.converged());
  EXPECT_TRUE(std::isfinite(r.energy));
  EXPECT_LE(r.x.norm(), 2.0);
  EXPECT_FALSE(r.message.empty());
  // Starting beyond the wall: non-finite from the start.
  r = minimize(Poisoned(), Eigen::Vector2d(3.0, 0.0));
  EXPECT_EQ(r.status, MinimizerStatus::NonFinite);
}

TEST(Minimizer, OptionsValidateNamesTheField) {
  MinimizerOptions o;
  o.rms_tolerance = -1;
  try {
    o.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rms_tolerance"), std::string::npos);
  }
  o = MinimizerOptions{};
  o.lbfgs_memory = 0;
  try {
    o.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("lbfgs_memory"), std::string::npos);
  }
  EXPECT_THROW(minimize(Rosenbrock(), Eigen::Vector3d(0, 0, 0)), std::invalid_argument);
}

TEST(Minimizer, XorQuenchesReachTightMinimaAtSmallLambda) {
  // lambda = 1e-6: the paper separates minima differing by ~1e-11 in loss.
  for (int H : {1, 2, 3, 6}) {
    ModelSpec s{{2, H, 2}, Activation::Tanh, Regularize::All, 1e-6};
    MlpLoss loss(xor_dataset(), s);
    std::mt19937 rng(H);
    std::normal_distribution<double> nd;
    int converged = 0;
    for (int k = 0; k < 20; ++k) {
      Eigen::VectorXd x(loss.dim());
      for (int i = 0; i < x.size(); ++i) x[i] = nd(rng);
      const MinimizerResult r = minimize(loss, x);
      if (!r.converged()) continue;
      ++converged;
      EXPECT_LE(r.grad_rms, 1e-11);
      const Classification c = classify(loss, r.x);
      EXPECT_EQ(c.kind, PointKind::Minimum) << "H=" << H << " lowest " << c.eigenvalues[0];
    }
    EXPECT_GE(converged, 18) << "H=" << H;
  }
}

TEST(Stationary, ClassifiesByTheSpectrum) {
  Quadratic q;
  Classification c = classify(q, q.m_);
  EXPECT_EQ(c.kind, PointKind::Minimum);
  EXPECT_NEAR(c.eigenvalues[0], 1e-6, 1e-18);
  // With a cutoff above the softest eigenvalue the same point is non-Morse.
  c = classify(q, q.m_, 1e-5);
  EXPECT_EQ(c.kind, PointKind::NonMorse);
  EXPECT_EQ(c.num_zero, 1);
  // The all-zero XOR point at lambda = 0 with weights-only penalty has an exact zero mode.
  ModelSpec s{{2, 2, 2}, Activation::Tanh, Regularize::Weights, 1e-3};
  MlpLoss loss(xor_dataset(), s);
  c = classify(loss, Eigen::VectorXd::Zero(loss.dim()));
  EXPECT_EQ(c.kind, PointKind::NonMorse);
}
