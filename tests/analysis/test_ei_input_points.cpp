/// Tests of the input-space stationary points (Chen 2025, Sec. 4; docs/ei.md): hand-built
/// networks whose extrema are known in closed form, networks with output weights chosen in
/// null(A), and a generic network where EI predicts nothing.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "analysis/ei_test_util.hpp"

namespace lossland::analysis {
namespace {

using namespace ei_test;

// ---- stationary points of hand-built networks -------------------------------------------------

/// f(x) = s1 B(x1 - 0.5) + s2 B(x2 - 0.5) with the bump B(t) = tanh(t + 1) - tanh(t - 1).
/// B'(t) = sech^2(t+1) - sech^2(t-1) vanishes only at t = 0, where B has its maximum, so f has
/// exactly one stationary point, (0.5, 0.5): a maximum (s = +,+), a minimum (-,-) or a saddle.
Eigen::VectorXd bump_network(const ModelSpec& spec, double s1, double s2) {
  const ParamLayout L(spec);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(L.size());
  const double shift[2] = {1.0, -1.0};
  for (int j = 0; j < 4; ++j) {
    const int axis = j / 2;
    w[L.W(j, axis)] = 1.0;
    w[L.b(j)] = -0.5 + shift[j % 2];
    const double sign = (axis == 0 ? s1 : s2) * (j % 2 == 0 ? 1.0 : -1.0);
    w[L.V(1, j)] = 0.5 * sign;
    w[L.V(0, j)] = -0.5 * sign;
  }
  return w;
}

TEST(EiStationaryPoints, BumpNetworksHaveOneKnownPoint) {
  const ModelSpec spec = spec_of(2, 4);
  const MlpLoss loss(xor_dataset(), spec);
  struct Case {
    double s1, s2;
    InputPointKind kind;
  };
  for (const Case c : {Case{1, 1, InputPointKind::Maximum}, Case{-1, -1, InputPointKind::Minimum},
                       Case{1, -1, InputPointKind::Saddle}}) {
    const Eigen::VectorXd w = bump_network(spec, c.s1, c.s2);
    for (DecisionFunction which :
         {DecisionFunction::LogitDifference, DecisionFunction::Probability}) {
      const auto pts = input_stationary_points(spec, w, {}, which);
      ASSERT_EQ(pts.size(), 1u) << to_string(c.kind);
      EXPECT_LT((pts[0].x - Eigen::Vector2d(0.5, 0.5)).norm(), 1e-10);
      EXPECT_EQ(pts[0].kind, c.kind);
      // Closed form: Hess f = diag(s1 B''(0), s2 B''(0)), B''(0) = -4 tanh(1) sech^2(1).
      const double b2 = -4 * std::tanh(1.0) / std::pow(std::cosh(1.0), 2);
      Eigen::Vector2d expect(c.s1 * b2, c.s2 * b2);
      std::sort(expect.data(), expect.data() + 2);
      EXPECT_LT((pts[0].hessian_eigenvalues - expect).norm(), 1e-12);
      EXPECT_NEAR(pts[0].value, forward(loss, w, pts[0].x, DecisionFunction::LogitDifference),
                  1e-12);
    }
  }
  // A smaller box that excludes (0.5, 0.5) finds nothing.
  EiOptions o;
  o.box_low = 0.6;
  o.box_high = 1.5;
  EXPECT_TRUE(input_stationary_points(spec, bump_network(spec, 1, 1), o).empty());
}

// ---- output weights in the null space: EI's prediction holds by construction ---------------

TEST(EiNullSpace, HandBuiltNetworkAboveCapacityMakesEveryInputStationary) {
  // XOR has N*I = 8 equations per output; N_h = 10 > 8 leaves a 2-dimensional null space.
  const Dataset data = xor_dataset();
  for (Activation act : {Activation::Tanh, Activation::Sigmoid}) {
    const ModelSpec spec = spec_of(2, 10, act);
    const MlpLoss loss(data, spec);
    const Eigen::VectorXd hidden = random_vector(30, 21, 1.5);
    const Eigen::VectorXd probe =
        with_outputs(spec, hidden, Eigen::VectorXd::Zero(10), Eigen::VectorXd::Zero(10), 0, 0);
    const Eigen::MatrixXd A = ei_matrix(spec, probe, data.inputs);
    // Null vector by LU (independent of the SVD under test).
    const Eigen::MatrixXd K = Eigen::FullPivLU<Eigen::MatrixXd>(A).kernel();
    ASSERT_EQ(K.cols(), 2);
    const Eigen::VectorXd u = 3.0 * K.col(0).normalized() + 1.0 * K.col(1).normalized();
    const Eigen::VectorXd w = with_outputs(spec, hidden, random_vector(10, 4), u, 0.1, -0.4);

    const EiAnalysis r = ei_analyze_point(loss, w);
    EXPECT_EQ(r.rank.rank, 8);
    EXPECT_EQ(r.rank.nullity, 2);
    EXPECT_TRUE(r.predicted_solution);
    EXPECT_LT(r.residual, 1e-13);
    EXPECT_EQ(r.inputs_stationary, 4);
    ASSERT_TRUE(r.stationary_points_computed);
    ASSERT_EQ(r.inputs.size(), 4u);
    for (const auto& t : r.inputs) {
      const Eigen::VectorXd x = data.inputs.row(t.sample).transpose();
      // The input is a stationary point of f (finite differences of MlpLoss's logits) ...
      EXPECT_LT(fd_gradient(loss, w, x, DecisionFunction::LogitDifference).norm(), 1e-8);
      // ... and of p_1 = S(f) ...
      EXPECT_LT(fd_gradient(loss, w, x, DecisionFunction::Probability).norm(), 1e-8);
      // ... that the multistart found, of the kind the finite-difference Hessian says.
      EXPECT_LT(t.nearest_distance, 1e-8) << "sample " << t.sample;
      const Eigen::MatrixXd Hf = fd_hessian(loss, w, x, DecisionFunction::LogitDifference);
      const Eigen::MatrixXd Hp = fd_hessian(loss, w, x, DecisionFunction::Probability);
      EXPECT_EQ(t.nearest_kind, fd_kind(Hf, 1e-5));
      EXPECT_EQ(t.nearest_kind, fd_kind(Hp, 1e-5));  // same kinds for p_1
      EXPECT_EQ(t.at_predicted_extremum, t.nearest_kind == t.predicted);
    }
    // p_1 has the same stationary points (S is monotone).
    const auto pf = input_stationary_points(spec, w);
    const auto pp = input_stationary_points(spec, w, {}, DecisionFunction::Probability);
    for (const auto& p : pp) {
      double best = 1e9;
      for (const auto& q : pf) best = std::min(best, (p.x - q.x).norm());
      EXPECT_LT(best, 1e-7);
    }
    EXPECT_GE(pf.size(), 4u);
  }
}

TEST(EiNullSpace, DuplicatedHiddenNodeGivesRankDeficiencyBelowCapacity) {
  // Node 2 copies node 0: columns 0 and 2 of A are equal, so u = (1, 0, -1) solves A u = 0 and
  // rank(A) = 2 < N_h = 3 although N_h < N*I. That u cancels the two nodes: f is constant.
  const ModelSpec spec = spec_of(2, 3);
  const ParamLayout L(spec);
  Eigen::VectorXd hidden = random_vector(9, 8);
  hidden[L.W(2, 0)] = hidden[L.W(0, 0)];
  hidden[L.W(2, 1)] = hidden[L.W(0, 1)];
  hidden[L.b(2)] = hidden[L.b(0)];
  const MlpLoss loss(xor_dataset(), spec);
  const Eigen::VectorXd w =
      with_outputs(spec, hidden, random_vector(3, 9), Eigen::Vector3d(1, 0, -1), 0, 0);
  const EiAnalysis r = ei_analyze_point(loss, w);
  EXPECT_EQ(r.rank.rank, 2);
  EXPECT_EQ(r.rank.nullity, 1);
  EXPECT_TRUE(r.predicted_solution);
  EXPECT_LT(r.residual, 1e-15);
  ASSERT_EQ(r.rank.null_space.cols(), 1);
  EXPECT_NEAR(std::abs(r.rank.null_space(0, 0)), std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(r.rank.null_space(1, 0), 0.0, 1e-12);
  EXPECT_NEAR(r.rank.null_space(0, 0), -r.rank.null_space(2, 0), 1e-12);
  // That u cancels nodes 0 and 2 exactly: f is constant, every point stationary, none isolated;
  // the multistart reports them all as Degenerate.
  const auto pts = input_stationary_points(spec, w);
  EXPECT_FALSE(pts.empty());
  for (const auto& p : pts) EXPECT_EQ(p.kind, InputPointKind::Degenerate);
}

TEST(EiNullSpace, GenericNetworkBelowCapacityHasNoSolution) {
  // N_h = 3 < N*I = 8 with generic weights: A has full column rank, EI admits only u = 0.
  const ModelSpec spec = spec_of(2, 3);
  const MlpLoss loss(xor_dataset(), spec);
  const Eigen::VectorXd w = random_vector(spec.num_params(), 31, 1.3);
  const EiAnalysis r = ei_analyze_point(loss, w);
  EXPECT_EQ(r.rank.rank, 3);
  EXPECT_EQ(r.rank.nullity, 0);
  EXPECT_FALSE(r.predicted_solution);
  EXPECT_GT(r.residual, 1e-3);
  EXPECT_GT(r.rank.singular_values[2], 1e-3 * r.rank.singular_values[0]);
  EXPECT_LT(r.inputs_stationary, 4);

  EiTrainOptions o;
  o.random_directions = 100;
  const EiTrainResult t = ei_train_last_layer(loss, random_hidden_layer(spec, 3), o);
  EXPECT_EQ(t.status, EiTrainStatus::NoNullSpace);
  EXPECT_EQ(t.rank.nullity, 0);
  EXPECT_GT(t.start_residual, 0.0);
  // The start uses A's least singular direction: its residual is s_min / s_1.
  const auto& s = t.rank.singular_values;
  EXPECT_NEAR(t.start_residual, s[s.size() - 1] / s[0], 1e-12);
}

}  // namespace
}  // namespace lossland::analysis
