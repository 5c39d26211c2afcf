/// The analyze / embed / train subcommands end to end: JSON shapes, columns in the file, and
/// clear errors with exit status 2 for bad input.
#include <gtest/gtest.h>

#include "tools/cli_test_util.hpp"

#include "test_tmpdir.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "lossland/db/database.hpp"

namespace {

using lossland::testing::CliRun;
const auto run = lossland::testing::run_cli;

class AnalysisCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = lossland::testing::unique_temp_dir("test_analysis_cli").string();
    db_ = dir_ + "/x2.h5";
    const CliRun r = run("bh " + db_ + " --hidden 2 --lambda 1e-2 --steps 400 --seed 3 -j 1");
    ASSERT_EQ(r.code, 0) << r.out;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string dir_, db_;
};
std::string AnalysisCli::dir_, AnalysisCli::db_;

}  // namespace

TEST_F(AnalysisCli, AnalyzeStoresColumnsAndPrintsJson) {
  const CliRun r = run("analyze " + db_ + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  const auto land = lossland::db::read(db_);
  ASSERT_EQ(j["minima"].size(), land.minima.size());
  for (const char* c : {"auc", "p_correct_min", "p_correct_max", "nonzero_weights",
                        "connected_hidden", "robustness"}) {
    ASSERT_TRUE(land.minima_columns.count(c)) << c;
    EXPECT_EQ(land.minima_columns.at(c).rows(), static_cast<long>(land.minima.size()));
  }
  for (std::size_t i = 0; i < land.minima.size(); ++i)
    EXPECT_DOUBLE_EQ(j["minima"][i]["auc"].get<double>(), land.minima_columns.at("auc")(i, 0));
  // Re-running replaces the columns rather than adding rows.
  ASSERT_EQ(run("analyze " + db_).code, 0);
  EXPECT_EQ(lossland::db::read(db_).minima_columns.at("auc").rows(),
            static_cast<long>(land.minima.size()));
}

TEST_F(AnalysisCli, EmbedJsonShape) {
  const CliRun r = run("embed " + db_ + " --into 3 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_FALSE(j["points"].empty());
  for (const auto& p : j["points"]) {
    EXPECT_TRUE(p.contains("id") && p.contains("energy") && p.contains("index"));
    EXPECT_TRUE(p["kind"] == "minimum" || p["kind"] == "ts");
    EXPECT_TRUE(p["stationary"].get<bool>());
  }
}

TEST_F(AnalysisCli, TrainIsReproducible) {
  const std::string args = "train " + db_ + " --method gd --runs 5 --seed 9 --json";
  const CliRun a = run(args), b = run(args);
  ASSERT_EQ(a.code, 0) << a.out;
  EXPECT_EQ(a.out, b.out);
  const auto j = nlohmann::json::parse(a.out);
  double total = 0;
  for (const auto& m : j["methods"][0]["minima"]) total += m["probability"].get<double>();
  for (const auto& m : j["methods"][0]["new_minima"]) total += m["probability"].get<double>();
  EXPECT_NEAR(total + j["methods"][0]["failed_runs"].get<double>() / 5, 1.0, 1e-12);
}

TEST_F(AnalysisCli, BadInputExitsTwoWithAMessage) {
  CliRun r = run("embed " + db_ + " --into 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("smaller than"), std::string::npos) << r.out;
  r = run("analyze " + dir_ + "/missing.h5");
  EXPECT_EQ(r.code, 2) << r.out;
  r = run("train " + db_ + " --method sgd");
  EXPECT_NE(r.code, 0);
  r = run("train " + db_ + " --runs 2 --init-scale -1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("init_scale"), std::string::npos) << r.out;
}
