#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "kinetics/kinetics_test_util.hpp"
#include "lossland/kinetics/ngt.hpp"
#include "lossland/kinetics/thermo.hpp"
#include "lossland/model/mueller_brown.hpp"
#include "lossland/optimize/stationary.hpp"

using namespace lossland;
using namespace lossland::kinetics;
using lossland::testing::mask;

namespace {

/// The Mueller-Brown surface as a harmonic landscape (Hessians from the analytic loss).
HarmonicLandscape mueller_brown() {
  MuellerBrown mb;
  HarmonicLandscape h;
  h.dimension = 2;
  for (const auto& p : MuellerBrown::minima()) {
    const Classification c = classify(mb, p.x);
    h.minima.push_back({c.energy, std::log(c.eigenvalues[0]) + std::log(c.eigenvalues[1]), 0, 0});
  }
  const std::int64_t ends[2][2] = {{0, 2}, {2, 1}};
  for (int s = 0; s < 2; ++s) {
    const Classification c = classify(mb, MuellerBrown::saddles()[s].x);
    HarmonicTransitionState t;
    t.energy = c.energy;
    t.log_det = std::log(c.eigenvalues[1]);
    t.negative_eigenvalue = c.eigenvalues[0];
    t.min1 = ends[s][0];
    t.min2 = ends[s][1];
    h.transition_states.push_back(t);
  }
  return h;
}

}  // namespace

TEST(Ngt, MfptEqualsADirectSolveOfTheMasterEquation) {
  int compared = 0;
  for (unsigned seed = 1; seed <= 6; ++seed)
    for (Dynamics dyn : {Dynamics::Overdamped, Dynamics::Inertial}) {
      const HarmonicLandscape h = lossland::testing::random_landscape(9, 16, 4, seed);
      const RateNetwork net = rate_network(h, 0.05, dyn);
      for (const std::vector<std::int64_t>& target :
           {std::vector<std::int64_t>{0}, {8}, {3, 5}, {0, 4, 8}}) {
        const auto tgt = mask(9, target);
        const std::vector<double> lt = log_mfpt_to(net, tgt);
        const Eigen::VectorXd direct = lossland::testing::direct_mfpt(net, tgt);
        for (int i = 0; i < 9; ++i) {
          if (tgt[i]) {
            EXPECT_EQ(lt[i], -INFINITY);
            continue;
          }
          EXPECT_NEAR(std::exp(lt[i]) / direct[i], 1.0, 1e-8) << "seed " << seed << " i " << i;
          ++compared;
        }
      }
    }
  EXPECT_GT(compared, 300);
}

TEST(Ngt, MuellerBrownMfptEqualsADirectSolve) {
  const HarmonicLandscape h = mueller_brown();
  for (double T : {5.0, 10.0, 20.0}) {
    const RateNetwork net = rate_network(h, T, Dynamics::Overdamped);
    EXPECT_LT(detailed_balance_violation(net), 1e-10);
    const auto tgt = mask(3, {0});
    const std::vector<double> lt = log_mfpt_to(net, tgt);
    const Eigen::VectorXd direct = lossland::testing::direct_mfpt(net, tgt);
    EXPECT_NEAR(std::exp(lt[1]) / direct[1], 1.0, 1e-10);
    EXPECT_NEAR(std::exp(lt[2]) / direct[2], 1.0, 1e-10);
  }
}

TEST(Ngt, CommittorsEqualADirectSolve) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    const HarmonicLandscape h = lossland::testing::random_landscape(10, 18, 3, 100 + seed);
    const RateNetwork net = rate_network(h, 0.04, Dynamics::Overdamped);
    const auto a = mask(10, {0, 1}), b = mask(10, {9});
    const std::vector<double> lq = log_committor(net, a, b);
    const Eigen::VectorXd q = lossland::testing::direct_committor(net, a, b);
    for (int i = 0; i < 10; ++i) {
      if (a[i]) EXPECT_EQ(lq[i], -INFINITY);
      if (b[i]) EXPECT_EQ(lq[i], 0.0);
      EXPECT_NEAR(std::exp(lq[i]), q[i], 1e-10 * std::max(1e-3, q[i])) << "seed " << seed;
    }
  }
}

