/// `lossland ei` end to end: the table, the JSON contract (DESIGN section 4, issue 6), the stored
/// columns, the survey figure and the errors for bad input.
#include <gtest/gtest.h>

#include "tools/cli_test_util.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "lossland/analysis/ei.hpp"
#include "lossland/db/database.hpp"
#include "lossland/optimize/minimizer.hpp"

namespace {

namespace fs = std::filesystem;
using namespace lossland;

using lossland::testing::CliRun;
const auto run = lossland::testing::run_cli;

db::Landscape make_landscape(int H, double lambda, int minima, unsigned seed) {
  db::Landscape land;
  land.model.layers = {2, H, 2};
  land.model.lambda = lambda;
  land.dataset = xor_dataset();
  land.created_by = "test";
  const MlpLoss loss(land.dataset, land.model);
  std::mt19937 gen(seed);
  std::normal_distribution<double> nd;
  for (int m = 0; m < minima; ++m) {
    Eigen::VectorXd x0(land.num_params());
    for (int i = 0; i < x0.size(); ++i) x0[i] = nd(gen);
    const MinimizerResult r = minimize(loss, x0);
    db::StoredPoint p;
    p.energy = r.energy;
    p.coords = r.x;
    p.grad_rms = r.grad_rms;
    p.eigenvalues = Eigen::VectorXd::Zero(land.num_params());
    land.minima.push_back(p);
  }
  return land;
}

class EiCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lossland_test_ei_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(EiCli, JsonHasTheDocumentedFieldsAndColumnsAreStored) {
  const std::string db = (dir_ / "x2.h5").string();
  lossland::db::write(db, make_landscape(2, 1e-3, 3, 1));
  const CliRun r = run("ei " + db + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["minima"].size(), 3u);
  for (const auto& m : j["minima"]) {
    for (const char* key : {"id", "energy", "rank", "nullity", "residual", "predicted_solution",
                            "stationary_points", "training_inputs_at_extrema"})
      EXPECT_TRUE(m.contains(key)) << key;
    EXPECT_LE(m["rank"].get<int>(), 2);
    EXPECT_EQ(m["rank"].get<int>() + m["nullity"].get<int>(), 2);
    EXPECT_EQ(m["stationary_points"].get<int>(),
              static_cast<int>(m["stationary_point_list"].size()));
  }
  const lossland::db::Landscape back = lossland::db::read(db);
  ASSERT_TRUE(back.minima_columns.count("ei_residual"));
  EXPECT_EQ(back.minima_columns.at("ei_residual")(0, 0), j["minima"][0]["residual"].get<double>());

  const CliRun table = run("ei " + db + " --show 0 --no-store");
  ASSERT_EQ(table.code, 0) << table.out;
  EXPECT_NE(table.out.find("summary:"), std::string::npos);
  EXPECT_NE(table.out.find("training inputs:"), std::string::npos);
}

TEST_F(EiCli, TrainReportsStatusAndMinimum) {
  const std::string db = (dir_ / "x3.h5").string();
  lossland::db::write(db, make_landscape(3, 1e-3, 2, 2));
  const CliRun r = run("ei " + db + " --train 3 --seed 4 --directions 50 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["train"].size(), 3u);
  for (const auto& t : j["train"]) {
    EXPECT_EQ(t["status"], "no-null-space");  // N_h = 3 < 8 with random hidden weights
    EXPECT_EQ(t["nullity"], 0);
  }
}

TEST_F(EiCli, SurveyDrawsItsFigure) {
  lossland::db::write((dir_ / "a.h5").string(), make_landscape(2, 1e-2, 2, 3));
  lossland::db::write((dir_ / "b.h5").string(), make_landscape(3, 1e-2, 2, 4));
  const std::string fig = (dir_ / "ei.png").string();
  const CliRun r = run("ei --survey " + dir_.string() + " -o " + fig + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][0]["threshold"], 8);
  EXPECT_GT(fs::file_size(fig), 1000u);
}

TEST_F(EiCli, BadInputIsAClearErrorWithExitCode2) {
  CliRun r = run("ei " + (dir_ / "missing.h5").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("lossland: error:"), std::string::npos);
  r = run("ei");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--survey"), std::string::npos);
  r = run("ei --survey " + (dir_ / "nothing_here").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("nothing_here"), std::string::npos);
  const std::string db = (dir_ / "x.h5").string();
  lossland::db::write(db, make_landscape(2, 1e-2, 1, 5));
  r = run("ei " + db + " --rank-rtol 2");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("rank_rtol"), std::string::npos);
  r = run("ei " + db + " --show 7");
  EXPECT_EQ(r.code, 2) << r.out;
}

}  // namespace
