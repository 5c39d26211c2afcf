/// Tests of the EI comparison (Chen 2025, Secs. 3-4; docs/ei.md): derivatives against
/// finite differences of MlpLoss::logits/probabilities, the rank rule on matrices of known rank,
/// stationary points of hand-built networks whose extrema are known in closed form, networks
/// with output weights chosen in null(A), polarize, a generic network where EI predicts nothing,
/// the /minima columns and the survey.
#include <gtest/gtest.h>

#include "test_tmpdir.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <filesystem>
#include <random>

#include "lossland/analysis/ei.hpp"
#include "lossland/analysis/ei_survey.hpp"
#include "lossland/analysis/metrics.hpp"
#include "lossland/db/database.hpp"
#include "lossland/optimize/minimizer.hpp"

namespace lossland::analysis {
namespace {

ModelSpec spec_of(int I, int H, Activation act = Activation::Tanh, double lambda = 1e-4) {
  ModelSpec s;
  s.layers = {I, H, 2};
  s.activation = act;
  s.lambda = lambda;
  return s;
}

Eigen::VectorXd random_vector(int n, unsigned seed, double scale = 1.0) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> nd(0.0, scale);
  Eigen::VectorXd v(n);
  for (int i = 0; i < n; ++i) v[i] = nd(gen);
  return v;
}

/// f(x) = y_1 - y_0 or p_1 from MlpLoss's own forward pass (independent of ei.cpp).
double forward(const MlpLoss& loss, const Eigen::VectorXd& w, const Eigen::VectorXd& x,
               DecisionFunction which) {
  const Eigen::MatrixXd X = x.transpose();
  if (which == DecisionFunction::Probability) return loss.probabilities(w, X)(0, 1);
  const Eigen::MatrixXd y = loss.logits(w, X);
  return y(0, 1) - y(0, 0);
}

Eigen::VectorXd fd_gradient(const MlpLoss& loss, const Eigen::VectorXd& w, const Eigen::VectorXd& x,
                            DecisionFunction which, double h = 1e-5) {
  Eigen::VectorXd g(x.size());
  for (int t = 0; t < x.size(); ++t) {
    Eigen::VectorXd xp = x, xm = x;
    xp[t] += h;
    xm[t] -= h;
    g[t] = (forward(loss, w, xp, which) - forward(loss, w, xm, which)) / (2 * h);
  }
  return g;
}

Eigen::MatrixXd fd_hessian(const MlpLoss& loss, const Eigen::VectorXd& w, const Eigen::VectorXd& x,
                           DecisionFunction which, double h = 1e-4) {
  const int I = static_cast<int>(x.size());
  Eigen::MatrixXd H(I, I);
  for (int s = 0; s < I; ++s)
    for (int t = 0; t < I; ++t) {
      auto at = [&](double ds, double dt) {
        Eigen::VectorXd y = x;
        y[s] += ds;
        y[t] += dt;
        return forward(loss, w, y, which);
      };
      H(s, t) = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h);
    }
  return H;
}

/// Kind from the signs of the finite-difference Hessian's eigenvalues.
InputPointKind fd_kind(const Eigen::MatrixXd& H, double cutoff) {
  const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(H).eigenvalues();
  if ((ev.array() < -cutoff).all()) return InputPointKind::Maximum;
  if ((ev.array() > cutoff).all()) return InputPointKind::Minimum;
  if ((ev.array().abs() <= cutoff).any()) return InputPointKind::Degenerate;
  return InputPointKind::Saddle;
}

/// Parameters with hidden layer `hidden` ([W | b]) and output rows V_0 = v0, V_1 = v0 + u.
Eigen::VectorXd with_outputs(const ModelSpec& spec, const Eigen::VectorXd& hidden,
                             const Eigen::VectorXd& v0, const Eigen::VectorXd& u, double c0,
                             double c1) {
  const ParamLayout L(spec);
  Eigen::VectorXd w(L.size());
  w.head(hidden.size()) = hidden;
  for (int j = 0; j < L.H; ++j) {
    w[L.V(0, j)] = v0[j];
    w[L.V(1, j)] = v0[j] + u[j];
  }
  w[L.c(0)] = c0;
  w[L.c(1)] = c1;
  return w;
}

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

// ---- EI training -------------------------------------------------------------------------

