/// The landscape page's data (lossland/view/landscape_page.hpp): one leaf per drawn minimum at
/// its energy, the same layout as the disconnectivity tree, merge transition states equal to a
/// brute-force minimax barrier, the transition states the tree groups by, pictures for the
/// lowest minima only, and the "run lossland analyze" fallback.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "graph/graph_test_util.hpp"
#include "lossland/view/landscape_page.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;
using lossland::testing::brute_minimax;
using lossland::testing::make_landscape;
using lossland::testing::random_landscape;

namespace {

nlohmann::json data_of(const db::Landscape& land, const view::LandscapePageOptions& o) {
  return nlohmann::json::parse(view::landscape_page_data(land, o));
}

view::LandscapePageOptions no_pictures() {
  view::LandscapePageOptions o;
  o.max_pictures = 0;
  return o;
}

/// Minima in the subtree of node `n`, from the tree's own lists.
std::set<std::int64_t> minima_below(const graph::DisconnectivityTree& t, int n) {
  return {t.nodes[n].minima.begin(), t.nodes[n].minima.end()};
}

}  // namespace

TEST(ViewPage, OneLeafPerDrawnMinimumAtItsEnergyInTheTreeLayout) {
  for (unsigned seed : {1u, 2u, 3u}) {
    db::Landscape land = random_landscape(25, 60, seed);
    view::LandscapePageOptions o = no_pictures();
    o.tree.levels = 12 + static_cast<int>(seed);
    const nlohmann::json d = data_of(land, o);
    const graph::DisconnectivityTree t = graph::build_disconnectivity(land, o.tree);
    const auto& nodes = d["tree"]["nodes"];
    ASSERT_EQ(nodes.size(), t.nodes.size());
    std::set<std::int64_t> leaves;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      EXPECT_EQ(nodes[i]["x"].get<double>(), t.nodes[i].x);
      EXPECT_EQ(nodes[i]["energy"].get<double>(), t.nodes[i].energy);
      EXPECT_EQ(nodes[i]["parent"].get<int>(), t.nodes[i].parent);
      const std::int64_t m = nodes[i]["minimum"].get<std::int64_t>();
      if (m < 0) continue;
      EXPECT_TRUE(leaves.insert(m).second) << "minimum " << m << " has two leaves";
      EXPECT_EQ(nodes[i]["energy"].get<double>(), land.minima[m].energy);
      EXPECT_EQ(d["minima"][m]["leaf"].get<int>(), static_cast<int>(i));
    }
    EXPECT_EQ(leaves, std::set<std::int64_t>(t.minima_kept.begin(), t.minima_kept.end()));
    EXPECT_EQ(d["tree"]["levels"].get<std::vector<double>>(), t.level_energies);
    for (const auto& m : d["minima"]) {
      const std::int64_t id = m["id"].get<std::int64_t>();
      EXPECT_EQ(m["energy"].get<double>(), land.minima[id].energy);
      EXPECT_EQ(m["drawn"].get<bool>(), leaves.count(id) == 1);
    }
  }
}

