#include "lossland/graph/disconnectivity.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>

#include "graph/graph_test_util.hpp"

using namespace lossland;
using graph::DisconnectivityOptions;
using graph::DisconnectivityTree;
using namespace lossland::testing;

namespace {

/// Minima ids below node n (collected from its leaves).
std::set<std::int64_t> leaves_below(const DisconnectivityTree& t, int n) {
  if (t.nodes[n].leaf) return {t.nodes[n].lowest_minimum};
  std::set<std::int64_t> out;
  for (int c : t.nodes[n].children) {
    const auto s = leaves_below(t, c);
    out.insert(s.begin(), s.end());
  }
  return out;
}

/// Structural invariants every tree must satisfy.
void check_invariants(const db::Landscape& land, const DisconnectivityTree& t) {
  const int L = static_cast<int>(t.level_energies.size());
  for (int k = 1; k < L; ++k)
    EXPECT_NEAR(
        t.level_coordinate(t.level_energies[k - 1]) - t.level_coordinate(t.level_energies[k]),
        t.delta, 1e-9 * t.delta);
  int leaves = 0;
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    if (n.parent >= 0) {
      EXPECT_LT(n.parent, static_cast<int>(i)) << "parents come first";
      const auto& par = t.nodes[n.parent];
      EXPECT_EQ(std::count(par.children.begin(), par.children.end(), static_cast<int>(i)), 1);
      EXPECT_LT(n.energy, par.energy) << "a child lies below its parent";
    }
    if (n.leaf) {
      ++leaves;
      EXPECT_TRUE(n.children.empty());
      EXPECT_EQ(n.energy, land.minima[n.lowest_minimum].energy) << "a leaf ends at its minimum";
    } else {
      EXPECT_EQ(n.energy, t.level_energies[n.level]);
      EXPECT_GE(n.children.size(), 1u);
      const auto below = leaves_below(t, static_cast<int>(i));
      EXPECT_EQ(below, std::set<std::int64_t>(n.minima.begin(), n.minima.end()));
      // Every member lies below the level.
      for (auto m : n.minima) EXPECT_LT(land.minima[m].energy, n.energy);
      // The lowest basin is the middle child: index (n - 1) / 2.
      double lowest = 1e300;
      std::size_t at = 0;
      for (std::size_t c = 0; c < n.children.size(); ++c) {
        const double e = land.minima[t.nodes[n.children[c]].lowest_minimum].energy;
        if (e < lowest) lowest = e, at = c;
      }
      EXPECT_EQ(at, (n.children.size() - 1) / 2) << "lowest child not centred at node " << i;
      EXPECT_EQ(land.minima[n.lowest_minimum].energy, lowest);
    }
  }
  EXPECT_EQ(leaves, t.num_leaves);
  EXPECT_EQ(leaves, static_cast<int>(t.minima_kept.size()));
  // No crossing: every subtree owns a contiguous run of leaf slots, children left to right.
  std::function<std::pair<double, double>(int)> span = [&](int n) -> std::pair<double, double> {
    const auto& node = t.nodes[n];
    if (node.leaf) return {node.x, node.x};
    double lo = 1e300, hi = -1e300, prev_hi = -1e300, sum = 0;
    for (int c : node.children) {
      const auto [clo, chi] = span(c);
      EXPECT_GT(clo, prev_hi) << "children overlap or are out of order";
      prev_hi = chi;
      lo = std::min(lo, clo);
      hi = std::max(hi, chi);
      sum += t.nodes[c].x;
    }
    EXPECT_EQ(hi - lo + 1, static_cast<double>(leaves_below(t, n).size())) << "gap in subtree";
    EXPECT_NEAR(node.x, sum / node.children.size(), 1e-12);
    return {lo, hi};
  };
  double prev = -1e300;
  for (int r : t.roots) {
    EXPECT_EQ(t.nodes[r].parent, -1);
    const auto [lo, hi] = span(r);
    EXPECT_GT(lo, prev);
    prev = hi;
  }
}

