/// Basins of plain training: reproducible for a seed, consistent identification.
#include <gtest/gtest.h>

#include "lossland/analysis/training.hpp"
#include "lossland/model/symmetry.hpp"

using namespace lossland;
using namespace lossland::analysis;

namespace {

db::Landscape empty_xor(int hidden, double lambda) {
  db::Landscape land;
  land.model.layers = {2, hidden, 2};
  land.model.lambda = lambda;
  land.dataset = xor_dataset();
  return land;
}

}  // namespace

TEST(Training, InitialWeightsFollowTheDocumentedDistributions) {
  const ModelSpec spec = empty_xor(6, 1e-2).model;
  TrainingOptions o;
  o.init_scale = 2.0;
  double sum = 0, sum2 = 0;
  int n = 0;
  for (int k = 0; k < 400; ++k) {
    const Eigen::VectorXd w = initial_weights(spec, o, k);
    sum += w.sum();
    sum2 += w.squaredNorm();
    n += static_cast<int>(w.size());
  }
  EXPECT_NEAR(sum / n, 0.0, 0.05);              // 12800 draws: sd of mean ~0.018
  EXPECT_NEAR(std::sqrt(sum2 / n), 2.0, 0.05);  // sigma = init_scale
  EXPECT_EQ(initial_weights(spec, o, 3), initial_weights(spec, o, 3));
  EXPECT_NE(initial_weights(spec, o, 3), initial_weights(spec, o, 4));

  o.init = InitDistribution::GlorotUniform;
  o.init_scale = 1.0;
  const ParamLayout L(spec);
  const double a_w = std::sqrt(6.0 / (2 + 6)), a_v = std::sqrt(6.0 / (6 + 2));
  const Eigen::VectorXd w = initial_weights(spec, o, 0);
  for (int j = 0; j < 6; ++j) {
    EXPECT_EQ(w[L.b(j)], 0.0);
    for (int k = 0; k < 2; ++k) EXPECT_LE(std::abs(w[L.W(j, k)]), a_w);
    for (int i = 0; i < 2; ++i) EXPECT_LE(std::abs(w[L.V(i, j)]), a_v);
  }
  EXPECT_EQ(w[L.c(0)], 0.0);
}

TEST(Training, ArmijoGradientDescentReachesTolerance) {
  const db::Landscape land = empty_xor(2, 1e-2);
  const MlpLoss loss(land.dataset, land.model);
  TrainingOptions o;
  o.method = TrainingMethod::GradientDescentArmijo;
  o.rms_tolerance = 1e-6;
  o.max_iterations = 200000;
  const Eigen::VectorXd w0 = initial_weights(land.model, o, 0);
  int iterations = 0;
  bool converged = false;
  const Eigen::VectorXd w = train_from(loss, w0, o, iterations, converged);
  EXPECT_TRUE(converged);
  EXPECT_LT(iterations, o.max_iterations);
  EXPECT_LE(rms(loss.gradient(w)), 1e-6);
  EXPECT_LT(loss.energy(w), loss.energy(w0));
}

TEST(Training, ReproducibleForASeedAndIndependentOfThreads) {
  const db::Landscape land = empty_xor(2, 1e-2);
  for (auto method :
       {TrainingMethod::GradientDescentArmijo, TrainingMethod::Adam, TrainingMethod::Lbfgs}) {
    SCOPED_TRACE(to_string(method));
    TrainingOptions o;
    o.method = method;
    o.runs = 6;
    o.seed = 11;
    o.max_iterations = 3000;
    const TrainingResult a = train_basins(land, o);
    o.threads = 2;
    const TrainingResult b = train_basins(land, o);
    ASSERT_EQ(a.runs.size(), 6u);
    ASSERT_EQ(a.new_minima.size(), b.new_minima.size());
    for (std::size_t k = 0; k < a.runs.size(); ++k) {
      EXPECT_EQ(a.runs[k].energy, b.runs[k].energy);  // bitwise
      EXPECT_EQ(a.runs[k].new_minimum, b.runs[k].new_minimum);
      EXPECT_EQ(a.runs[k].iterations, b.runs[k].iterations);
    }
    EXPECT_EQ(a.bad_runs, b.bad_runs);
    o.seed = 12;
    const TrainingResult c = train_basins(land, o);
    EXPECT_NE(a.runs[0].trained_energy, c.runs[0].trained_energy);
  }
}

TEST(Training, MinimaFoundOnceAreKnownTheSecondTime) {
  db::Landscape land = empty_xor(2, 1e-2);
  TrainingOptions o;
  o.method = TrainingMethod::Lbfgs;
  o.runs = 12;
  o.seed = 5;
  const TrainingResult first = train_basins(land, o);
  ASSERT_FALSE(first.new_minima.empty());
  for (const auto& r : first.runs) EXPECT_NE(r.outcome, RunOutcome::KnownMinimum);
  // Store each new minimum as a symmetric copy (nodes swapped, one sign flipped): the second
  // pass must identify every run with the stored minimum the first pass counted it under.
  NodeMap g{{1, 0}, {-1, 1}};
  for (const auto& nm : first.new_minima) {
    db::StoredPoint p;
    p.energy = nm.energy;
    p.coords = apply(land.model, g, nm.coords);
    p.grad_rms = nm.grad_rms;
    p.eigenvalues = nm.eigenvalues;
    land.minima.push_back(p);
  }
  const TrainingResult second = train_basins(land, o);
  EXPECT_TRUE(second.new_minima.empty());
  for (std::size_t k = 0; k < second.runs.size(); ++k) {
    if (first.runs[k].outcome != RunOutcome::NewMinimum) continue;
    EXPECT_EQ(second.runs[k].outcome, RunOutcome::KnownMinimum);
    EXPECT_EQ(second.runs[k].minimum, first.runs[k].new_minimum);
  }
  int hits = 0;
  for (int h : second.hits) hits += h;
  EXPECT_EQ(hits + second.failed_runs, o.runs);
  EXPECT_EQ(second.bad_runs, first.bad_runs);
}

TEST(Training, OptionsAndNamesAreChecked) {
  EXPECT_THROW(parse_training_method("sgd"), std::invalid_argument);
  EXPECT_EQ(parse_training_method("adam"), TrainingMethod::Adam);
  EXPECT_THROW(parse_init_distribution("uniform"), std::invalid_argument);
  TrainingOptions o;
  o.armijo_alpha = 1.0;
  try {
    o.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("armijo_alpha"), std::string::npos);
  }
}
