/// Mehta et al. 2018, Figs. 2-6 layout: which minima get insets, and the figure itself.
#include "lossland/survey/paper_figures.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "graph/graph_test_util.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;

namespace {

/// Four minima of an N_h = 3 network; minimum 2 has hidden nodes 2 and 3 cut off (every weight
/// in or out of them zero), like the sparse minimum of Mehta et al. Fig. 2.
db::Landscape landscape_with_a_sparse_minimum() {
  auto land = lossland::testing::make_landscape({0.1, 0.2, 0.3, 0.25},
                                                {{0, 1, 0.4}, {1, 2, 0.5}, {2, 3, 0.45}}, 3);
  const ParamLayout L(land.model);
  auto& w = land.minima[2].coords;
  for (int j = 1; j < L.H; ++j) {
    for (int k = 0; k < L.I; ++k) w[L.W(j, k)] = 0;
    w[L.b(j)] = 0;
    for (int i = 0; i < L.O; ++i) w[L.V(i, j)] = 0;
  }
  return land;
}

TEST(PaperFigures, TheGlobalMinimumComesFirstAndTheSparseOneNext) {
  const auto land = landscape_with_a_sparse_minimum();
  const auto tree = graph::build_disconnectivity(land);
  EXPECT_EQ(survey::representative_minima(land, tree, 1), (std::vector<std::int64_t>{0}));
  EXPECT_EQ(survey::representative_minima(land, tree, 2), (std::vector<std::int64_t>{0, 2}));
  // The third is the one farthest from both: the higher of the two fully connected minima.
  EXPECT_EQ(survey::representative_minima(land, tree, 3), (std::vector<std::int64_t>{0, 2, 3}));
  EXPECT_EQ(survey::representative_minima(land, tree, 10).size(), 4u);
  EXPECT_THROW(survey::representative_minima(land, tree, 0), std::invalid_argument);
}

std::uint32_t be32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

TEST(PaperFigures, GraphWithInsetsHasOneColumnPerMinimum) {
  const lossland::testing::TempDir dir("insets");
  const auto land = landscape_with_a_sparse_minimum();
  graph::GraphPanel p;
  p.tree = graph::build_disconnectivity(land);
  p.title = "test";
  survey::InsetFigureOptions o;
  const std::string png = (dir / "f.png").string();
  survey::draw_graph_with_insets(land, p, {0, 2}, png, o);
  std::ifstream in(png, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(be32(bytes, 16), static_cast<std::uint32_t>(o.graph_width + 2 * o.inset_width + 8));
  EXPECT_GE(be32(bytes, 20), static_cast<std::uint32_t>(o.height));
  // A minimum that is not drawn, or bad options: errors, and no file.
  EXPECT_THROW(survey::draw_graph_with_insets(land, p, {7}, (dir / "g.png").string(), o),
               std::invalid_argument);
  o.max_insets = 0;
  EXPECT_THROW(survey::draw_graph_with_insets(land, p, {0}, (dir / "g.png").string(), o),
               std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir / "g.png"));
}

}  // namespace