TEST(ViewPage, MergeNodesCarryTheMinimaxTransitionState) {
  for (unsigned seed : {4u, 5u, 6u, 7u}) {
    const db::Landscape land = random_landscape(30, 45, seed);
    const view::LandscapePageOptions o = no_pictures();
    const nlohmann::json d = data_of(land, o);
    const graph::DisconnectivityTree t = graph::build_disconnectivity(land, o.tree);
    int merges = 0;
    for (std::size_t i = 0; i < t.nodes.size(); ++i) {
      const auto& n = t.nodes[i];
      const std::int64_t ts = d["tree"]["nodes"][i]["ts"].get<std::int64_t>();
      if (n.children.size() < 2) {
        EXPECT_EQ(ts, -1) << "node " << i << " joins no branches";
        continue;
      }
      ++merges;
      ASSERT_GE(ts, 0) << "merge node " << i;
      ASSERT_LT(ts, static_cast<std::int64_t>(land.transition_states.size()));
      // The barrier at which the node's branches join: the highest brute-force minimax energy
      // from the node's lowest minimum to each child's lowest minimum.
      double barrier = -std::numeric_limits<double>::infinity();
      for (int c : n.children)
        barrier = std::max(barrier, brute_minimax(land, static_cast<int>(n.lowest_minimum),
                                                  static_cast<int>(t.nodes[c].lowest_minimum)));
      const auto& s = land.transition_states[ts];
      EXPECT_EQ(s.energy, barrier) << "node " << i;
      // Its two ends lie in two different branches of the node.
      int in_a = -1, in_b = -1;
      for (std::size_t k = 0; k < n.children.size(); ++k) {
        const auto below = minima_below(t, n.children[k]);
        if (below.count(s.min1)) in_a = static_cast<int>(k);
        if (below.count(s.min2)) in_b = static_cast<int>(k);
      }
      EXPECT_GE(in_a, 0);
      EXPECT_GE(in_b, 0);
      EXPECT_NE(in_a, in_b) << "transition state " << ts << " of node " << i;
    }
    EXPECT_GT(merges, 0);
  }
}

TEST(ViewPage, TransitionStatesAreThoseTheTreeGroupsBy) {
  // 0-1 below the cut, 1-2 above it, a self-loop on 0, 2-3 with minimum 3 above the cut.
  const db::Landscape land =
      make_landscape({0.0, 0.1, 0.2, 0.9}, {{0, 1, 0.5}, {1, 2, 0.85}, {0, 0, 0.3}, {2, 3, 1.0}});
  view::LandscapePageOptions o = no_pictures();
  o.tree.max_energy = 0.8;
  const nlohmann::json d = data_of(land, o);
  ASSERT_EQ(d["transition_states"].size(), 1u);
  const auto& ts = d["transition_states"][0];
  EXPECT_EQ(ts["id"].get<int>(), 0);
  EXPECT_EQ(ts["energy"].get<double>(), 0.5);
  EXPECT_EQ(ts["min1"].get<int>(), 0);
  EXPECT_EQ(ts["min2"].get<int>(), 1);
  EXPECT_FALSE(d["minima"][3]["drawn"].get<bool>());
  EXPECT_EQ(d["transition_states_total"].get<int>(), 4);
  o.tree.max_energy = std::numeric_limits<double>::infinity();
  EXPECT_EQ(data_of(land, o)["transition_states"].size(), 3u);  // all but the self-loop
}

TEST(ViewPage, PicturesForTheLowestDrawnMinimaOnly) {
  db::Landscape land =
      make_landscape({0.5, 0.1, 0.3, 0.2}, {{0, 1, 0.9}, {1, 2, 0.8}, {2, 3, 0.7}});
  view::LandscapePageOptions o;
  o.max_pictures = 2;
  const nlohmann::json d = data_of(land, o);
  ASSERT_EQ(d["pictures"].size(), 2u);
  for (const char* id : {"1", "3"}) {  // energies 0.1 and 0.2
    ASSERT_TRUE(d["pictures"].contains(id)) << id;
    for (const char* kind : {"network", "sensitivity"}) {
      const std::string uri = d["pictures"][id][kind].get<std::string>();
      EXPECT_EQ(uri.rfind("data:image/png;base64,iVBORw0KGgo", 0), 0u) << kind;  // PNG magic
    }
  }
  EXPECT_EQ(d["max_pictures"].get<int>(), 2);
}

