/// Tests of the EI last-layer training step (Chen 2025, Algorithm 1; docs/ei.md): polarize above
/// capacity (every class-1 input a maximum, every class-0 input a minimum, checked by finite
/// differences), the database minimum reached, and the reproducible random hidden layer.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "lossland/db/landscape_index.hpp"

#include "analysis/ei_test_util.hpp"

namespace lossland::analysis {
namespace {

using namespace ei_test;

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

}  // namespace
}  // namespace lossland::analysis
