/// The dense phase of graph transformation (src/kinetics/ngt_dense.cpp): on expanders, where the
/// elimination fills in, its MFPTs and committors equal a direct dense solve of the master
/// equation and the sparse, all-logarithm elimination, in double and (at low temperature) in
/// long double; a network whose values leave every range falls back to the sparse phase
/// exactly; the options are checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "kinetics/kinetics_test_util.hpp"
#include "lossland/kinetics/ngt.hpp"

using namespace lossland::kinetics;
using lossland::testing::mask;

namespace {

NgtOptions sparse_only() {
  NgtOptions o;
  o.dense = false;
  return o;
}

/// The dense phase from as early as the fill allows, so that a small network exercises it.
NgtOptions dense_early() {
  NgtOptions o;
  o.dense_min_minima = 16;
  o.dense_fill = 0.05;
  return o;
}

/// max |a_i - b_i| over the finite entries; entries infinite in one must be so in both.
double worst_log_difference(const std::vector<double>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
      EXPECT_TRUE(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) << i;
      continue;
    }
    worst = std::max(worst, std::abs(a[i] - b[i]));
  }
  return worst;
}

}  // namespace

TEST(NgtDense, ExpanderEqualsADenseSolveAndTheSparseElimination) {
  for (unsigned seed : {3u, 9u}) {
    const HarmonicLandscape h = lossland::testing::random_landscape(300, 900, 4, seed);
    const RateNetwork net = rate_network(h, 0.05, Dynamics::Overdamped);
    for (const auto& ids : {std::vector<std::int64_t>{0}, std::vector<std::int64_t>{5, 150, 299}}) {
      const auto target = mask(300, ids);
      const std::vector<double> dense = log_mfpt_to(net, target, dense_early());
      const std::vector<double> sparse = log_mfpt_to(net, target, sparse_only());
      EXPECT_LT(worst_log_difference(dense, sparse), 1e-11) << "seed " << seed;
      EXPECT_NE(dense, sparse) << "the dense phase did not run (results are bit for bit sparse)";
      const Eigen::VectorXd direct = lossland::testing::direct_mfpt(net, target);
      for (int i = 0; i < 300; ++i)
        if (!target[i]) EXPECT_NEAR(std::exp(dense[i]) / direct[i], 1.0, 1e-9) << i;
    }
    const auto a = mask(300, {0, 1, 2}), b = mask(300, {297, 298, 299});
    const std::vector<double> lq = log_committor(net, a, b, dense_early());
    EXPECT_LT(worst_log_difference(lq, log_committor(net, a, b, sparse_only())), 1e-11);
    const Eigen::VectorXd q = lossland::testing::direct_committor(net, a, b);
    for (int i = 0; i < 300; ++i)
      EXPECT_NEAR(std::exp(lq[i]), q[i], 1e-9 * std::max(q[i], 1e-6)) << i;
    // The rates and detailed balance from set_kinetics, through the dense phase.
    const SetKinetics k = set_kinetics(net, {0, 1, 2}, {297, 298, 299}, dense_early());
    const SetKinetics s = set_kinetics(net, {0, 1, 2}, {297, 298, 299}, sparse_only());
    EXPECT_NEAR(k.log_k_ab_ss, s.log_k_ab_ss, 1e-11);
    EXPECT_NEAR(k.log_k_ba_nss, s.log_k_ba_nss, 1e-11);
    EXPECT_NEAR(k.log_mean_mfpt_ab, s.log_mean_mfpt_ab, 1e-11);
    EXPECT_NEAR(k.log_p_a + k.log_k_ab_ss, k.log_p_b + k.log_k_ba_ss, 1e-9);
  }
}

TEST(NgtDense, DefaultsSwitchOnALargeExpanderAndAgreeWithTheSparseElimination) {
  // 1500 minima, 4500 transition states: the fill-in reaches a dense core of some 300 minima,
  // past the default dense_min_minima.
  const HarmonicLandscape h = lossland::testing::random_landscape(1500, 4500, 3, 21);
  const RateNetwork net = rate_network(h, 0.05, Dynamics::Overdamped);
  const auto target = mask(1500, {0});
  const std::vector<double> dense = log_mfpt_to(net, target);
  const std::vector<double> sparse = log_mfpt_to(net, target, sparse_only());
  EXPECT_LT(worst_log_difference(dense, sparse), 1e-10);
  EXPECT_NE(dense, sparse) << "the default options did not reach the dense phase";
}