TEST(Disconnectivity, HandBuiltFourMinima) {
  // {0,1} joined at 5, {2,3} at 4, the two pairs at 8. Levels e_k = 8 + d/2 - k d, d = 8/8 = 1.
  const auto land = make_landscape({0.0, 1.0, 2.0, 3.0}, {{0, 1, 5.0}, {2, 3, 4.0}, {1, 2, 8.0}});
  DisconnectivityOptions opt;
  opt.levels = 9;
  const DisconnectivityTree t = graph::build_disconnectivity(land, opt);
  check_invariants(land, t);
  EXPECT_DOUBLE_EQ(t.delta, 1.0);
  EXPECT_DOUBLE_EQ(t.level_energies.front(), 8.5);
  EXPECT_DOUBLE_EQ(t.level_energies.back(), 0.5);
  EXPECT_EQ(t.transition_states_used, 3);
  ASSERT_EQ(t.roots.size(), 1u);
  // 0 and 1 separate below 5 (level 4 at 4.5 splits them: LCA is the level-3 node at 5.5).
  const int ab = common_ancestor(t, t.leaf_of(0), t.leaf_of(1));
  EXPECT_DOUBLE_EQ(t.nodes[ab].energy, 5.5);
  const int cd = common_ancestor(t, t.leaf_of(2), t.leaf_of(3));
  EXPECT_DOUBLE_EQ(t.nodes[cd].energy, 4.5);
  const int all = common_ancestor(t, t.leaf_of(0), t.leaf_of(3));
  EXPECT_DOUBLE_EQ(t.nodes[all].energy, 8.5);
  // Minimum 0 (the lowest) is in the middle pair, and the {0,1} basin is centred at the top:
  // 2 children -> the lowest is the left one (index 0).
  EXPECT_EQ(t.nodes[t.nodes[all].children[0]].lowest_minimum, 0);
}

TEST(Disconnectivity, RandomLandscapesMergeAtTheMinimaxBarrier) {
  for (unsigned seed = 1; seed <= 25; ++seed) {
    const int M = 4 + static_cast<int>(seed % 9);
    const db::Landscape land = lossland::testing::random_landscape(M, 2 * M, seed);
    DisconnectivityOptions opt;
    opt.levels = 5 + static_cast<int>(seed % 30);
    const DisconnectivityTree t = graph::build_disconnectivity(land, opt);
    check_invariants(land, t);
    const int L = static_cast<int>(t.level_energies.size());
    for (int a = 0; a < M; ++a)
      for (int b = a + 1; b < M; ++b) {
        const double barrier = lossland::testing::brute_minimax(land, a, b);
        const int n = common_ancestor(t, t.leaf_of(a), t.leaf_of(b));
        ASSERT_EQ(n >= 0, std::isfinite(barrier)) << "seed " << seed;
        if (n < 0) continue;
        const int k = t.nodes[n].level;
        EXPECT_GT(t.level_energies[k], barrier) << "joined below their barrier";
        if (k + 1 < L) {
          const double next = t.level_energies[k + 1];
          const bool split_ok =
              barrier >= next || land.minima[a].energy >= next || land.minima[b].energy >= next;
          EXPECT_TRUE(split_ok) << "seed " << seed << ": " << a << "," << b
                                << " should still be joined one level lower";
        }
      }
  }
}

TEST(Disconnectivity, NoTransitionStatesGivesOneBranchPerMinimumAndANote) {
  const auto land = make_landscape({0.3, 0.1, 0.2}, {});
  const auto t = graph::build_disconnectivity(land);
  check_invariants(land, t);
  ASSERT_EQ(t.roots.size(), 3u);
  for (int r : t.roots) EXPECT_TRUE(t.nodes[r].leaf);
  EXPECT_EQ(t.nodes[t.roots[1]].lowest_minimum, 1) << "lowest minimum centred";
  ASSERT_FALSE(t.notes.empty());
  EXPECT_NE(t.notes[0].find("no transition states"), std::string::npos);
}

TEST(Disconnectivity, SingleMinimumAndDegenerateEnergies) {
  const auto one = make_landscape({0.25}, {});
  const auto t = graph::build_disconnectivity(one);
  EXPECT_EQ(t.num_leaves, 1);
  EXPECT_GT(t.delta, 0.0);
  const auto flat = make_landscape({1.0, 1.0}, {{0, 1, 1.0}});
  const auto t2 = graph::build_disconnectivity(flat);
  check_invariants(flat, t2);
  EXPECT_EQ(t2.num_leaves, 2);
}