TEST(EiTrain, PolarizedSolutionAboveCapacityMakesClassesMaximaAndMinima) {
  const Dataset data = xor_dataset();
  const ModelSpec spec = spec_of(2, 14);
  const MlpLoss loss(data, spec);
  EiTrainOptions o;
  o.random_directions = 20000;
  o.seed = 5;
  const EiTrainResult t = ei_train_last_layer(loss, random_hidden_layer(spec, 2, 1.5), o);
  EXPECT_EQ(t.rank.rank, 8);
  EXPECT_EQ(t.rank.nullity, 6);
  ASSERT_EQ(t.status, EiTrainStatus::Polarized) << t.message;
  EXPECT_LT(t.start_residual, 1e-13);
  EXPECT_EQ(t.start_samples_polarized, 4);
  EXPECT_TRUE(t.start_termination);
  // Independent check of the start: each input stationary, of its class's kind, right side.
  const Eigen::MatrixXd p = loss.probabilities(t.start, data.inputs);
  double p_nearest = 1.0;
  for (int d = 0; d < 4; ++d) {
    const Eigen::VectorXd x = data.inputs.row(d).transpose();
    EXPECT_LT(fd_gradient(loss, t.start, x, DecisionFunction::LogitDifference).norm(), 1e-7);
    const auto want = data.labels[d] == 1 ? InputPointKind::Maximum : InputPointKind::Minimum;
    EXPECT_EQ(fd_kind(fd_hessian(loss, t.start, x, DecisionFunction::LogitDifference), 1e-9), want);
    EXPECT_EQ(p(d, 1) > 0.5, data.labels[d] == 1);
    p_nearest = std::min(p_nearest, std::max(p(d, 1), 1 - p(d, 1)));
  }
  // The documented scaling: the sample nearest the boundary at target_probability, unless
  // |u| reached its cap max_output_norm first (then it is nearer 0.5).
  const double u_norm = ei_output_directions(spec, t.start).norm();
  if (u_norm < o.max_output_norm * (1 - 1e-12))
    EXPECT_NEAR(p_nearest, o.target_probability, 1e-9);
  else
    EXPECT_LT(p_nearest, o.target_probability);
  EXPECT_LE(u_norm, o.max_output_norm * (1 + 1e-12));
  const EiAnalysis a = ei_analyze_point(loss, t.start);
  EXPECT_EQ(a.inputs_at_extrema, 4);
  // The quench goes downhill from there to a converged minimum.
  EXPECT_TRUE(t.quench.converged()) << t.quench.message;
  EXPECT_LT(t.quench.energy, t.start_energy);
  EXPECT_EQ(t.database_minimum, -1);
}

TEST(EiTrain, IdentifiesTheDatabaseMinimumReached) {
  const Dataset data = xor_dataset();
  const ModelSpec spec = spec_of(2, 3);
  const MlpLoss loss(data, spec);
  EiTrainOptions o;
  o.random_directions = 50;
  // First run: store the minimum it reaches; second identical run must find it.
  db::Landscape land;
  land.model = spec;
  land.dataset = data;
  db::LandscapeIndex index(land);
  const Eigen::VectorXd hidden = random_hidden_layer(spec, 9);
  const EiTrainResult t1 = ei_train_last_layer(loss, hidden, o, &index);
  ASSERT_TRUE(t1.quench.converged());
  EXPECT_EQ(t1.database_minimum, -1);
  db::StoredPoint sp;
  sp.energy = t1.quench.energy;
  sp.coords = t1.quench.x;
  sp.eigenvalues = Eigen::VectorXd::Zero(spec.num_params());
  index.add_minimum(sp);
  const EiTrainResult t2 = ei_train_last_layer(loss, hidden, o, &index);
  EXPECT_EQ(t2.database_minimum, 0);
}

