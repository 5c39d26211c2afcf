/// `lossland ei` end to end: the table, the JSON contract (docs/cli.md, issue 6), the stored
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
#include <sstream>
#include <string>
#include <vector>

#include "analysis/ei_test_util.hpp"
#include "lossland/analysis/ei.hpp"
#include "lossland/db/database.hpp"

namespace {

namespace fs = std::filesystem;
using namespace lossland;

using lossland::testing::CliRun;
const auto run = lossland::testing::run_cli;

db::Landscape make_landscape(int H, double lambda, int minima, unsigned seed) {
  const int P = lossland::analysis::ei_test::spec_of(2, H).num_params();
  std::mt19937 gen(seed);
  std::normal_distribution<double> nd;
  std::vector<Eigen::VectorXd> starts;
  for (int m = 0; m < minima; ++m) {
    Eigen::VectorXd x0(P);
    for (int i = 0; i < x0.size(); ++i) x0[i] = nd(gen);
    starts.push_back(x0);
  }
  return lossland::analysis::ei_test::quenched_landscape(H, lambda, starts);
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

/// Issue 14: `ei --help` showed no defaults for 9 options. Every option that takes a value
/// shows its default (CLI11's "=VALUE", or "default" in the text), and they are EiOptions'.
TEST(EiCliHelp, EiHelpShowsEveryDefault) {
  const CliRun r = run("ei --help");
  ASSERT_EQ(r.code, 0) << r.out;
  std::istringstream in(r.out.substr(r.out.find("Options:")));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  int valued = 0;
  // CLI11 writes "  NAME TYPE[=DEFAULT]" in the first 30 columns and the description after
  // them, or on the next line when NAME TYPE is longer.
  for (std::size_t k = 0; k < lines.size(); ++k) {
    std::istringstream words(lines[k]);
    std::string name, type;
    words >> name >> type;
    bool takes_value = false;
    for (const char* t : {"TEXT", "INT", "UINT", "FLOAT"})
      takes_value = takes_value || type.rfind(t, 0) == 0;
    if (name.rfind("-", 0) != 0 || !takes_value) continue;
    if (name == "--survey") continue;  // the input directory: nothing to default to
    ++valued;
    const bool own_line = k + 1 < lines.size() && lines[k + 1].rfind(std::string(30, ' '), 0) == 0;
    const std::string spec = own_line ? lines[k] : lines[k].substr(0, 30);
    const std::string text = own_line ? lines[k + 1] : lines[k].substr(30);
    EXPECT_TRUE(spec.find('=') != std::string::npos || text.find("default") != std::string::npos)
        << "no default shown: " << lines[k];
  }
  EXPECT_GE(valued, 11) << r.out;
  const analysis::EiOptions o;
  const analysis::EiTrainOptions t;
  for (const std::string& want : std::vector<std::string>{
           "--rank-rtol FLOAT=1e-08", "--box-low FLOAT=-0.5", "--box-high FLOAT=1.5",
           "--grid INT=" + std::to_string(o.grid_per_dim), "--extremum-distance FLOAT=0.05",
           "--seed UINT=1", "=" + std::to_string(t.random_directions), "--train INT:INT"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  EXPECT_EQ(o.rank_rtol, 1e-8);
  EXPECT_EQ(o.extremum_distance, 0.05);
}

/// Issue 14: `ei --show` printed "nearest minimum at 0.309, nearest minimum at 0.309" (the
/// nearest point of EI's kind, then the nearest of any kind, the same point) and "nearest
/// maximum at inf" when the box holds none. Each input's line now names the nearest point of
/// EI's kind once (or says there is none), and the nearest of any kind only when it is another
/// kind; the numbers are the JSON's.
TEST_F(EiCli, EiShowNamesEachNearestPointOnce) {
  const std::string db = (dir_ / "x3.h5").string();
  ASSERT_EQ(run("bh " + db + " --hidden 3 --lambda 1e-4 --stop-after 300").code, 0);
  const CliRun js = run("ei " + db + " --json --no-store");
  ASSERT_EQ(js.code, 0) << js.out;
  const auto j = nlohmann::json::parse(js.out);
  auto g3 = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return std::string(buf);
  };
  int with_points = 0, none_of_kind = 0, other_kind = 0;
  for (const auto& m : j["minima"]) {
    if (m["stationary_points"].is_null() || m["stationary_points"].get<int>() == 0) continue;
    ++with_points;
    const CliRun r = run("ei " + db + " --no-store --show " + std::to_string(m["id"].get<int>()));
    ASSERT_EQ(r.code, 0) << r.out;
    const std::string detail = r.out.substr(r.out.find("training inputs:"));
    EXPECT_EQ(detail.find("inf"), std::string::npos) << detail;
    for (const auto& in : m["training_inputs"]) {
      const std::string tag = "    x" + std::to_string(in["sample"].get<int>()) + " (";
      const auto at = detail.find(tag);
      ASSERT_NE(at, std::string::npos) << tag << "\n" << detail;
      const std::string line = detail.substr(at, detail.find('\n', at) - at);
      const std::string want = in["predicted_kind"];
      if (in["distance_to_predicted"].is_null()) {
        ++none_of_kind;
        EXPECT_NE(line.find("no " + want + " in the box"), std::string::npos) << line;
      } else {
        EXPECT_NE(
            line.find("nearest " + want + " at " + g3(in["distance_to_predicted"].get<double>())),
            std::string::npos)
            << line;
      }
      EXPECT_EQ(line.find("nearest " + want), line.rfind("nearest " + want)) << "twice: " << line;
      if (!in["nearest_kind"].is_null() && in["nearest_kind"] != want) {
        ++other_kind;
        EXPECT_NE(line.find("nearest stationary point: " + in["nearest_kind"].get<std::string>() +
                            " at " + g3(in["nearest_distance"].get<double>())),
                  std::string::npos)
            << line;
      } else {
        EXPECT_EQ(line.find("nearest stationary point"), std::string::npos) << line;
      }
    }
  }
  // The landscape has minima whose f has stationary points, some inputs with none of their
  // kind in the box, and some nearer to a point of another kind: every branch is exercised.
  EXPECT_GT(with_points, 0);
  EXPECT_GT(none_of_kind, 0);
  EXPECT_GT(other_kind, 0);
}

}  // namespace
