#include "lossland/graph/render.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "graph/graph_test_util.hpp"

using namespace lossland;
namespace fs = std::filesystem;

namespace {

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lossland_render_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

graph::GraphPanel panel() {
  const auto land = lossland::testing::make_landscape({0.0, 1.0, 2.0, 3.0},
                                                      {{0, 1, 5.0}, {2, 3, 4.0}, {1, 2, 8.0}});
  graph::GraphPanel p;
  p.tree = graph::build_disconnectivity(land);
  p.title = "test, tanh, N_h = 2, \xce\xbb = 1e-4";
  p.color_values = {0.5, 1.0, std::nan(""), 0.75};
  p.color_label = "auc";
  p.labels = {0, 3};
  return p;
}

TEST_F(RenderTest, WritesAllThreeFormats) {
  graph::RenderOptions opt;
  opt.width = 640;
  opt.height = 480;
  graph::draw_disconnectivity(panel(), path("g.png"), opt);
  const std::string png = slurp(path("g.png"));
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_EQ(be32(png, 16), 640u);  // IHDR width
  EXPECT_EQ(be32(png, 20), 480u);  // IHDR height
  graph::draw_disconnectivity(panel(), path("g.svg"), opt);
  EXPECT_NE(slurp(path("g.svg")).find("<svg"), std::string::npos);
  graph::draw_disconnectivity(panel(), path("g.pdf"), opt);
  EXPECT_EQ(slurp(path("g.pdf")).substr(0, 5), "%PDF-");
}

TEST_F(RenderTest, GridSizeIsColumnsTimesRows) {
  graph::RenderOptions opt;
  opt.width = 300;
  opt.height = 200;
  graph::draw_disconnectivity_grid({panel(), panel(), panel(), panel(), panel()}, path("g.png"),
                                   opt);
  const std::string png = slurp(path("g.png"));
  EXPECT_EQ(be32(png, 16), 900u);  // 3 columns
  EXPECT_EQ(be32(png, 20), 400u);  // 2 rows
  opt.columns = 2;
  graph::draw_disconnectivity_grid({panel(), panel(), panel()}, path("h.png"), opt);
  const std::string h = slurp(path("h.png"));
  EXPECT_EQ(be32(h, 16), 600u);
  EXPECT_EQ(be32(h, 20), 400u);
}

TEST_F(RenderTest, BadInputsAreErrors) {
  EXPECT_THROW(graph::draw_disconnectivity(panel(), path("g.jpg")), std::invalid_argument);
  graph::RenderOptions opt;
  opt.width = 10;
  EXPECT_THROW(graph::draw_disconnectivity(panel(), path("g.png"), opt), std::invalid_argument);
  EXPECT_THROW(graph::draw_disconnectivity_grid({}, path("g.png")), std::invalid_argument);
  EXPECT_ANY_THROW(graph::draw_disconnectivity(panel(), path("no/such/dir/g.png")));
}

/// All stroke colours of a cairo SVG, as r, g, b in [0, 1] ("stroke:rgb(a%,b%,c%)").
std::vector<Eigen::Vector3d> svg_strokes(const std::string& svg) {
  std::vector<Eigen::Vector3d> out;
  const std::string key = "stroke:rgb(";
  for (auto at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
    Eigen::Vector3d c;
    if (std::sscanf(svg.c_str() + at + key.size(), "%lf%%,%lf%%,%lf%%", &c[0], &c[1], &c[2]) == 3)
      out.push_back(c / 100.0);
  }
  return out;
}

bool has_colour(const std::vector<Eigen::Vector3d>& strokes, const Eigen::Vector3d& c) {
  for (const auto& s : strokes)
    if ((s - c).cwiseAbs().maxCoeff() < 0.004) return true;
  return false;
}

/// The colour scale spans the data by default and the pinned range when given: minimum 1
/// (value 1.0) is drawn at the top of the map (t = 0.85, the drawn part of viridis) over the data
/// range [0.5, 1], but at t = 0.85 * (1 - 0) / (2 - 0) over a pinned [0, 2].
TEST_F(RenderTest, ColourRangeDefaultsToTheDataAndCanBePinned) {
  graph::GraphPanel p = panel();
  graph::draw_disconnectivity(p, path("data.svg"));
  const auto data = svg_strokes(slurp(path("data.svg")));
  EXPECT_TRUE(has_colour(data, graph::colormap(0.85)));
  EXPECT_TRUE(has_colour(data, graph::colormap(0.0)));            // value 0.5
  EXPECT_TRUE(has_colour(data, graph::colormap(0.85 * 0.5)));     // value 0.75
  EXPECT_TRUE(has_colour(data, Eigen::Vector3d(0.6, 0.6, 0.6)));  // NaN drawn grey
  p.color_min = 0.0;
  p.color_max = 2.0;
  graph::draw_disconnectivity(p, path("pinned.svg"));
  const auto pinned = svg_strokes(slurp(path("pinned.svg")));
  EXPECT_TRUE(has_colour(pinned, graph::colormap(0.85 * 1.0 / 2.0)));
  EXPECT_TRUE(has_colour(pinned, graph::colormap(0.85 * 0.5 / 2.0)));
  EXPECT_FALSE(has_colour(pinned, graph::colormap(0.85)));
  // Values outside a pinned range take the end colours: [0.8, 0.9] puts 0.5 at the bottom and
  // 1.0 at the top.
  p.color_min = 0.8;
  p.color_max = 0.9;
  graph::draw_disconnectivity(p, path("clamped.svg"));
  const auto clamped = svg_strokes(slurp(path("clamped.svg")));
  EXPECT_TRUE(has_colour(clamped, graph::colormap(0.0)));
  EXPECT_TRUE(has_colour(clamped, graph::colormap(0.85)));
  p.color_min = 1.0;
  p.color_max = 0.5;
  EXPECT_THROW(graph::draw_disconnectivity(p, path("bad.svg")), std::invalid_argument);
}

/// A drawn graph is far from blank: a blank white PNG of this size compresses to well under
/// 2 kB, the graph with text, branches and colour bar to much more; the SVG has many strokes.
TEST_F(RenderTest, PicturesAreNotBlank) {
  graph::RenderOptions opt;
  opt.width = 640;
  opt.height = 480;
  graph::draw_disconnectivity(panel(), path("g.png"), opt);
  EXPECT_GT(fs::file_size(path("g.png")), 8000u);
  graph::draw_disconnectivity(panel(), path("g.svg"), opt);
  EXPECT_GE(svg_strokes(slurp(path("g.svg"))).size(), 8u);  // 7 branches + axis at least
}

TEST(NiceTicks, StepsAreOneTwoFiveTimesAPowerOfTen) {
  for (auto [lo, hi] : std::vector<std::pair<double, double>>{
           {0.0, 1.0}, {0.0119, 0.0153}, {-3.2, 7.9}, {1e-11, 7e-11}, {0.484, 0.49}}) {
    const auto t = graph::nice_ticks(lo, hi, 6);
    ASSERT_GE(t.size(), 3u) << lo << " " << hi;
    EXPECT_LE(t.size(), 12u);
    const double step = t[1] - t[0];
    const double mant = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    EXPECT_TRUE(std::abs(mant - 1) < 1e-6 || std::abs(mant - 2) < 1e-6 || std::abs(mant - 5) < 1e-6)
        << "step " << step;
    for (std::size_t i = 0; i < t.size(); ++i) {
      EXPECT_GE(t[i], lo - 1e-12 * std::abs(step));
      EXPECT_LE(t[i], hi + 1e-9 * std::abs(step));
      if (i) EXPECT_NEAR(t[i] - t[i - 1], step, 1e-9 * step);
    }
  }
  EXPECT_TRUE(graph::nice_ticks(1.0, 1.0).empty());
}

TEST(Colormap, EndpointsAndMonotoneLightness) {
  const auto a = graph::colormap(0.0), b = graph::colormap(1.0);
  EXPECT_NEAR(a[0], 0.267, 1e-9);
  EXPECT_NEAR(b[1], 0.906, 1e-9);
  double prev = -1;
  for (int i = 0; i <= 20; ++i) {
    const auto c = graph::colormap(i / 20.0);
    const double luma = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    EXPECT_GT(luma, prev);
    prev = luma;
  }
  EXPECT_EQ(graph::colormap(-3), graph::colormap(0));
  EXPECT_EQ(graph::colormap(7), graph::colormap(1));
}

}  // namespace

