/// The HTML report: self-contained (pictures inlined), one table row per minimum.
#include <gtest/gtest.h>

#include "graph/graph_test_util.hpp"
#include "test_tmpdir.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lossland/analysis/metrics.hpp"
#include "lossland/analysis/report.hpp"

using namespace lossland;
using namespace lossland::analysis;

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\x10", 3)), "/wAQ");
}

TEST(Report, WritesSelfContainedPage) {
  db::Landscape land;
  land.model.layers = {2, 2, 2};
  land.model.lambda = 1e-2;
  land.dataset = xor_dataset();
  const MlpLoss loss(land.dataset, land.model);
  Eigen::VectorXd w(12);
  w << 3, -3, -3, 3, -1.5, -1.5, 0, 0, 2, 2, 0, 2;
  for (const Eigen::VectorXd& x : {w, Eigen::VectorXd(Eigen::VectorXd::Zero(12))}) {
    land.minima.push_back(lossland::testing::point_at(loss, x));
  }
  db::StoredTransitionState t;
  t.coords = 0.5 * w;
  t.energy = std::max(land.minima[0].energy, land.minima[1].energy) + 0.01;
  t.eigenvalues = Eigen::VectorXd::Ones(12);
  t.min1 = 0;
  t.min2 = 1;
  land.transition_states.push_back(t);

  ReportOptions o;
  EXPECT_THROW(write_report(land, "/tmp", o), std::runtime_error);  // no metric columns yet
  analyze_landscape(land);
  const lossland::testing::TempDir dir("test_report");
  std::filesystem::remove_all(dir);
  const ReportResult r = write_report(land, dir.string(), o);
  std::ifstream f(r.html_path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string html = ss.str();
  // Two minima x (map + diagram) plus the disconnectivity graph, each inlined once.
  std::size_t images = 0;
  for (std::size_t at = 0; (at = html.find("data:image/png;base64,", at)) != std::string::npos;
       ++at)
    ++images;
  EXPECT_EQ(images, r.has_disconnectivity_graph ? 5u : 4u) << r.note;
  EXPECT_EQ(html.find("src=\"min"), std::string::npos);  // no external files referenced
  EXPECT_NE(html.find("href=\"#min1\""), std::string::npos);
  EXPECT_NE(html.find("Bad minima</b> (training AUC &lt; 1): 1 of 2"), std::string::npos);
  for (const auto& img : r.images) EXPECT_TRUE(std::filesystem::exists(img)) << img;
}
