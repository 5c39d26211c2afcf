/// Regression tests for the defects a new user's tour found (issue 14, item 4) in `query` and
/// in the top-level command line; each test is named after its defect. (The dgraph defects of
/// the same list are covered in tests/graph/; the ei ones in tests/analysis/test_ei_cli.cpp.)
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "graph/graph_test_util.hpp"
#include "lossland/db/database.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;
using namespace lossland::testing;

namespace {

/// How many times `what` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// The hand-made network of the query tests (hand_network(): sets {0,1,2,3} and {4,5}; 3 and 5 the
/// lowest of their sets, so they have no escape barrier) with an AUC column and a count column
/// (nonzero_weights) stored as float64, as `analyze` stores it in format_version 1.
class TourDefects : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Landscape land = lossland::testing::hand_network();
    Eigen::MatrixXd nonzero(6, 1);
    nonzero << 17, 12, 9, 0, 5, 3;
    land.minima_columns["nonzero_weights"] = nonzero;
    db_ = (dir_.path() / "hand.h5").string();
    db::write(db_, land);
  }
  lossland::testing::TempDir dir_{"tourdefects"};
  std::string db_;
};

/// `query --columns id,...` printed id (and the other ids and counts) as 0.0 in JSON.
TEST_F(TourDefects, QueryColumnsIdIsAnIntegerInJson) {
  const auto j = run_cli_json("query " + db_ +
                              " minima --json --sort id --columns id,component,degree,class,"
                              "nonzero_weights,auc,barrier");
  ASSERT_EQ(j["minima"].size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const auto& m = j["minima"][i];
    for (const char* f : {"id", "component", "degree", "class", "nonzero_weights", "auc"})
      ASSERT_TRUE(m.contains(f)) << i << " " << f << ": " << m;
    for (const char* f : {"id", "component", "degree", "class", "nonzero_weights"})
      EXPECT_TRUE(m[f].is_number_integer()) << i << " " << f << ": " << m[f];
    EXPECT_EQ(m["id"].get<int>(), i);
    EXPECT_TRUE(m["auc"].is_number_float()) << m["auc"];
  }
  EXPECT_EQ(j["minima"][0]["nonzero_weights"].get<int>(), 17);
  EXPECT_TRUE(j["minima"][3]["barrier"].is_null()) << "no escape from the global minimum";
  const auto t = run_cli_json("query " + db_ + " ts --json --sort id --columns id,min1,min2");
  ASSERT_EQ(t["transition_states"].size(), 7u);
  for (const auto& s : t["transition_states"])
    for (const char* f : {"id", "min1", "min2"}) EXPECT_TRUE(s[f].is_number_integer()) << f;
  // CSV: counts as integers too.
  const CliRun csv = run_cli("query " + db_ + " minima --csv --sort id --columns nonzero_weights");
  ASSERT_EQ(csv.code, 0) << csv.out;
  const auto rows = lines_of(csv.out);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[0],
            "id,energy,grad_rms,min_eigenvalue,class,component,degree,barrier,"
            "nonzero_weights");
  EXPECT_EQ(rows[1].substr(rows[1].rfind(',') + 1), "17") << rows[1];
}

/// `query show` printed the counts of the stored columns as "17.0".
TEST_F(TourDefects, QueryShowPrintsCountsAsIntegers) {
  const CliRun r = run_cli("query " + db_ + " show min 0");
  ASSERT_EQ(r.code, 0) << r.out;
  bool seen = false;
  for (const auto& line : lines_of(r.out))
    if (line.rfind("nonzero_weights", 0) == 0) {
      seen = true;
      EXPECT_EQ(line.substr(line.find_last_of(' ') + 1), "17") << line;
    }
  EXPECT_TRUE(seen) << r.out;
  EXPECT_FALSE(contains(r.out, "17.0")) << r.out;
  const auto j = run_cli_json("query " + db_ + " show min 1 --json");
  ASSERT_TRUE(j["columns"].contains("nonzero_weights")) << j["columns"];
  EXPECT_TRUE(j["columns"]["nonzero_weights"].is_number_integer()) << j["columns"];
  EXPECT_EQ(j["columns"]["nonzero_weights"].get<int>(), 12);
  EXPECT_TRUE(j["columns"]["auc"].is_number_float());
  EXPECT_EQ(j["columns"]["auc"].get<double>(), 0.75);
}