TEST(Disconnectivity, OmitZeroDropsTheAllZeroMinimumAndItsTransitionStates) {
  auto land = make_landscape({0.7, 0.1, 0.2}, {{0, 1, 0.8}, {1, 2, 0.3}});
  land.minima[0].coords.setZero();
  DisconnectivityOptions opt;
  opt.omit_zero = true;
  const auto t = graph::build_disconnectivity(land, opt);
  check_invariants(land, t);
  EXPECT_EQ(t.minima_kept, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(t.minima_omitted, (std::vector<std::int64_t>{0}));
  EXPECT_EQ(t.transition_states_used, 2) << "the zero minimum's transition states still group";
  EXPECT_EQ(t.leaf_of(0), -1);
  // The top level now follows the highest kept transition state (0.3), not 0.8.
  EXPECT_LT(t.level_energies.front(), 0.31 + t.delta);
  // Without the option the zero minimum is drawn.
  EXPECT_NE(graph::build_disconnectivity(land).leaf_of(0), -1);
}

/// Mehta et al., N_h = 1: every transition state touches the all-zero minimum. Hiding it must not
/// split the graph: group first, prune after (as disconnectionDPS does).
TEST(Disconnectivity, OmitZeroGroupsFirstAndPrunesAfter) {
  auto land = make_landscape({0.69, 0.48, 0.47, 0.49}, {{0, 1, 0.70}, {0, 2, 0.71}, {0, 3, 0.72}});
  land.minima[0].coords.setZero();
  DisconnectivityOptions opt;
  opt.omit_zero = true;
  const auto t = graph::build_disconnectivity(land, opt);
  check_invariants(land, t);
  ASSERT_EQ(t.roots.size(), 1u);
  EXPECT_EQ(t.leaf_of(0), -1);
  EXPECT_EQ(t.merge_energies, (std::vector<double>{0.71, 0.72}));
  EXPECT_TRUE(t.minima_isolated.empty());
  // Every pair still meets above its minimax barrier through the hidden minimum.
  for (int a = 1; a <= 3; ++a)
    for (int b = a + 1; b <= 3; ++b) {
      const int n = common_ancestor(t, t.leaf_of(a), t.leaf_of(b));
      ASSERT_GE(n, 0);
      EXPECT_GT(t.nodes[n].energy, lossland::testing::brute_minimax(land, a, b));
    }
  bool noted = false;
  for (const auto& note : t.notes)
    noted = noted || note.find("all-zero minimum") != std::string::npos;
  EXPECT_TRUE(noted);
}

/// Minima that no transition state below --emax joins are separate roots, and a note says so.
TEST(Disconnectivity, MinimaWithoutATransitionStateBelowEmaxAreNamedInANote) {
  const auto land = make_landscape({0.0, 1.0, 2.0, 3.0}, {{0, 1, 2.5}, {2, 3, 4.0}, {1, 2, 8.0}});
  DisconnectivityOptions opt;
  opt.max_energy = 3.5;
  const auto t = graph::build_disconnectivity(land, opt);
  check_invariants(land, t);
  EXPECT_EQ(t.minima_isolated, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(t.roots.size(), 3u);
  bool noted = false;
  for (const auto& note : t.notes)
    noted = noted ||
            (note.find("2 minima with no transition state below E = 3.5") != std::string::npos &&
             note.find("separate roots") != std::string::npos);
  EXPECT_TRUE(noted);
  EXPECT_EQ(t.minima_total, 4u);
  EXPECT_EQ(t.transition_states_total, 3u);
}

TEST(Disconnectivity, SpacingSetsTheLevelCountAndMaxEnergyFilters) {
  const auto land = make_landscape({0.0, 1.0, 2.0, 3.0}, {{0, 1, 5.0}, {2, 3, 4.0}, {1, 2, 8.0}});
  DisconnectivityOptions opt;
  opt.spacing = 0.5;
  const auto t = graph::build_disconnectivity(land, opt);
  check_invariants(land, t);
  EXPECT_DOUBLE_EQ(t.delta, 0.5);
  EXPECT_EQ(t.level_energies.size(), 17u);  // floor(8 / 0.5) + 1
  opt.spacing = 0;
  opt.max_energy = 2.5;
  const auto low = graph::build_disconnectivity(land, opt);
  EXPECT_EQ(low.minima_kept, (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(low.transition_states_used, 0);
  EXPECT_EQ(low.roots.size(), 3u);
}

TEST(Disconnectivity, BadOptionsAndEmptyInputsAreErrors) {
  const auto land = make_landscape({0.0, 1.0}, {{0, 1, 2.0}});
  DisconnectivityOptions opt;
  opt.levels = 1;
  EXPECT_THROW(graph::build_disconnectivity(land, opt), std::invalid_argument);
  opt = {};
  opt.spacing = -1;
  EXPECT_THROW(graph::build_disconnectivity(land, opt), std::invalid_argument);
  opt = {};
  opt.max_energy = -5;
  EXPECT_THROW(graph::build_disconnectivity(land, opt), std::invalid_argument);
  EXPECT_THROW(graph::build_disconnectivity(make_landscape({}, {})), std::invalid_argument);
}

}  // namespace
