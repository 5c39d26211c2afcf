/// The completeness estimate as `bh`, `query stats` and `survey` report it, the estimate stop
/// rule's flags, and files written before the statistics were kept (docs/completeness.md).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "graph/graph_test_util.hpp"
#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"
#include "test_tmpdir.hpp"
#include "tools/cli_test_util.hpp"

using namespace lossland;
using lossland::testing::CliRun;
using lossland::testing::expect_user_error;
using lossland::testing::run_cli;
using lossland::testing::run_cli_json;

namespace {

const std::string kBh = " --hidden 2 --lambda 1e-4 --seed 3 --steps 400 -j 2";

}  // namespace

TEST(CompletenessCli, QueryStatsOfAFileWithoutHitsSaysUnknown) {
  const lossland::testing::TempDir dir("completeness_cli");
  const std::string db = (dir.path() / "old.h5").string();
  db::write(db, lossland::testing::make_landscape({0.5, 1.0, 0.1}, {{0, 1, 2.0}}));
  const auto j = run_cli_json("query " + db + " stats --json");
  EXPECT_EQ(j["completeness"]["status"], "unknown");
  EXPECT_TRUE(j["completeness"]["chao1"].is_null());
  EXPECT_TRUE(j["completeness"]["p_new"].is_null());
  const CliRun text = run_cli("query " + db + " stats");
  EXPECT_NE(text.out.find("completeness        unknown"), std::string::npos) << text.out;
  // The shipped version-1 fixture reads the same way.
  const auto v1 = run_cli_json(std::string("query ") + LOSSLAND_DATA_DIR +
                               "/../tests/data/format_v1_xor_h2_l1e-02.h5 stats --json");
  EXPECT_EQ(v1["completeness"]["status"], "unknown");
}

TEST(CompletenessCli, QueryStatsEstimatesFromStoredHits) {
  const lossland::testing::TempDir dir("completeness_cli");
  const std::string db = (dir.path() / "hits.h5").string();
  auto land = lossland::testing::make_landscape({0.5, 1.0, 0.1, 0.7, 0.9, 1.2}, {{0, 1, 2.0}});
  Eigen::MatrixXd hits(6, 1);
  hits << 1, 1, 2, 5, 0, 3;  // S_obs = 5, f1 = 2, f2 = 1, n = 12; minimum 4 from connect
  land.minima_columns[db::kHitsColumn] = hits;
  land.notes["stats_quenches"] = "15";
  db::write(db, land);
  const auto c = run_cli_json("query " + db + " stats --json")["completeness"];
  EXPECT_EQ(c["status"], "ok");
  EXPECT_EQ(c["observed"], 5);
  EXPECT_EQ(c["singletons"], 2);
  EXPECT_EQ(c["doubletons"], 1);
  EXPECT_EQ(c["draws"], 12);
  EXPECT_EQ(c["quenches"], 15);
  EXPECT_EQ(c["not_quenched"], 1);
  EXPECT_DOUBLE_EQ(c["chao1"].get<double>(), 5.5);
  EXPECT_DOUBLE_EQ(c["p_new"].get<double>(), 2.0 / 12.0);
}

TEST(CompletenessCli, BhReportsTheEstimateAndKeepsTheStatistics) {
  const lossland::testing::TempDir dir("completeness_cli");
  const std::string db = (dir.path() / "bh.h5").string();
  const auto j = run_cli_json("bh " + db + kBh + " --stop-after 0 --json");
  EXPECT_EQ(j["completeness"]["status"], "ok");
  EXPECT_EQ(j["completeness"]["quenches"], 400);
  const db::Landscape land = db::read(db);
  const Eigen::MatrixXd& hits = land.minima_columns.at(db::kHitsColumn);
  const std::int64_t bad = j["failed_quenches"].get<std::int64_t>() +
                           j["non_morse"].get<std::int64_t>() + j["saddles"].get<std::int64_t>();
  EXPECT_EQ(hits.sum(), 400.0 - static_cast<double>(bad));
  EXPECT_EQ(j["completeness"]["draws"], static_cast<std::int64_t>(hits.sum()));
  const CliRun text = run_cli("query " + db + " stats");
  EXPECT_NE(text.out.find("P(next is new)"), std::string::npos) << text.out;
  // A second run adds to the record.
  const auto k = run_cli_json("bh " + db +
                              " --hidden 2 --lambda 1e-4 --seed 4 --steps 100 -j 2 --stop-after 0 "
                              "--json");
  EXPECT_EQ(k["completeness"]["quenches"], 500);
}

TEST(CompletenessCli, EstimateStopRuleEndsTheRun) {
  const lossland::testing::TempDir dir("completeness_cli");
  const std::string db = (dir.path() / "rule.h5").string();
  const auto j = run_cli_json("bh " + db +
                              " --hidden 2 --lambda 1e-4 --seed 3 --steps 100000 -j 2 "
                              "--stop-rule estimate --stop-p-new 0.01 --stop-quiet 100 --json");
  EXPECT_EQ(j["status"], "estimate-reached");
  EXPECT_LT(j["completeness"]["p_new"].get<double>(), 0.01);
  EXPECT_LT(j["steps"].get<std::int64_t>(), 100000);
}

TEST(CompletenessCli, BadStopRuleFlagsAreClearErrors) {
  const lossland::testing::TempDir dir("completeness_cli");
  const std::string db = (dir.path() / "bad.h5").string();
  expect_user_error("bh " + db + kBh + " --stop-rule sometimes", {"--stop-rule"});
  expect_user_error("bh " + db + kBh + " --stop-p-new 2", {"stop_p_new"});
  EXPECT_FALSE(db::exists(db)) << "nothing written for a refused run";
}