/// `query minima --columns energy,barrier` repeated both columns at 6 digits, with `inf` where
/// the table says `none`.
TEST_F(TourDefects, QueryColumnsAlreadyShownAreNotRepeated) {
  const CliRun r = run_cli("query " + db_ + " minima --columns energy,barrier,component");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto rows = lines_of(r.out);
  ASSERT_EQ(rows.size(), 8u) << r.out;  // the count line, the header, 6 minima
  EXPECT_EQ(count_of(rows[1], "energy"), 1u) << rows[1];
  EXPECT_EQ(count_of(rows[1], "barrier"), 1u) << rows[1];
  EXPECT_EQ(count_of(rows[1], "component"), 1u) << rows[1];
  EXPECT_FALSE(contains(r.out, "inf")) << r.out;
  EXPECT_EQ(count_of(r.out, "none"), 2u) << "minima 3 and 5 have no escape barrier\n" << r.out;
  // The global minimum (first row): its component printed as an integer, last on the line.
  EXPECT_EQ(rows[2].substr(rows[2].find_last_of(' ') + 1), "0") << rows[2];
  const CliRun csv = run_cli("query " + db_ + " minima --csv --columns energy,barrier");
  ASSERT_EQ(csv.code, 0) << csv.out;
  EXPECT_EQ(lines_of(csv.out)[0],
            "id,energy,grad_rms,min_eigenvalue,class,component,degree,barrier");
  const CliRun ts = run_cli("query " + db_ + " ts --columns energy,min1 --csv");
  EXPECT_EQ(lines_of(ts.out)[0], "id,energy,grad_rms,neg_eigenvalue,min1,min2,barrier1,barrier2");
}

/// The README example `query minima --where 'auc<1' --json` did not print auc.
TEST_F(TourDefects, QueryWhereAucPrintsAuc) {
  const auto j = run_cli_json("query " + db_ + " minima --where 'auc<1' --json");
  ASSERT_EQ(j["minima"].size(), 2u);
  for (const auto& m : j["minima"]) ASSERT_TRUE(m.contains("auc")) << m;
  EXPECT_EQ(j["minima"][0]["id"], 1);
  EXPECT_EQ(j["minima"][0]["auc"].get<double>(), 0.75);
  EXPECT_EQ(j["minima"][1]["id"], 4);
  EXPECT_EQ(j["minima"][1]["auc"].get<double>(), 0.5);
  // The table and CSV too, and the field of --sort; each named once.
  const CliRun r = run_cli("query " + db_ + " minima --where 'auc<1' --where 'auc>0' --sort " +
                           "nonzero_weights --columns auc");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto rows = lines_of(r.out);
  ASSERT_EQ(rows.size(), 4u) << r.out;
  EXPECT_EQ(count_of(rows[1], "auc"), 1u) << rows[1];
  EXPECT_TRUE(contains(rows[1], "nonzero_weights")) << rows[1];
  EXPECT_EQ(rows[2].substr(rows[2].find_last_of(' ') + 1), "5") << "minimum 4 first\n" << r.out;
  const CliRun csv = run_cli("query " + db_ + " minima --where 'auc<1' --csv");
  EXPECT_EQ(lines_of(csv.out)[0],
            "id,energy,grad_rms,min_eigenvalue,class,component,degree,barrier,auc");
}

/// Hidden nodes were h1..h3 in the network diagrams but 0..2 in `query show`.
TEST_F(TourDefects, QueryShowNamesHiddenNodesLikeThePictures) {
  const CliRun r = run_cli("query " + db_ + " show min 2");
  ASSERT_EQ(r.code, 0) << r.out;
  std::vector<std::string> nodes;
  for (const auto& line : lines_of(r.out)) {
    std::istringstream in(line);
    std::string first;
    in >> first;
    if (line.rfind("  ", 0) == 0 && (first == "0" || first == "1" || first[0] == 'h'))
      nodes.push_back(first);
  }
  EXPECT_EQ(nodes, (std::vector<std::string>{"h1", "h2"})) << r.out;
  EXPECT_TRUE(contains(r.out, "hidden node hj")) << r.out;
  const auto j = run_cli_json("query " + db_ + " show min 2 --json");
  ASSERT_TRUE(j["blocks"].contains("hidden_nodes")) << j["blocks"];
  EXPECT_EQ(j["blocks"]["hidden_nodes"], (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(j["blocks"]["W"].size(), 2u);
}

/// `lossland frob` said "A subcommand is required" instead of naming the unknown command.
TEST(TourDefectsTop, UnknownCommandIsNamed) {
  expect_user_error("frob", {"unknown command 'frob'", "query", "dgraph", "lossland --help"});
  expect_user_error("frob --json", {"unknown command 'frob'"});
  expect_user_error("qeury x.h5 stats", {"unknown command 'qeury'", "did you mean 'query'"});
  const CliRun none = run_cli("");
  EXPECT_EQ(none.code, 2) << none.out;
  EXPECT_FALSE(contains(none.out, "unknown command")) << none.out;
  EXPECT_EQ(run_cli("--version").code, 0);
  EXPECT_EQ(run_cli("query --help").code, 0);
}

}  // namespace
