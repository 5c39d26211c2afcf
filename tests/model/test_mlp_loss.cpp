#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "loss_fixture.hpp"
#include "lossland/model/mlp_loss.hpp"

using namespace lossland;

namespace {

/// A 3-input, 3-class set with random inputs: exercises I != 2 and O > 2.
Dataset random_three_class(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n01;
  Dataset d;
  d.name = "random3";
  d.num_classes = 3;
  d.inputs.resize(7, 3);
  d.labels.resize(7);
  for (int r = 0; r < 7; ++r) {
    for (int k = 0; k < 3; ++k) d.inputs(r, k) = n01(rng);
    d.labels[r] = r % 3;
  }
  return d;
}

Eigen::VectorXd random_point(int n, unsigned seed, double scale) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n01;
  Eigen::VectorXd x(n);
  for (int i = 0; i < n; ++i) x[i] = scale * n01(rng);
  return x;
}

/// Independent reference energy written with matrices, straight from Mehta et al. Eqs. 1-3.
double reference_energy(const Dataset& d, const ModelSpec& s, const Eigen::VectorXd& w) {
  const int I = s.inputs(), H = s.hidden(), O = s.outputs();
  Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>> W(w.data(), H, I);
  Eigen::Map<const Eigen::VectorXd> b(w.data() + H * I, H);
  Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>> V(w.data() + H * (I + 1), O, H);
  Eigen::Map<const Eigen::VectorXd> c(w.data() + H * (I + 1) + O * H, O);
  double loss = 0;
  for (int n = 0; n < d.num_samples(); ++n) {
    Eigen::VectorXd z = W * d.inputs.row(n).transpose() + b;
    Eigen::VectorXd h = z.unaryExpr([&](double t) {
      return s.activation == Activation::Tanh ? std::tanh(t) : 1 / (1 + std::exp(-t));
    });
    Eigen::VectorXd y = V * h + c;
    loss -= y[d.labels[n]] - std::log(y.array().exp().sum());
  }
  double pen = 0;
  if (s.regularize == Regularize::All)
    pen = w.squaredNorm();
  else
    pen = W.squaredNorm() + V.squaredNorm();
  return loss / d.num_samples() + s.lambda * pen;
}

}  // namespace

TEST(MlpLoss, ParameterCountMatchesDesign) {
  for (int H = 1; H <= 6; ++H) {
    ModelSpec s;
    s.layers = {2, H, 2};
    EXPECT_EQ(s.num_params(), 5 * H + 2);
  }
}

TEST(MlpLoss, ZeroWeightsGiveLogOfClassCount) {
  ModelSpec s;
  s.layers = {2, 3, 2};
  MlpLoss loss(xor_dataset(), s);
  EXPECT_NEAR(loss.energy(Eigen::VectorXd::Zero(loss.dim())), std::log(2.0), 1e-15);
  // The all-zero point is stationary for every H and lambda (Mehta et al. 2018, Sec. IV A).
  EXPECT_LT(loss.gradient(Eigen::VectorXd::Zero(loss.dim())).norm(), 1e-16);
}

TEST(MlpLoss, EnergyMatchesIndependentReference) {
  for (auto act : {Activation::Tanh, Activation::Sigmoid}) {
    for (auto reg : {Regularize::All, Regularize::Weights}) {
      for (int H = 1; H <= 6; ++H) {
        ModelSpec s{{2, H, 2}, act, reg, 1e-3};
        MlpLoss loss(xor_dataset(), s);
        const Eigen::VectorXd w = random_point(loss.dim(), 10 + H, 1.5);
        EXPECT_NEAR(loss.energy(w), reference_energy(loss.data(), s, w), 1e-13);
      }
    }
  }
}

TEST(MlpLoss, DerivativesMatchFiniteDifferences) {
  const Dataset sets[] = {xor_dataset(), random_three_class(3)};
  for (const Dataset& d : sets) {
    for (auto act : {Activation::Tanh, Activation::Sigmoid}) {
      for (auto reg : {Regularize::All, Regularize::Weights}) {
        for (int H = 1; H <= 6; ++H) {
          ModelSpec s{{d.num_inputs(), H, d.num_classes}, act, reg, 1e-2};
          MlpLoss loss(d, s);
          for (unsigned seed = 0; seed < 2; ++seed) {
            const Eigen::VectorXd w = random_point(loss.dim(), 100 * H + seed, 1.0);
            lossland::testing::expect_consistent_derivatives(
                loss, w, 1e-6,
                d.name + " " + to_string(act) + " " + to_string(reg) + " H=" + std::to_string(H));
          }
        }
      }
    }
  }
}

TEST(MlpLoss, PenaltyMaskFollowsRegularizeChoice) {
  ModelSpec s{{2, 2, 2}, Activation::Tanh, Regularize::Weights, 0.5};
  MlpLoss loss(xor_dataset(), s);
  const ParamLayout L = loss.layout();
  EXPECT_EQ(loss.penalty_mask()[L.b(1)], 0.0);
  EXPECT_EQ(loss.penalty_mask()[L.c(0)], 0.0);
  EXPECT_EQ(loss.penalty_mask()[L.W(1, 0)], 1.0);
  EXPECT_EQ(loss.penalty_mask()[L.V(1, 1)], 1.0);
  // Shifting both output biases equally leaves the data term unchanged: a zero mode when the
  // biases are not penalised (Mehta et al. 2018, Sec. III).
  Eigen::VectorXd w = random_point(loss.dim(), 5, 1.0), w2 = w;
  w2[L.c(0)] += 0.7;
  w2[L.c(1)] += 0.7;
  EXPECT_NEAR(loss.energy(w), loss.energy(w2), 1e-14);
}

TEST(MlpLoss, ProbabilitiesSumToOne) {
  ModelSpec s{{2, 4, 2}, Activation::Tanh, Regularize::All, 1e-3};
  MlpLoss loss(xor_dataset(), s);
  const Eigen::MatrixXd p =
      loss.probabilities(random_point(loss.dim(), 9, 2.0), xor_dataset().inputs);
  for (int r = 0; r < p.rows(); ++r) EXPECT_NEAR(p.row(r).sum(), 1.0, 1e-15);
}

TEST(MlpLoss, RejectsBadSpecNamingTheField) {
  ModelSpec s{{2, 0, 2}, Activation::Tanh, Regularize::All, 1e-3};
  try {
    MlpLoss loss(xor_dataset(), s);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("hidden"), std::string::npos) << e.what();
  }
  s.layers = {2, 2, 2};
  s.lambda = -1;
  EXPECT_THROW(MlpLoss(xor_dataset(), s), std::invalid_argument);
  s.lambda = 1e-3;
  s.layers = {3, 2, 2};
  try {
    MlpLoss loss(xor_dataset(), s);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("inputs"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_activation("relu"), std::invalid_argument);
  EXPECT_THROW(parse_regularize("none"), std::invalid_argument);
}
