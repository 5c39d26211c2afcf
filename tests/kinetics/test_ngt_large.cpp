/// Graph transformation on networks of a few hundred minima (issue 17): the MFPTs and
/// committors equal a direct dense solve of the master equation (Eigen, full-pivot LU), on an
/// expander (random pairs: the elimination fills in to a dense core) and on a landscape-like
/// synthetic database (near neighbours in an embedding); and the neighbour search that builds
/// the landscape-like topology finds the same neighbours as brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "kinetics/kinetics_test_util.hpp"
#include "lossland/kinetics/ngt.hpp"
#include "synthetic_landscape.hpp"

using namespace lossland;
using namespace lossland::kinetics;
using lossland::testing::mask;

namespace {

/// max over i outside the target of |T_i / T_i(direct) - 1|.
double worst_mfpt_error(const RateNetwork& net, const std::vector<char>& target) {
  const std::vector<double> lt = log_mfpt_to(net, target);
  const Eigen::VectorXd direct = lossland::testing::direct_mfpt(net, target);
  double worst = 0;
  for (int i = 0; i < net.num_minima(); ++i) {
    if (target[i]) {
      EXPECT_EQ(lt[i], -INFINITY);
      continue;
    }
    worst = std::max(worst, std::abs(std::exp(lt[i]) / direct[i] - 1));
  }
  return worst;
}

/// max over i of |q_i - q_i(direct)| / max(q_i(direct), 1e-6).
double worst_committor_error(const RateNetwork& net, const std::vector<char>& a,
                             const std::vector<char>& b) {
  const std::vector<double> lq = log_committor(net, a, b);
  const Eigen::VectorXd q = lossland::testing::direct_committor(net, a, b);
  double worst = 0;
  for (int i = 0; i < net.num_minima(); ++i)
    worst = std::max(worst, std::abs(std::exp(lq[i]) - q[i]) / std::max(q[i], 1e-6));
  return worst;
}

}  // namespace

TEST(NgtLarge, ExpanderOfThreeHundredMinimaEqualsADenseSolve) {
  for (unsigned seed : {3u, 4u}) {
    // A chain plus 600 random pairs: fewest-neighbours-first elimination fills in to a dense core.
    const HarmonicLandscape h = lossland::testing::random_landscape(300, 900, 4, seed);
    const RateNetwork net = rate_network(h, 0.05, Dynamics::Overdamped);
    EXPECT_LT(worst_mfpt_error(net, mask(300, {0})), 1e-9) << "seed " << seed;
    EXPECT_LT(worst_mfpt_error(net, mask(300, {17, 150, 299})), 1e-9) << "seed " << seed;
    const auto a = mask(300, {0, 1, 2}), b = mask(300, {297, 298, 299});
    EXPECT_LT(worst_committor_error(net, a, b), 1e-9) << "seed " << seed;
    // set_kinetics takes both committors from one elimination: its SS rates obey detailed
    // balance, p_A k_AB^SS = p_B k_BA^SS, and its committor is the direct one.
    const SetKinetics k = set_kinetics(net, {0, 1, 2}, {297, 298, 299});
    EXPECT_NEAR(k.log_p_a + k.log_k_ab_ss, k.log_p_b + k.log_k_ba_ss, 1e-9);
    const Eigen::VectorXd q = lossland::testing::direct_committor(net, a, b);
    for (int i = 0; i < 300; ++i)
      EXPECT_NEAR(std::exp(k.log_committor[i]), q[i], 1e-9 * std::max(q[i], 1e-6)) << i;
  }
}

TEST(NgtLarge, LandscapeLikeSyntheticDatabaseEqualsADenseSolve) {
  const auto data = std::filesystem::path(LOSSLAND_DATA_DIR).parent_path() / "tests" / "data";
  const db::Landscape model = db::read((data / "xor_h3_l1e-06.h5").string());
  bench::SyntheticOptions o;
  o.minima = 400;
  o.topology = bench::Topology::Local;
  o.seed = 5;
  const db::Landscape ls = bench::synthetic_landscape(model, o);
  ASSERT_EQ(ls.transition_states.size(), 800u);
  // The tree joins each minimum to a lower-energy one (minima are sorted by energy).
  for (std::int64_t t = 0; t < 399; ++t) EXPECT_EQ(ls.transition_states[t].min2, t + 1);
  for (const auto& t : ls.transition_states) {
    EXPECT_LT(t.min1, t.min2);
    EXPECT_GT(t.energy, ls.minima[t.min2].energy);
  }
  // T = 0.05: rates within ~e^10 of each other, so that the dense solve is well conditioned.
  const RateNetwork net = rate_network(harmonic_landscape(ls), 0.05, Dynamics::Overdamped);
  EXPECT_LT(worst_mfpt_error(net, mask(400, {0})), 1e-9);
  EXPECT_LT(worst_mfpt_error(net, mask(400, {399})), 1e-9);
  EXPECT_LT(worst_committor_error(net, mask(400, {0}), mask(400, {399})), 1e-9);
}

TEST(NgtLarge, NeighbourGridFindsTheBruteForceNearest) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  for (int dim : {1, 2, 3, 5}) {
    const std::int64_t n = 700;
    std::vector<double> x(static_cast<std::size_t>(n * dim));
    for (auto& v : x) v = u(rng);
    bench::NeighbourGrid grid(x, dim, n);
    for (std::int64_t i = 0; i < n; ++i) grid.insert(i);
    for (std::int64_t q = 0; q < n; q += 7)
      for (int k : {1, 8}) {
        std::vector<std::pair<double, std::int64_t>> all;
        for (std::int64_t j = 0; j < n; ++j) {
          if (j == q) continue;
          double d2 = 0;
          for (int a = 0; a < dim; ++a) d2 += std::pow(x[j * dim + a] - x[q * dim + a], 2);
          all.emplace_back(d2, j);
        }
        std::sort(all.begin(), all.end());
        const std::vector<std::int64_t> got = grid.nearest(q, k);
        ASSERT_EQ(got.size(), static_cast<std::size_t>(k));
        for (int r = 0; r < k; ++r) EXPECT_EQ(got[r], all[r].second) << dim << " " << q << " " << r;
      }
  }
  // With only some points inserted, the nearest among those.
  std::vector<double> x{0.1, 0.9, 0.5, 0.52};
  bench::NeighbourGrid grid(x, 1, 4);
  grid.insert(0);
  grid.insert(1);
  EXPECT_EQ(grid.nearest(3, 1), std::vector<std::int64_t>{1});
  grid.insert(2);
  EXPECT_EQ(grid.nearest(3, 1), std::vector<std::int64_t>{2});
}
