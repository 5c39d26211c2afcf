/// Where the levels of a disconnectivity graph go: the window ends just above the last merge,
/// and the spacing resolves branching spread over decades above the global minimum.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include "graph/graph_test_util.hpp"
#include "graph/levels.hpp"
#include "lossland/db/database.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "lossland/survey/survey.hpp"

using namespace lossland;
using graph::DisconnectivityOptions;
using graph::DisconnectivityTree;
using namespace lossland::testing;

namespace {

/// Minimum i (i = 1..5) joins the basin of 0 at E_min + 10^(i-7): merges at 1e-6 .. 1e-2
/// above E_min = 1, each minimum a little below its merge; one more transition state far
/// above (1.5) joins what is already joined.
db::Landscape decades_landscape() {
  std::vector<double> minima{1.0};
  std::vector<lossland::testing::TsSpec> ts;
  for (int i = 1; i <= 5; ++i) {
    minima.push_back(1.0 + 0.3 * std::pow(10.0, i - 7));
    ts.push_back({i - 1, i, 1.0 + std::pow(10.0, i - 7)});
  }
  ts.push_back({0, 5, 1.5});
  return make_landscape(minima, ts);
}

TEST(Levels, DefaultWindowAndLevelsResolveEveryMergeOfADecadeTree) {
  const db::Landscape land = decades_landscape();
  const DisconnectivityTree t = graph::build_disconnectivity(land);
  // The exact merges, in order, and the window just above the last one.
  ASSERT_EQ(t.merge_energies.size(), 5u);
  for (int i = 1; i <= 5; ++i)
    EXPECT_DOUBLE_EQ(t.merge_energies[i - 1], 1.0 + std::pow(10.0, i - 7));
  EXPECT_DOUBLE_EQ(t.join_energy, 1.01);
  EXPECT_GT(t.level_energies.front(), 1.01);
  EXPECT_LT(t.level_energies.front(), 1.02) << "the top level is not just above the join";
  EXPECT_EQ(t.transition_states_above, 1);
  EXPECT_DOUBLE_EQ(t.highest_above, 1.5);
  // Log spacing was needed: even levels in E put the four lowest merges in one bin.
  EXPECT_EQ(t.spacing, graph::LevelSpacing::Log);
  EXPECT_EQ(graph::resolved_merges(t.level_energies, t.merge_energies), 5);
  DisconnectivityOptions lin;
  lin.level_spacing = graph::LevelSpacing::Linear;
  const DisconnectivityTree tl = graph::build_disconnectivity(land, lin);
  EXPECT_LE(graph::resolved_merges(tl.level_energies, tl.merge_energies), 3);
  // Each merge is its own branch point: minimum i and the global minimum meet at the first
  // level above their barrier, and those levels are all different.
  std::set<int> levels;
  for (int i = 1; i <= 5; ++i) {
    const int n = common_ancestor(t, t.leaf_of(0), t.leaf_of(i));
    ASSERT_GE(n, 0);
    const int k = t.nodes[n].level;
    const double barrier = 1.0 + std::pow(10.0, i - 7);
    EXPECT_GT(t.level_energies[k], barrier);
    ASSERT_LT(k + 1, static_cast<int>(t.level_energies.size()));
    EXPECT_LE(t.level_energies[k + 1], barrier) << "merge " << i << " not resolved";
    levels.insert(k);
  }
  EXPECT_EQ(levels.size(), 5u);
  // Log levels are even in ln(E - E_min + eps).
  for (std::size_t k = 1; k < t.level_energies.size(); ++k)
    EXPECT_NEAR(
        t.level_coordinate(t.level_energies[k - 1]) - t.level_coordinate(t.level_energies[k]),
        t.delta, 1e-9 * t.delta);
}

TEST(Levels, OptionsKeepControl) {
  const db::Landscape land = decades_landscape();
  DisconnectivityOptions o;
  o.top = graph::WindowTop::HighestTransitionState;
  o.level_spacing = graph::LevelSpacing::Linear;
  const DisconnectivityTree t = graph::build_disconnectivity(land, o);
  EXPECT_EQ(t.spacing, graph::LevelSpacing::Linear);
  EXPECT_GT(t.level_energies.front(), 1.5);
  EXPECT_EQ(t.transition_states_above, 0);
  o.level_spacing = graph::LevelSpacing::Log;
  o.log_offset = 1e-3;
  const DisconnectivityTree tl = graph::build_disconnectivity(land, o);
  EXPECT_EQ(tl.spacing, graph::LevelSpacing::Log);
  EXPECT_DOUBLE_EQ(tl.log_offset, 1e-3);
  o.spacing = 0.01;
  EXPECT_THROW(graph::build_disconnectivity(land, o), std::invalid_argument);
  o.spacing = 0;
  o.log_offset = -1;
  EXPECT_THROW(graph::build_disconnectivity(land, o), std::invalid_argument);
}

TEST(Levels, AutoStaysLinearWhenLinearResolvesAsMuch) {
  // Merges at 4, 5, 8 above minima 0..3: even levels already separate them.
  const auto land = make_landscape({0.0, 1.0, 2.0, 3.0}, {{0, 1, 5.0}, {2, 3, 4.0}, {1, 2, 8.0}});
  const auto t = graph::build_disconnectivity(land);
  EXPECT_EQ(t.spacing, graph::LevelSpacing::Linear);
  EXPECT_EQ(graph::resolved_merges(t.level_energies, t.merge_energies), 3);
}

TEST(Levels, OneMinimumGetsAReadableWindow) {
  const auto land = make_landscape({0.6931340108}, {});
  const auto t = graph::build_disconnectivity(land);
  EXPECT_EQ(t.spacing, graph::LevelSpacing::Linear);
  // At least 10% of |E| high, so the axis needs no offset of 0.69 and no 1e-5 ticks.
  EXPECT_GE(t.window_top - t.energy_min, 0.1 * 0.6931340108);
}

TEST(Levels, ResolvedMergesCountsDistinctBins) {
  const std::vector<double> levels{4.5, 3.5, 2.5, 1.5};
  EXPECT_EQ(graph::resolved_merges(levels, {}), 0);
  EXPECT_EQ(graph::resolved_merges(levels, {2.6, 2.7}), 1);       // one bin [2.5, 3.5)
  EXPECT_EQ(graph::resolved_merges(levels, {2.6, 3.6, 5.0}), 3);  // above the top is a bin
  EXPECT_EQ(graph::resolved_merges(levels, {1.0, 1.2, 2.5}), 2);  // 2.5 is in [2.5, 3.5)
  EXPECT_EQ(graph::resolved_merges(levels, {3.0, 3.0, 3.0}), 1);
}

/// Basins at threshold e: sets of minima below e joined by transition states below e
/// (independent of the tree: a plain union-find over the landscape).
int basins_at(const db::Landscape& land, const std::vector<std::int64_t>& drawn, double e) {
  std::vector<int> parent(land.minima.size());
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int(int)> find = [&](int x) {
    return parent[x] == x ? x : parent[x] = find(parent[x]);
  };
  for (const auto& ts : land.transition_states)
    if (ts.energy < e) parent[find(static_cast<int>(ts.min1))] = find(static_cast<int>(ts.min2));
  std::set<int> roots;
  for (std::int64_t i : drawn)
    if (land.minima[i].energy < e) roots.insert(find(static_cast<int>(i)));
  return static_cast<int>(roots.size());
}

/// The survey's N_h = 3, lambda = 1e-6 landscape (committed fixture, see tests/data/README.md):
/// the default graph shows its branching, i.e. at least half of the levels hold more than one
/// basin and fewer basins than minima.
TEST(Levels, SurveyLandscapeNh3BranchesAcrossTheLevels) {
  // LOSSLAND_DATA_DIR is the repository's data/; the fixtures are in tests/data/.
  const auto dir = std::filesystem::path(LOSSLAND_DATA_DIR).parent_path() / "tests" / "data";
  const db::Landscape land = db::read((dir / "xor_h3_l1e-06.h5").string());
  ASSERT_GT(land.minima.size(), 4u);
  const DisconnectivityTree t = survey::paper_style_tree(land);
  const int drawn = static_cast<int>(t.minima_kept.size());
  int branching = 0;
  for (double e : t.level_energies) {
    const int b = basins_at(land, t.minima_kept, e);
    branching += b > 1 && b < drawn;
  }
  EXPECT_GE(2 * branching, static_cast<int>(t.level_energies.size()))
      << branching << " of " << t.level_energies.size() << " levels branch";
  EXPECT_EQ(t.roots.size(), 1u) << "the all-zero minimum's transition states still join";
}

}  // namespace