TEST(ViewPage, WithoutAnalysisColumnsThePageSaysRunAnalyze) {
  const db::Landscape land = make_landscape({0.0, 0.1}, {{0, 1, 0.5}});
  const lossland::testing::TempDir dir("view_page");
  view::LandscapePageOptions o = no_pictures();
  o.database = "x3.h5";
  const auto r = view::write_landscape_page(land, (dir / "p.html").string(), o);
  EXPECT_FALSE(r.analyzed);
  EXPECT_EQ(r.leaves, 2u);
  EXPECT_EQ(r.merge_nodes, 1u);
  std::ifstream f(dir / "p.html");
  std::stringstream s;
  s << f.rdbuf();
  const std::string html = s.str();
  EXPECT_NE(html.find("run lossland analyze "), std::string::npos);
  EXPECT_NE(html.find("\"analyzed\":false"), std::string::npos);
  EXPECT_NE(html.find("\"database\":\"x3.h5\""), std::string::npos);
  EXPECT_EQ(html.find("http://cdn"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);  // self-contained
  EXPECT_FALSE(std::filesystem::exists(dir / "p.html.tmp"));
}

TEST(ViewPage, ColumnsAndColourChoice) {
  db::Landscape land = make_landscape({0.0, 0.1, 0.2}, {{0, 1, 0.5}, {1, 2, 0.6}});
  land.minima_columns["auc"] = Eigen::MatrixXd::Constant(3, 1, 1.0);
  land.minima_columns["auc"](1, 0) = std::nan("");
  land.minima_columns["two_d"] = Eigen::MatrixXd::Zero(3, 2);
  view::LandscapePageOptions o = no_pictures();
  nlohmann::json d = data_of(land, o);
  EXPECT_EQ(d["color"], "auc");
  EXPECT_TRUE(d["columns"]["auc"][1].is_null());  // NaN
  EXPECT_FALSE(d["columns"].contains("two_d"));   // not one value per minimum
  o.color = "two_d";
  try {
    data_of(land, o);
    ADD_FAILURE() << "a 2-D column was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'two_d'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("auc"), std::string::npos) << e.what();
  }
  o.color = "energy";
  EXPECT_EQ(data_of(land, o)["color"], "energy");
}

TEST(ViewPage, ScriptEndTagInTextCannotBreakThePage) {
  const db::Landscape land = make_landscape({0.0, 0.1}, {{0, 1, 0.5}});
  const lossland::testing::TempDir dir("view_page_title");
  view::LandscapePageOptions o = no_pictures();
  o.title = "a</script><b>x";
  view::write_landscape_page(land, (dir / "p.html").string(), o);
  std::ifstream f(dir / "p.html");
  std::stringstream s;
  s << f.rdbuf();
  EXPECT_EQ(s.str().find("a</script>"), std::string::npos);
  EXPECT_NE(s.str().find("a<\\/script>"), std::string::npos);      // in the JSON
  EXPECT_NE(s.str().find("a&lt;/script&gt;"), std::string::npos);  // in the heading
}

TEST(ViewPage, StoredPathsBecomeProfiles) {
  db::Landscape land = make_landscape({0.0, 0.1}, {{0, 1, 0.5}});
  for (int side : {1, 2}) {
    db::StoredPath p;
    p.ts = 0;
    p.side = side;
    p.s = {0.0, 0.5 * side, 1.0 * side};
    p.energy = {0.5, 0.3, side == 1 ? 0.0 : 0.1};
    p.coords = Eigen::MatrixXd::Zero(3, land.num_params());
    land.paths.push_back(p);
  }
  const nlohmann::json d = data_of(land, no_pictures());
  ASSERT_TRUE(d["profiles"].contains("0"));
  EXPECT_EQ(d["profiles"]["0"]["s2"].get<std::vector<double>>(), (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(d["profiles"]["0"]["e1"].get<std::vector<double>>(),
            (std::vector<double>{0.5, 0.3, 0.0}));
}

TEST(ViewPage, OptionsAreValidated) {
  const db::Landscape land = make_landscape({0.0, 0.1}, {{0, 1, 0.5}});
  view::LandscapePageOptions o;
  o.max_pictures = -1;
  EXPECT_THROW(view::landscape_page_data(land, o), std::invalid_argument);
  o = {};
  o.zero_threshold = 1.0;
  EXPECT_THROW(view::landscape_page_data(land, o), std::invalid_argument);
  o = {};
  o.tree.levels = 1;
  EXPECT_THROW(view::landscape_page_data(land, o), std::invalid_argument);
}