TEST(Ngt, SetRatesObeyTheirDefinitionsAndDetailedBalance) {
  const HarmonicLandscape h = lossland::testing::random_landscape(8, 14, 3, 21);
  const RateNetwork net = rate_network(h, 0.03, Dynamics::Overdamped);
  const SetKinetics k = set_kinetics(net, {0, 2}, {6, 7});
  // Equilibrium reactive fluxes agree: p_A k_AB^SS = p_B k_BA^SS.
  EXPECT_NEAR(k.log_p_a + k.log_k_ab_ss, k.log_p_b + k.log_k_ba_ss, 1e-10);
  // NSS from the per-minimum MFPTs, by hand in linear space.
  const Eigen::VectorXd t = lossland::testing::direct_mfpt(net, mask(8, {6, 7}));
  const double p0 = std::exp(net.log_occupation[0]), p2 = std::exp(net.log_occupation[2]);
  EXPECT_NEAR(std::exp(k.log_k_ab_nss), (p0 / t[0] + p2 / t[2]) / (p0 + p2),
              1e-9 * std::exp(k.log_k_ab_nss));
  EXPECT_NEAR(std::exp(k.log_mean_mfpt_ab), (p0 * t[0] + p2 * t[2]) / (p0 + p2),
              1e-9 * std::exp(k.log_mean_mfpt_ab));
  // SS from the committor, by hand.
  const Eigen::VectorXd q =
      lossland::testing::direct_committor(net, mask(8, {0, 2}), mask(8, {6, 7}));
  double flux = 0;
  for (std::int64_t i : {0, 2})
    for (const auto& [j, lk] : net.log_k[i]) flux += std::exp(net.log_occupation[i] + lk) * q[j];
  EXPECT_NEAR(std::exp(k.log_k_ab_ss), flux / (p0 + p2), 1e-9 * flux / (p0 + p2));
  // For a single-minimum A, k^NSS = 1 / MFPT.
  const SetKinetics one = set_kinetics(net, {3}, {7});
  EXPECT_NEAR(one.log_k_ab_nss, -one.log_mfpt_ab[0], 1e-12);
}

TEST(Ngt, LogSpaceSurvivesRatesHundredsOfOrdersApart) {
  // Scaling every rate by e^-700 (far below the smallest double) scales every MFPT by e^700.
  const HarmonicLandscape h = lossland::testing::random_landscape(7, 11, 3, 8);
  RateNetwork net = rate_network(h, 0.05, Dynamics::Overdamped);
  const auto tgt = mask(7, {6});
  const std::vector<double> ref = log_mfpt_to(net, tgt);
  for (auto& row : net.log_k)
    for (auto& [j, lk] : row) lk -= 700;
  for (auto& e : net.log_escape) e -= 700;
  for (auto& e : net.edges) e.log_rate -= 700;
  const std::vector<double> scaled = log_mfpt_to(net, tgt);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(scaled[i] - ref[i], 700.0, 1e-9);
  // Rates that span ~600 orders of magnitude at once (a low T): still finite and consistent.
  const RateNetwork cold = rate_network(h, 2e-4, Dynamics::Overdamped);
  const std::vector<double> lt = log_mfpt_to(cold, tgt);
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(std::isfinite(lt[i])) << lt[i];
  EXPECT_GT(lt[0], 300);  // e^300: overflows no double because it is never formed
}

TEST(Ngt, FastestPathMaximisesTheProductOfBranchingProbabilities) {
  const HarmonicLandscape h = lossland::testing::random_landscape(7, 14, 3, 5);
  const RateNetwork net = rate_network(h, 0.05, Dynamics::Overdamped);
  const auto a = mask(7, {0}), b = mask(7, {6});
  const FastestPath p = fastest_path(net, a, b);
  ASSERT_TRUE(p.found);
  EXPECT_EQ(p.minima.front(), 0);
  EXPECT_EQ(p.minima.back(), 6);
  ASSERT_EQ(p.minima.size(), p.transition_states.size() + 1);
  // Brute force over simple paths, each step through any one transition state.
  double best = -INFINITY;
  std::vector<char> seen(7, 0);
  std::function<void(std::int64_t, double)> walk = [&](std::int64_t x, double lp) {
    if (x == 6) {
      best = std::max(best, lp);
      return;
    }
    seen[x] = 1;
    for (const auto& e : net.edges)
      if (e.from == x && !seen[e.to]) walk(e.to, lp + e.log_rate - net.log_escape[x]);
    seen[x] = 0;
  };
  walk(0, 0.0);
  EXPECT_NEAR(p.log_probability, best, 1e-12);
  for (std::size_t s = 0; s < p.transition_states.size(); ++s) {
    const auto& t = h.transition_states[p.transition_states[s]];
    const bool joins = (t.min1 == p.minima[s] && t.min2 == p.minima[s + 1]) ||
                       (t.min2 == p.minima[s] && t.min1 == p.minima[s + 1]);
    EXPECT_TRUE(joins) << "step " << s;
  }
}

TEST(Ngt, BadSetsAreRefused) {
  HarmonicLandscape h = lossland::testing::random_landscape(5, 4, 3, 9);
  const RateNetwork net = rate_network(h, 0.05, Dynamics::Overdamped);
  EXPECT_THROW(set_kinetics(net, {}, {1}), std::invalid_argument);
  EXPECT_THROW(set_kinetics(net, {0}, {}), std::invalid_argument);
  EXPECT_THROW(set_kinetics(net, {0, 1}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(set_kinetics(net, {0}, {7}), std::invalid_argument);
  // Minimum 4 cut off: B = {4} is unreachable from A.
  h.transition_states.resize(3);  // the chain 0-1-2-3 only
  const RateNetwork cut = rate_network(h, 0.05, Dynamics::Overdamped);
  try {
    set_kinetics(cut, {0}, {4});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be reached"), std::string::npos);
  }
  const std::vector<double> lt = log_mfpt_to(cut, mask(5, {4}));
  EXPECT_EQ(lt[0], INFINITY);
}
