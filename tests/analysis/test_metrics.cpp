/// Per-point metrics and sensitivity maps against hand-built networks with known answers.
#include <gtest/gtest.h>

#include "graph/graph_test_util.hpp"
#include "test_tmpdir.hpp"

#include <cmath>
#include <filesystem>

#include "lossland/analysis/metrics.hpp"
#include "lossland/analysis/network_diagram.hpp"
#include "lossland/analysis/sensitivity.hpp"
#include "lossland/db/database.hpp"

using namespace lossland;
using namespace lossland::analysis;

namespace {

ModelSpec xor_spec(int hidden, double lambda = 1e-4) {
  ModelSpec s;
  s.layers = {2, hidden, 2};
  s.lambda = lambda;
  return s;
}

/// The ideal rule as a network: h1 = tanh(a(x - y - 1/2)), h2 = tanh(a(y - x - 1/2)),
/// logit difference y1 - y0 = k (h1 + h2 + 1): -k inside the band |x - y| < 1/2, +k outside.
/// `sign` = -1 inverts the output (every class swapped).
Eigen::VectorXd ideal_rule_network(double a, double k, double sign = 1) {
  const ModelSpec s = xor_spec(2);
  const ParamLayout L(s);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(L.size());
  w[L.W(0, 0)] = a;
  w[L.W(0, 1)] = -a;
  w[L.b(0)] = -a / 2;
  w[L.W(1, 0)] = -a;
  w[L.W(1, 1)] = a;
  w[L.b(1)] = -a / 2;
  w[L.V(1, 0)] = sign * k;
  w[L.V(1, 1)] = sign * k;
  w[L.c(1)] = sign * k;
  return w;
}

std::string temp_path(const std::string& name) {
  static const lossland::testing::TempDir dir("test_metrics");  // removed at exit
  return (dir / name).string();
}

}  // namespace

TEST(RocAuc, HandCounts) {
  const std::vector<bool> pos = {false, true, true, false};
  Eigen::VectorXd s(4);
  s << 0.1, 0.9, 0.8, 0.2;
  EXPECT_DOUBLE_EQ(roc_auc(s, pos), 1.0);
  s << 0.9, 0.1, 0.2, 0.8;
  EXPECT_DOUBLE_EQ(roc_auc(s, pos), 0.0);
  s << 0.5, 0.5, 0.5, 0.5;
  EXPECT_DOUBLE_EQ(roc_auc(s, pos), 0.5);
  // One of the four positive/negative pairs misordered: 3/4.
  s << 0.1, 0.9, 0.3, 0.4;
  EXPECT_DOUBLE_EQ(roc_auc(s, pos), 0.75);
  // A near-tie counts half only within the tolerance.
  s << 0.1, 0.9, 0.5, 0.5 + 1e-14;
  EXPECT_DOUBLE_EQ(roc_auc(s, pos, 0.0), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc(s, pos, 1e-12), 0.875);
  EXPECT_TRUE(std::isnan(roc_auc(s, {true, true, true, true})));
  EXPECT_THROW(roc_auc(s, {true}), std::invalid_argument);
}

TEST(RocAuc, OneVsRestMeanForThreeClasses) {
  Eigen::MatrixXd p(3, 3);
  // Class 0 and 1 perfectly ranked by their own columns; class 2's column ranks sample 0 top.
  p << 0.6, 0.1, 0.3,  //
      0.2, 0.7, 0.1,   //
      0.1, 0.2, 0.2;
  Eigen::VectorXi labels(3);
  labels << 0, 1, 2;
  // AUC_0 = 1, AUC_1 = 1, AUC_2: score 0.2 vs {0.3, 0.1} -> 1/2.
  EXPECT_DOUBLE_EQ(training_auc(p, labels), (1.0 + 1.0 + 0.5) / 3);
}

TEST(Metrics, IdealRuleNetworkIsPerfectAndRobust) {
  const MlpLoss loss(xor_dataset(), xor_spec(2));
  const double k = 3.0;
  const PointMetrics m = compute_metrics(loss, ideal_rule_network(1000, k));
  EXPECT_DOUBLE_EQ(m.auc, 1.0);
  const double p = 1 / (1 + std::exp(-k));  // every training point at |logit difference| = k
  EXPECT_NEAR(m.p_correct_min, p, 1e-12);
  EXPECT_NEAR(m.p_correct_max, p, 1e-12);
  EXPECT_EQ(m.nonzero_weights, 9);
  EXPECT_EQ(m.connected_hidden, 2);
  // No grid value pair has |x - y| = 0.5 exactly (0.5 / 0.015 is not an integer) and tanh(5)
  // already has the right sign: the network follows the rule everywhere.
  EXPECT_DOUBLE_EQ(m.robustness, 1.0);
}