namespace {

/// Every drawn minimum with the same AUC: one swatch in the leaf colour, not an invented
/// 0.5-1.5 colour bar (no gradient in the SVG).
TEST_F(RenderTest, OneColourValueGetsASingleSwatch) {
  graph::GraphPanel p = panel();
  p.color_values = {1.0, 1.0, 1.0, 1.0};
  graph::draw_disconnectivity(p, path("one.svg"));
  const std::string svg = slurp(path("one.svg"));
  EXPECT_EQ(svg.find("linearGradient"), std::string::npos) << "a colour bar was drawn";
  EXPECT_TRUE(has_colour(svg_strokes(svg), graph::colormap(0.5 * 0.85)));
  // Two values give the bar.
  p.color_values = {1.0, 0.5, 1.0, 1.0};
  graph::draw_disconnectivity(p, path("two.svg"));
  EXPECT_NE(slurp(path("two.svg")).find("linearGradient"), std::string::npos);
}

/// Mehta et al. 2018, Fig. 1: AUC 0.5 blue, AUC 0.75 red, good minima black; no colour bar.
TEST_F(RenderTest, AucClassesColourTheBadMinimaAsThePaper) {
  graph::GraphPanel p = panel();
  p.color_values = {0.5, 1.0, 0.75, 1.0};
  p.color_scheme = graph::ColorScheme::AucClasses;
  graph::draw_disconnectivity(p, path("auc.svg"));
  const std::string svg = slurp(path("auc.svg"));
  const auto strokes = svg_strokes(svg);
  EXPECT_TRUE(has_colour(strokes, graph::auc_class_colour(0.5)));
  EXPECT_TRUE(has_colour(strokes, graph::auc_class_colour(0.75)));
  EXPECT_EQ(svg.find("linearGradient"), std::string::npos);
  EXPECT_GT(graph::auc_class_colour(0.5)[2], 0.8);   // blue
  EXPECT_GT(graph::auc_class_colour(0.75)[0], 0.8);  // red
  EXPECT_EQ(graph::auc_class_colour(0.999).norm(), 0.0);
  EXPECT_EQ(graph::auc_class_label(0.74), "AUC 0.75");
  EXPECT_EQ(graph::auc_class_label(0.5), "AUC 0.5");
}

/// The caption says what was left out: "3 of 4 minima, 1 of 3 transition states".
TEST(PanelSummary, SaysWhatWasLeftOut) {
  auto land = lossland::testing::make_landscape({0.0, 1.0, 2.0, 3.0},
                                                {{0, 1, 5.0}, {2, 3, 4.0}, {1, 2, 8.0}});
  graph::DisconnectivityOptions o;
  o.level_spacing = graph::LevelSpacing::Linear;
  EXPECT_EQ(graph::panel_summary(graph::build_disconnectivity(land, o)),
            "4 minima, 3 transition states; 20 linear levels");
  o.max_energy = 2.5;
  EXPECT_EQ(graph::panel_summary(graph::build_disconnectivity(land, o)),
            "3 of 4 minima, 0 of 3 transition states; 20 linear levels");
}

}  // namespace
