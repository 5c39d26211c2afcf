#include "lossland/graph/network.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "graph/graph_test_util.hpp"

using namespace lossland;
using lossland::testing::make_landscape;

namespace {

// Minima 0..5. Two connected sets {0,1,2,3} and {4,5}; 0-1 is joined twice (TS 0 at 5, TS 1 at
// 3), 1-2 at 4, 0-2 at 9, 2-3 at 6, 4-5 at 2, and a self-loop at 1 (TS 7).
db::Landscape hand_landscape() {
  return make_landscape({0.0, 1.0, 2.0, 0.5, 1.5, 0.2}, {{0, 1, 5.0},
                                                         {0, 1, 3.0},
                                                         {1, 2, 4.0},
                                                         {0, 2, 9.0},
                                                         {2, 3, 6.0},
                                                         {4, 5, 2.0},
                                                         {3, 3, 7.0},
                                                         {1, 1, 1.1}});
}

TEST(TransitionNetwork, CountsEdgesAndSelfLoops) {
  const graph::TransitionNetwork net(hand_landscape());
  EXPECT_EQ(net.num_minima(), 6);
  EXPECT_EQ(net.num_edges(), 6);
  EXPECT_EQ(net.num_self_loops(), 2);
  EXPECT_EQ(net.transition_states_of(1), (std::vector<std::int64_t>{0, 1, 2, 7}));
  EXPECT_EQ(net.transition_states_of(3), (std::vector<std::int64_t>{4, 6}));
}

TEST(TransitionNetwork, ComponentsNumberedFromTheGlobalMinimum) {
  const graph::Components c = graph::TransitionNetwork(hand_landscape()).components();
  EXPECT_EQ(c.count, 2);
  EXPECT_EQ(c.of_minimum, (std::vector<int>{0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(c.sizes, (std::vector<int>{4, 2}));
}

TEST(TransitionNetwork, ComponentZeroHoldsTheGlobalMinimumEvenIfItHasAHighId) {
  // The global minimum is id 3, isolated.
  const auto land = make_landscape({1.0, 2.0, 3.0, -1.0}, {{0, 1, 5.0}});
  const auto c = graph::TransitionNetwork(land).components();
  EXPECT_EQ(c.count, 3);
  EXPECT_EQ(c.of_minimum[3], 0);
  EXPECT_EQ(c.of_minimum[0], 1);
  EXPECT_EQ(c.of_minimum[1], 1);
  EXPECT_EQ(c.of_minimum[2], 2);
}

TEST(TransitionNetwork, MinimaxPathByHand) {
  const graph::TransitionNetwork net(hand_landscape());
  // 0 -> 3: direct 0-2 costs 9; 0-1 (TS 1 at 3), 1-2 (4), 2-3 (6): highest 6.
  const graph::MinimaxPath p = net.minimax_path(0, 3);
  ASSERT_EQ(p.status, graph::PathStatus::Found);
  EXPECT_EQ(p.minima, (std::vector<std::int64_t>{0, 1, 2, 3}));
  // The lower of the two parallel 0-1 transition states is used.
  EXPECT_EQ(p.transition_states, (std::vector<std::int64_t>{1, 2, 4}));
  EXPECT_DOUBLE_EQ(p.highest_energy, 6.0);
  EXPECT_EQ(p.highest_step, 2);
  // Reverse direction: same barrier.
  EXPECT_DOUBLE_EQ(net.minimax_path(3, 0).highest_energy, 6.0);
}

TEST(TransitionNetwork, SameMinimumAndNotConnected) {
  const graph::TransitionNetwork net(hand_landscape());
  const auto same = net.minimax_path(2, 2);
  EXPECT_EQ(same.status, graph::PathStatus::SameMinimum);
  EXPECT_EQ(same.minima, (std::vector<std::int64_t>{2}));
  EXPECT_DOUBLE_EQ(same.highest_energy, 2.0);
  const auto none = net.minimax_path(0, 5);
  EXPECT_EQ(none.status, graph::PathStatus::NotConnected);
  EXPECT_TRUE(std::isinf(none.highest_energy));
  EXPECT_NE(none.message.find("not connected"), std::string::npos);
  EXPECT_TRUE(none.minima.empty());
}

TEST(TransitionNetwork, BadIdsAreRejected) {
  const graph::TransitionNetwork net(hand_landscape());
  EXPECT_THROW(net.minimax_path(0, 6), std::out_of_range);
  EXPECT_THROW(net.minimax_path(-1, 0), std::out_of_range);
  EXPECT_THROW(net.transition_states_of(99), std::out_of_range);
  auto bad = hand_landscape();
  bad.transition_states[0].min2 = 17;
  EXPECT_THROW(graph::TransitionNetwork{bad}, std::invalid_argument);
}

TEST(TransitionNetwork, EmptyLandscape) {
  const graph::TransitionNetwork net(make_landscape({}, {}));
  EXPECT_EQ(net.num_minima(), 0);
  EXPECT_EQ(net.components().count, 0);
}

/// Random networks against brute force: components against the Kruskal closure, minimax
/// barriers against Kruskal, and every returned path is a real path with that barrier.
TEST(TransitionNetwork, RandomNetworksAgreeWithBruteForce) {
  for (unsigned seed = 1; seed <= 30; ++seed) {
    const int M = 3 + static_cast<int>(seed % 12), T = static_cast<int>(seed % 17);
    const db::Landscape land = lossland::testing::random_landscape(M, T, seed);
    const graph::TransitionNetwork net(land);
    const graph::Components comps = net.components();
    for (int a = 0; a < M; ++a) {
      const std::vector<double> all = net.minimax_energies(a);
      for (int b = 0; b < M; ++b) {
        const double truth = lossland::testing::brute_minimax(land, a, b);
        EXPECT_EQ(comps.of_minimum[a] == comps.of_minimum[b], std::isfinite(truth))
            << "seed " << seed << " pair " << a << "," << b;
        if (a != b) EXPECT_EQ(all[b], truth) << "seed " << seed;
        const graph::MinimaxPath p = net.minimax_path(a, b);
        if (!std::isfinite(truth)) {
          EXPECT_EQ(p.status, graph::PathStatus::NotConnected);
          continue;
        }
        EXPECT_EQ(p.highest_energy, truth) << "seed " << seed << " pair " << a << "," << b;
        ASSERT_EQ(p.minima.front(), a);
        ASSERT_EQ(p.minima.back(), b);
        ASSERT_EQ(p.transition_states.size() + 1, p.minima.size());
        double highest = a == b ? land.minima[a].energy : -1e300;
        std::set<std::int64_t> visited;
        for (std::size_t k = 0; k < p.transition_states.size(); ++k) {
          const auto& s = land.transition_states[p.transition_states[k]];
          const std::set<std::int64_t> ends{s.min1, s.min2}, want{p.minima[k], p.minima[k + 1]};
          EXPECT_EQ(ends, want) << "step " << k << " does not join consecutive minima";
          highest = std::max(highest, s.energy);
        }
        for (auto m : p.minima) EXPECT_TRUE(visited.insert(m).second) << "path revisits " << m;
        EXPECT_EQ(highest, p.highest_energy);
      }
    }
  }
}

/// Escape barriers of the hand-made network, worked out on paper. Lower minima: 0 (0.0) is the
/// global minimum; 3 (0.5) reaches 0 only over 2-3 (6) then 2-1 (4), 1-0 (3): escape at 6;
/// 1 (1.0) reaches 0 over TS 1 at 3; 2 (2.0) reaches {0, 1} over 1-2 at 4; 4 (1.5) reaches 5
/// (0.2) at 2; 5 is the lowest of its set {4, 5}: no escape.
TEST(TransitionNetwork, EscapeBarriersByHand) {
  const graph::TransitionNetwork net(hand_landscape());
  const std::vector<graph::EscapeBarrier> esc = net.escape_barriers();
  ASSERT_EQ(esc.size(), 6u);
  EXPECT_FALSE(esc[0].escapes());
  EXPECT_TRUE(std::isinf(esc[0].barrier));
  EXPECT_EQ(esc[0].transition_state, -1);
  EXPECT_DOUBLE_EQ(esc[1].saddle_energy, 3.0);
  EXPECT_DOUBLE_EQ(esc[1].barrier, 2.0);
  EXPECT_EQ(esc[1].transition_state, 1);  // the lower of the two 0-1 transition states
  EXPECT_EQ(esc[1].lower_minimum, 0);
  EXPECT_DOUBLE_EQ(esc[2].barrier, 2.0);  // 4.0 - 2.0 over TS 2
  EXPECT_EQ(esc[2].transition_state, 2);
  EXPECT_EQ(esc[2].lower_minimum, 0);
  EXPECT_DOUBLE_EQ(esc[3].barrier, 5.5);  // 6.0 - 0.5 over TS 4
  EXPECT_EQ(esc[3].transition_state, 4);
  EXPECT_EQ(esc[3].lower_minimum, 0);
  EXPECT_DOUBLE_EQ(esc[4].barrier, 0.5);  // 2.0 - 1.5 over TS 5
  EXPECT_EQ(esc[4].lower_minimum, 5);
  EXPECT_FALSE(esc[5].escapes());
}

/// Escape barriers against brute force: min over strictly lower minima j of the Kruskal minimax
/// energy i -> j. Energies on a coarse grid so that ties between minima and between transition
/// states occur.
TEST(TransitionNetwork, EscapeBarriersAgreeWithBruteForce) {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    const int M = 2 + static_cast<int>(seed % 13), T = static_cast<int>(seed % 19);
    db::Landscape land = lossland::testing::random_landscape(M, T, seed);
    if (seed % 2 == 0) {  // round onto a grid: equal minima and equal transition states
      for (auto& m : land.minima) m.energy = std::round(m.energy * 4) / 4;
      for (auto& t : land.transition_states)
        t.energy = std::max(
            {std::round(t.energy * 4) / 4, land.minima[t.min1].energy, land.minima[t.min2].energy});
    }
    const graph::TransitionNetwork net(land);
    const std::vector<graph::EscapeBarrier> esc = net.escape_barriers();
    ASSERT_EQ(esc.size(), static_cast<std::size_t>(M));
    for (int i = 0; i < M; ++i) {
      double truth = std::numeric_limits<double>::infinity();
      for (int j = 0; j < M; ++j)
        if (land.minima[j].energy < land.minima[i].energy)
          truth = std::min(truth, lossland::testing::brute_minimax(land, i, j));
      const double Ei = land.minima[i].energy;
      EXPECT_EQ(esc[i].saddle_energy, truth) << "seed " << seed << " minimum " << i;
      if (!std::isfinite(truth)) {
        EXPECT_FALSE(esc[i].escapes()) << "seed " << seed << " minimum " << i;
        continue;
      }
      ASSERT_TRUE(esc[i].escapes()) << "seed " << seed << " minimum " << i;
      EXPECT_EQ(esc[i].barrier, truth - Ei);
      EXPECT_EQ(land.transition_states[esc[i].transition_state].energy, truth);
      const std::int64_t to = esc[i].lower_minimum;
      EXPECT_LT(land.minima[to].energy, Ei);
      EXPECT_EQ(lossland::testing::brute_minimax(land, i, static_cast<int>(to)), truth);
    }
  }
}

}  // namespace