TEST(Metrics, InvertedNetworkIsWrongEverywhere) {
  const MlpLoss loss(xor_dataset(), xor_spec(2));
  const PointMetrics m = compute_metrics(loss, ideal_rule_network(1000, 3.0, -1));
  EXPECT_DOUBLE_EQ(m.auc, 0.0);
  EXPECT_DOUBLE_EQ(m.robustness, 0.0);
  EXPECT_LT(m.p_correct_max, 0.5);
}

TEST(Metrics, ZeroNetworkPredictsClassZeroOnTies) {
  const MlpLoss loss(xor_dataset(), xor_spec(3));
  const PointMetrics m = compute_metrics(loss, Eigen::VectorXd::Zero(17));
  EXPECT_DOUBLE_EQ(m.auc, 0.5);
  EXPECT_DOUBLE_EQ(m.p_correct_min, 0.5);
  EXPECT_DOUBLE_EQ(m.p_correct_max, 0.5);
  EXPECT_EQ(m.nonzero_weights, 0);
  EXPECT_EQ(m.connected_hidden, 0);
  // Ties go to class 0, which the rule wants for |q - r| <= 33 grid steps:
  // sum_{d=-33}^{33} (134 - |d|) = 134 * 67 - 2 * (33 * 34 / 2) = 7856 of 134^2.
  EXPECT_DOUBLE_EQ(m.robustness, 7856.0 / (134.0 * 134.0));
}

TEST(Metrics, ConnectedNodesWithExactAndNearZeros) {
  const ModelSpec s = xor_spec(4);
  const ParamLayout L(s);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(L.size());
  // node 0: exact zeros; node 1: only its bias, 1e-11; node 2: only V(0,2) = 2e-10;
  // node 3: everything 0.5. Output biases 0.3 and -1e-11.
  w[L.b(1)] = 1e-11;
  w[L.V(0, 2)] = 2e-10;
  for (int k = 0; k < 2; ++k) w[L.W(3, k)] = 0.5;
  w[L.b(3)] = 0.5;
  w[L.V(0, 3)] = w[L.V(1, 3)] = 0.5;
  w[L.c(0)] = 0.3;
  w[L.c(1)] = -1e-11;
  auto count = [&](double t) {
    int n = 0;
    for (bool c : connected_hidden_nodes(s, w, t)) n += c;
    return n;
  };
  EXPECT_EQ(connected_hidden_nodes(s, w, 1e-10), (std::vector<bool>{false, false, true, true}));
  EXPECT_EQ(count(1e-10), 2);
  EXPECT_EQ(count(1e-12), 3);
  EXPECT_EQ(count(0.0), 3);  // exact zeros never count
  EXPECT_EQ(count(1e-9), 1);
  EXPECT_EQ(count_nonzero_weights(w, 1e-10), 1 + 5 + 1);  // V(0,2), node 3, c(0)
  EXPECT_EQ(count_nonzero_weights(w, 0.0), 1 + 1 + 5 + 2);
  EXPECT_THROW(connected_hidden_nodes(s, Eigen::VectorXd::Zero(5), 1e-10), std::invalid_argument);
}

TEST(Sensitivity, GridAndInputChecks) {
  SensitivityGrid g;
  EXPECT_EQ(g.count(), 134);  // -0.5, -0.485, ..., 1.495
  const MlpLoss loss(xor_dataset(), xor_spec(2));
  const SensitivityMap map = sensitivity_map(loss, ideal_rule_network(1000, 3));
  EXPECT_EQ(map.p1.rows(), 134);
  EXPECT_NEAR(map.values[133], 1.495, 1e-12);
  // Row = second input, column = first input: (x, y) = (1.0, -0.5) is class 1.
  EXPECT_EQ(map.predicted(0, 100), 1);
  EXPECT_EQ(map.predicted(50, 50), 0);

  Dataset three;
  three.name = "three";
  three.inputs = Eigen::MatrixXd::Zero(2, 3);
  three.inputs(1, 0) = 1;
  three.labels = Eigen::VectorXi(2);
  three.labels << 0, 1;
  ModelSpec s3 = xor_spec(2);
  s3.layers = {3, 2, 2};
  const MlpLoss loss3(three, s3);
  try {
    sensitivity_map(loss3, Eigen::VectorXd::Zero(s3.num_params()));
    FAIL() << "expected a throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("two inputs"), std::string::npos);
  }
  EXPECT_TRUE(
      std::isnan(compute_metrics(loss3, Eigen::VectorXd::Zero(s3.num_params())).robustness));
}

