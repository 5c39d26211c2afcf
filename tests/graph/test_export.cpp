/// JSON and Graphviz exports of a whole landscape (lossland/graph/export.hpp).
#include "lossland/graph/export.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "graph/graph_test_util.hpp"

using namespace lossland;
using lossland::testing::make_landscape;

namespace {

db::Landscape sample() {
  // Awkward doubles on purpose: shortest round-trip forms are long.
  auto land = make_landscape({0.1 + 0.2, 1.0 / 3.0, 2e-300},
                             {{0, 1, 0.7}, {1, 2, std::nextafter(0.9, 1.0)}, {2, 2, 1.25}});
  land.minima[1].coords[3] = std::nextafter(1.0, 2.0);
  Eigen::MatrixXd auc(3, 1), two(3, 2);
  auc << 1.0, std::nan(""), 0.5;
  two << 1, 2, 3, 4, 5, 6;
  land.minima_columns["auc"] = auc;
  land.minima_columns["pair"] = two;
  Eigen::MatrixXd tcol(3, 1);
  tcol << -1, -2, -3;
  land.ts_columns["path_length"] = tcol;
  land.notes["origin"] = "unit \"test\"";
  return land;
}

Eigen::VectorXd vec(const nlohmann::json& a) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(a.size()));
  for (std::size_t i = 0; i < a.size(); ++i) v[static_cast<Eigen::Index>(i)] = a[i].get<double>();
  return v;
}

TEST(LandscapeJson, HoldsTheWholeDatabaseBitForBit) {
  const db::Landscape land = sample();
  const nlohmann::json j = nlohmann::json::parse(graph::landscape_json(land));
  EXPECT_EQ(j["format"], "lossland-json");
  EXPECT_EQ(j["model"]["layers"], (std::vector<int>{2, 2, 2}));
  EXPECT_EQ(j["model"]["activation"], "tanh");
  EXPECT_EQ(j["model"]["lambda"].get<double>(), land.model.lambda);
  EXPECT_EQ(j["model"]["num_params"], 12);
  EXPECT_EQ(j["dataset"]["name"], "xor");
  EXPECT_EQ(j["dataset"]["labels"], (std::vector<int>{0, 1, 1, 0}));
  ASSERT_EQ(j["dataset"]["inputs"].size(), 4u);
  EXPECT_EQ(j["dataset"]["inputs"][3], (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(j["notes"]["origin"], "unit \"test\"");
  ASSERT_EQ(j["minima"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& m = j["minima"][i];
    EXPECT_EQ(m["id"], i);
    EXPECT_EQ(m["energy"].get<double>(), land.minima[i].energy) << "bit for bit";
    EXPECT_EQ(vec(m["coords"]), land.minima[i].coords);
    EXPECT_EQ(vec(m["eigenvalues"]), land.minima[i].eigenvalues);
    EXPECT_EQ(m["grad_rms"].get<double>(), land.minima[i].grad_rms);
  }
  EXPECT_EQ(j["minima"][0]["columns"]["auc"], 1.0);
  EXPECT_TRUE(j["minima"][1]["columns"]["auc"].is_null()) << "NaN is written as null";
  EXPECT_EQ(j["minima"][2]["columns"]["pair"], (std::vector<double>{5, 6}));
  ASSERT_EQ(j["transition_states"].size(), 3u);
  for (std::size_t t = 0; t < 3; ++t) {
    const auto& s = j["transition_states"][t];
    EXPECT_EQ(s["energy"].get<double>(), land.transition_states[t].energy);
    EXPECT_EQ(s["min1"], land.transition_states[t].min1);
    EXPECT_EQ(s["min2"], land.transition_states[t].min2);
    EXPECT_EQ(vec(s["coords"]), land.transition_states[t].coords);
    EXPECT_EQ(s["columns"]["path_length"], -static_cast<double>(t + 1));
  }
}

TEST(LandscapeJson, EmptyLandscapeIsAValidDocument) {
  const nlohmann::json j =
      nlohmann::json::parse(graph::landscape_json(lossland::testing::empty_xor_landscape()));
  EXPECT_TRUE(j["minima"].empty());
  EXPECT_TRUE(j["transition_states"].empty());
}

/// The dot text has one node statement per minimum and one edge per transition state, each
/// carrying its id and energy; braces balance; the title is the graph label.
TEST(NetworkDot, OneNodePerMinimumOneEdgePerTransitionState) {
  const db::Landscape land = sample();
  const std::string dot = graph::network_dot(land, "XOR \"3\"");
  EXPECT_NE(dot.find("graph landscape {"), std::string::npos);
  EXPECT_NE(dot.find("label=\"XOR \\\"3\\\"\""), std::string::npos) << dot;
  std::set<std::string> nodes;
  std::vector<std::pair<int, int>> edges;
  const std::regex node_re(R"(^  m(\d+) \[label="(\d+)\\n([^"]+)\")");
  const std::regex edge_re(R"(^  m(\d+) -- m(\d+) \[label="ts (\d+)\\n([^"]+)\")");
  std::istringstream in(dot);
  std::string line;
  int open = 0;
  while (std::getline(in, line)) {
    for (char c : line) open += c == '{' ? 1 : c == '}' ? -1 : 0;
    std::smatch m;
    if (std::regex_search(line, m, edge_re)) {
      const int t = std::stoi(m[3]);
      EXPECT_EQ(std::stoi(m[1]), land.transition_states[t].min1);
      EXPECT_EQ(std::stoi(m[2]), land.transition_states[t].min2);
      EXPECT_NEAR(std::stod(m[4]), land.transition_states[t].energy, 1e-7);
      edges.emplace_back(std::stoi(m[1]), std::stoi(m[2]));
    } else if (std::regex_search(line, m, node_re)) {
      EXPECT_EQ(m[1], m[2]);
      const int i = std::stoi(m[1]);
      EXPECT_NEAR(std::stod(m[3]), land.minima[i].energy,
                  1e-7 * std::max(1.0, std::abs(land.minima[i].energy)));
      nodes.insert(m[1]);
    }
  }
  EXPECT_EQ(open, 0);
  EXPECT_EQ(nodes.size(), 3u);
  ASSERT_EQ(edges.size(), 3u);
  EXPECT_EQ(edges[2], std::make_pair(2, 2)) << "the self-loop is kept";
}

}  // namespace