TEST(EiTrain, RandomHiddenLayerIsReproducible) {
  const ModelSpec spec = spec_of(2, 4);
  const Eigen::VectorXd a = random_hidden_layer(spec, 7), b = random_hidden_layer(spec, 7);
  EXPECT_EQ(a.size(), 12);
  EXPECT_EQ((a - b).norm(), 0.0);
  EXPECT_GT((a - random_hidden_layer(spec, 8)).norm(), 0.0);
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

// ---- database columns and the survey ------------------------------------------------------

db::Landscape small_landscape(int H, double lambda, int minima, unsigned seed) {
  db::Landscape land;
  land.model = spec_of(2, H, Activation::Tanh, lambda);
  land.dataset = xor_dataset();
  land.created_by = "test";
  const MlpLoss loss(land.dataset, land.model);
  for (int m = 0; m < minima; ++m) {
    const MinimizerResult r = minimize(loss, random_vector(land.num_params(), seed + m, 1.0));
    db::StoredPoint p;
    p.energy = r.energy;
    p.coords = r.x;
    p.grad_rms = r.grad_rms;
    p.eigenvalues = Eigen::VectorXd::Zero(land.num_params());
    land.minima.push_back(p);
  }
  return land;
}

TEST(EiColumns, StoredAndReadBack) {
  db::Landscape land = small_landscape(3, 1e-3, 3, 40);
  const std::vector<EiAnalysis> res = ei_analyze_landscape(land);
  ei_store_columns(land, res);
  const lossland::testing::TempDir dir("test_ei_columns");
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "x.h5").string();
  db::write(path, land);
  const db::Landscape back = db::read(path);
  for (const char* name : {"ei_rank", "ei_nullity", "ei_residual", "ei_predicted_solution",
                           "ei_stationary_points", "ei_inputs_at_extrema"}) {
    ASSERT_TRUE(back.minima_columns.count(name)) << name;
    EXPECT_EQ(back.minima_columns.at(name).rows(), 3) << name;
  }
  for (int m = 0; m < 3; ++m) {
    EXPECT_EQ(back.minima_columns.at("ei_rank")(m, 0), res[m].rank.rank);
    EXPECT_EQ(back.minima_columns.at("ei_residual")(m, 0), res[m].residual);
    EXPECT_EQ(back.minima_columns.at("ei_stationary_points")(m, 0),
              static_cast<double>(res[m].stationary_points.size()));
    EXPECT_EQ(back.minima_columns.at("ei_inputs_at_extrema")(m, 0), res[m].inputs_at_extrema);
  }
  EXPECT_EQ(back.minima_columns.at("ei_singular_values").cols(), 3);
  std::vector<EiAnalysis> wrong(2);
  EXPECT_THROW(ei_store_columns(land, wrong), std::invalid_argument);
}

TEST(EiSurvey, RowsSummariseEachFileAndTheFigureIsDrawn) {
  const lossland::testing::TempDir dir("test_ei_survey");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_THROW(ei_survey(dir.string()), std::invalid_argument);  // no *.h5 yet
  EXPECT_THROW(ei_survey((dir / "missing").string()), std::invalid_argument);
  const db::Landscape a = small_landscape(2, 1e-2, 3, 50), b = small_landscape(3, 1e-4, 2, 60);
  db::write((dir / "zz_first.h5").string(), a);  // names do not decide the order
  db::write((dir / "aa_second.h5").string(), b);
  const auto rows = ei_survey(dir.string());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].hidden, 2);
  EXPECT_EQ(rows[1].hidden, 3);
  EXPECT_EQ(rows[0].lambda, 1e-2);
  EXPECT_EQ(rows[0].threshold, 8);
  EXPECT_FALSE(rows[0].ei_capacity);
  EXPECT_EQ(rows[0].minima, 3);
  // The fraction that fits, by direct evaluation of the AUC.
  const MlpLoss loss(a.dataset, a.model);
  int fit = 0;
  for (const auto& m : a.minima)
    fit += training_auc(loss.probabilities(m.coords, a.dataset.inputs), a.dataset.labels, 1e-12) ==
           1.0;
  EXPECT_DOUBLE_EQ(rows[0].fraction_fit, fit / 3.0);
  EXPECT_GE(rows[0].fraction_inputs_at_extrema, 0.0);
  EXPECT_LE(rows[0].fraction_inputs_at_extrema, 1.0);
  EXPECT_GT(rows[0].median_residual, 0.0);
  const std::string png = (dir / "fig.png").string();
  draw_ei_survey(rows, png);
  EXPECT_GT(std::filesystem::file_size(png), 1000u);
  EXPECT_THROW(draw_ei_survey({}, png), std::invalid_argument);
  EXPECT_THROW(draw_ei_survey(rows, (dir / "fig.bmp").string()), std::invalid_argument);
}

}  // namespace
}  // namespace lossland::analysis