TEST(Sensitivity, RecognisesXorInAnyOrder) {
  Dataset d = xor_dataset();
  EXPECT_TRUE(is_xor_dataset(d));
  d.inputs.row(0).swap(d.inputs.row(3));
  EXPECT_TRUE(is_xor_dataset(d));  // (1,1) and (0,0) both label 0
  d.labels[1] = 0;
  EXPECT_FALSE(is_xor_dataset(d));  // AND-like labels
  EXPECT_EQ(ideal_xor_class(0.2, 0.7), 0);
  EXPECT_EQ(ideal_xor_class(0.2, 0.71), 1);
}

TEST(Pictures, MapAndDiagramWriteFiles) {
  const MlpLoss loss(xor_dataset(), xor_spec(2));
  const Eigen::VectorXd w = ideal_rule_network(5, 3);
  for (const std::string ext : {".png", ".svg"}) {
    const std::string map_path = temp_path("map" + ext), net_path = temp_path("net" + ext);
    std::filesystem::remove(map_path);
    std::filesystem::remove(net_path);
    draw_sensitivity_map(sensitivity_map(loss, w), xor_dataset(), map_path);
    draw_network_diagram(loss.spec(), w, net_path);
    EXPECT_GT(std::filesystem::file_size(map_path), 1000u);
    EXPECT_GT(std::filesystem::file_size(net_path), 1000u);
  }
  EXPECT_THROW(draw_network_diagram(loss.spec(), w, temp_path("net.gif")), std::invalid_argument);
  EXPECT_THROW(draw_network_diagram(loss.spec(), Eigen::VectorXd::Zero(3), temp_path("n.png")),
               std::invalid_argument);
}

TEST(AnalyzeLandscape, FillsAndReplacesColumns) {
  db::Landscape land;
  land.model = xor_spec(2);
  land.dataset = xor_dataset();
  land.created_by = "test";
  const MlpLoss loss(land.dataset, land.model);
  for (const Eigen::VectorXd& w :
       {Eigen::VectorXd(ideal_rule_network(1000, 3)), Eigen::VectorXd(Eigen::VectorXd::Zero(12))}) {
    land.minima.push_back(lossland::testing::point_at(loss, w));
  }
  db::StoredTransitionState t;
  t.coords = ideal_rule_network(1000, 3, -1);
  t.energy = loss.energy(t.coords);
  t.eigenvalues = Eigen::VectorXd::Ones(12);
  t.min1 = 0;
  t.min2 = 1;
  land.transition_states.push_back(t);
  land.minima_columns["auc"] = Eigen::MatrixXd::Constant(2, 1, -7.0);  // stale values

  const std::vector<PointMetrics> m = analyze_landscape(land);
  ASSERT_EQ(m.size(), 2u);
  for (const auto& name : metric_column_names()) {
    ASSERT_EQ(land.minima_columns.at(name).rows(), 2) << name;
    ASSERT_EQ(land.ts_columns.at(name).rows(), 1) << name;
  }
  EXPECT_DOUBLE_EQ(land.minima_columns["auc"](0, 0), 1.0);
  EXPECT_DOUBLE_EQ(land.minima_columns["auc"](1, 0), 0.5);
  EXPECT_DOUBLE_EQ(land.minima_columns["connected_hidden"](1, 0), 0.0);
  EXPECT_DOUBLE_EQ(land.ts_columns["auc"](0, 0), 0.0);
  EXPECT_DOUBLE_EQ(land.ts_columns["robustness"](0, 0), 0.0);

  const std::string path = temp_path("analyzed.h5");
  db::write(path, land);
  const db::Landscape back = db::read(path);
  EXPECT_DOUBLE_EQ(back.minima_columns.at("robustness")(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(back.ts_columns.at("nonzero_weights")(0, 0), 9.0);
}

TEST(Options, ValidateNamesTheField) {
  MetricsOptions o;
  o.zero_threshold = -1;
  try {
    o.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("zero_threshold"), std::string::npos);
  }
}