TEST(NgtDense, ScalingEveryRateScalesEveryMfptThroughTheDensePhase) {
  // All rates times e^-700: waiting times beyond any double, held as a scale and a logarithm.
  const HarmonicLandscape h = lossland::testing::random_landscape(200, 600, 3, 4);
  RateNetwork net = rate_network(h, 0.05, Dynamics::Overdamped);
  const auto target = mask(200, {7});
  const std::vector<double> ref = log_mfpt_to(net, target, dense_early());
  for (auto& row : net.log_k)
    for (auto& [j, lk] : row) lk -= 700;
  for (auto& e : net.log_escape) e -= 700;
  const std::vector<double> scaled = log_mfpt_to(net, target, dense_early());
  for (int i = 0; i < 200; ++i)
    if (i != 7) EXPECT_NEAR(scaled[i] - ref[i], 700.0, 1e-9) << i;
}

namespace {

/// ln of the smallest branching probability of the network.
double smallest_log_branching(const RateNetwork& net) {
  double smallest = 0;
  for (std::size_t i = 0; i < net.log_k.size(); ++i)
    for (const auto& [j, lk] : net.log_k[i]) smallest = std::min(smallest, lk - net.log_escape[i]);
  return smallest;
}

}  // namespace

TEST(NgtDense, ProbabilitiesBelowDoublesRangeTakeLongDouble) {
  // At T = 4e-4 branching probabilities reach below e^-650 (double's range here) but not e^-11000:
  // the dense phase runs in long double and still equals the all-logarithm elimination.
  const HarmonicLandscape h = lossland::testing::random_landscape(300, 900, 4, 3);
  const RateNetwork cold = rate_network(h, 4e-4, Dynamics::Overdamped);
  const double smallest = smallest_log_branching(cold);
  ASSERT_LT(smallest, -650.0);
  ASSERT_GT(smallest, -11000.0);
  const auto target = mask(300, {0});
  const std::vector<double> dense = log_mfpt_to(cold, target, dense_early());
  const std::vector<double> sparse = log_mfpt_to(cold, target, sparse_only());
  EXPECT_LT(worst_log_difference(dense, sparse), 1e-11);
  EXPECT_NE(dense, sparse) << "the dense phase did not run";
  const auto a = mask(300, {0}), b = mask(300, {299});
  EXPECT_LT(worst_log_difference(log_committor(cold, a, b, dense_early()),
                                 log_committor(cold, a, b, sparse_only())),
            1e-11);
}

TEST(NgtDense, ProbabilitiesBeyondEveryRangeFallBackToTheSparsePhaseExactly) {
  // At T = 2e-5 branching probabilities reach below e^-11000: the dense phase declines and the
  // elimination is the sparse one, bit for bit.
  const HarmonicLandscape h = lossland::testing::random_landscape(300, 900, 4, 3);
  const RateNetwork cold = rate_network(h, 2e-5, Dynamics::Overdamped);
  ASSERT_LT(smallest_log_branching(cold), -11000.0);
  const auto target = mask(300, {0});
  EXPECT_EQ(log_mfpt_to(cold, target, dense_early()), log_mfpt_to(cold, target, sparse_only()));
  const auto a = mask(300, {0}), b = mask(300, {299});
  const auto qd = log_committor(cold, a, b, dense_early());
  const auto qs = log_committor(cold, a, b, sparse_only());
  EXPECT_EQ(worst_log_difference(qd, qs), 0.0);
}

TEST(NgtDense, OptionsAreChecked) {
  NgtOptions o;
  o.dense_min_minima = 1;
  EXPECT_THROW(
      {
        try {
          o.validate();
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("dense_min_minima"), std::string::npos);
          throw;
        }
      },
      std::invalid_argument);
  o = NgtOptions{};
  for (double bad : {0.0, -0.5, 1.5, std::nan("")}) {
    o.dense_fill = bad;
    EXPECT_THROW(o.validate(), std::invalid_argument) << bad;
  }
  const HarmonicLandscape h = lossland::testing::random_landscape(10, 20, 3, 1);
  const RateNetwork net = rate_network(h, 0.05, Dynamics::Overdamped);
  EXPECT_THROW(log_mfpt_to(net, mask(10, {0}), o), std::invalid_argument);
}
