/// Tests of the EI algebra (Chen 2025, Secs. 3-4; docs/ei.md): the decision function's
/// derivatives against finite differences of MlpLoss::logits/probabilities, the EI matrix against
/// them, the rank rule on matrices of known rank, the residual by hand, and the options' checks.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <string>

#include "analysis/ei_test_util.hpp"

namespace lossland::analysis {
namespace {

using namespace ei_test;

// ---- derivatives -----------------------------------------------------------------------------

TEST(EiDerivatives, LogitDifferenceAndProbabilityMatchFiniteDifferences) {
  for (Activation act : {Activation::Tanh, Activation::Sigmoid}) {
    const ModelSpec spec = spec_of(2, 3, act);
    const MlpLoss loss(xor_dataset(), spec);
    const Eigen::VectorXd w = random_vector(spec.num_params(), 11, 1.5);
    for (unsigned s = 0; s < 4; ++s) {
      const Eigen::VectorXd x = random_vector(2, 100 + s);
      for (DecisionFunction which :
           {DecisionFunction::LogitDifference, DecisionFunction::Probability}) {
        const DecisionDerivatives d = decision_derivatives(spec, w, x, which);
        EXPECT_NEAR(d.value, forward(loss, w, x, which), 1e-12);
        EXPECT_LT((d.gradient - fd_gradient(loss, w, x, which)).norm(), 1e-8);
        EXPECT_LT((d.hessian - fd_hessian(loss, w, x, which)).norm(), 1e-6);
      }
    }
  }
}

TEST(EiMatrix, TimesOutputDifferenceIsTheInputGradientAtEachSample) {
  // (A u)_(d, .) = grad_x f(x_d) (docs/ei.md); u = e_j probes column j alone.
  for (Activation act : {Activation::Tanh, Activation::Sigmoid}) {
    const ModelSpec spec = spec_of(2, 4, act);
    const Dataset data = xor_dataset();
    const MlpLoss loss(data, spec);
    const Eigen::VectorXd hidden = random_vector(12, 5, 1.2);
    Eigen::MatrixXd A = ei_matrix(
        spec, with_outputs(spec, hidden, Eigen::VectorXd::Zero(4), Eigen::VectorXd::Ones(4), 0, 0),
        data.inputs);
    ASSERT_EQ(A.rows(), 8);
    ASSERT_EQ(A.cols(), 4);
    for (int j = 0; j < 5; ++j) {
      const Eigen::VectorXd u =
          j < 4 ? Eigen::VectorXd(Eigen::VectorXd::Unit(4, j)) : random_vector(4, 77);
      const Eigen::VectorXd w = with_outputs(spec, hidden, random_vector(4, 3), u, 0.3, -0.2);
      EXPECT_LT((ei_output_directions(spec, w) - u).norm(), 1e-15);
      const Eigen::VectorXd Au = A * u;
      for (int d = 0; d < 4; ++d) {
        const Eigen::VectorXd x = data.inputs.row(d).transpose();
        EXPECT_LT(
            (Au.segment(2 * d, 2) - fd_gradient(loss, w, x, DecisionFunction::LogitDifference))
                .norm(),
            1e-8)
            << "column/probe " << j << " sample " << d;
      }
    }
  }
}

// ---- rank and residual -------------------------------------------------------------------

TEST(EiRank, MatricesOfKnownRank) {
  Eigen::MatrixXd D = Eigen::MatrixXd::Zero(4, 3);
  D(0, 0) = 5;
  D(1, 1) = 1;
  D(2, 2) = 1e-12;  // below 1e-8 * 5: numerically zero
  RankReport r = rank_report(D, 1e-8);
  EXPECT_EQ(r.rank, 2);
  EXPECT_EQ(r.nullity, 1);
  ASSERT_EQ(r.null_space.cols(), 1);
  EXPECT_NEAR(std::abs(r.null_space(2, 0)), 1.0, 1e-12);
  EXPECT_NEAR(std::abs(r.least_singular_vector[2]), 1.0, 1e-12);

  // Product of an 8x3 and a 3x5 random matrix: rank 3, null space of dimension 2.
  const Eigen::MatrixXd P = Eigen::Map<const Eigen::MatrixXd>(random_vector(24, 1).data(), 8, 3) *
                            Eigen::Map<const Eigen::MatrixXd>(random_vector(15, 2).data(), 3, 5);
  r = rank_report(P, 1e-8);
  EXPECT_EQ(r.rank, 3);
  EXPECT_EQ(r.nullity, 2);
  EXPECT_LT((P * r.null_space).norm(), 1e-12 * P.norm());
  EXPECT_LT((r.null_space.transpose() * r.null_space - Eigen::MatrixXd::Identity(2, 2)).norm(),
            1e-12);
  // More columns than rows: nullity at least cols - rows.
  r = rank_report(
      Eigen::MatrixXd(Eigen::Map<const Eigen::MatrixXd>(random_vector(8, 3).data(), 2, 4)), 1e-8);
  EXPECT_EQ(r.rank, 2);
  EXPECT_EQ(r.nullity, 2);
  // The zero matrix has rank 0.
  EXPECT_EQ(rank_report(Eigen::MatrixXd::Zero(3, 2), 1e-8).rank, 0);
}

TEST(EiResidual, SpectralNormRatioByHand) {
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(2, 2);
  A(0, 0) = 2;
  A(1, 1) = 1;
  EXPECT_NEAR(ei_residual(A, Eigen::Vector2d(0, 3)), 0.5, 1e-15);  // |Au| = 3, |A|_2 |u| = 6
  EXPECT_NEAR(ei_residual(A, Eigen::Vector2d(1, 0)), 1.0, 1e-15);
  EXPECT_NEAR(ei_residual(A, Eigen::Vector2d(1, 1)), std::sqrt(5.0) / (2 * std::sqrt(2.0)), 1e-15);
  EXPECT_EQ(ei_residual(A, Eigen::Vector2d(0, 0)), 1.0);  // u = 0 is not an EI solution
}

// ---- options and errors ------------------------------------------------------------------

TEST(EiOptionsTest, ValidateNamesTheField) {
  EiOptions o;
  o.rank_rtol = 0;
  try {
    o.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rank_rtol"), std::string::npos);
  }
  o = {};
  o.box_low = 2;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  EiTrainOptions t;
  t.target_probability = 0.5;
  try {
    t.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("target_probability"), std::string::npos);
  }
  const ModelSpec spec = spec_of(2, 3);
  EXPECT_THROW(decision_derivatives(spec, Eigen::VectorXd::Zero(3), Eigen::Vector2d(0, 0)),
               std::invalid_argument);
}

}  // namespace
}  // namespace lossland::analysis
