/// `lossland bh` (and `info`) run as a user runs them (issue 2 items 7-8): a SIGKILL mid-run
/// leaves a readable database that a second run continues; another model or dataset, a corrupt
/// or non-HDF5 file, a bad dataset file and impossible options are clear errors with exit 2;
/// --help everywhere, --json parses, no progress line when output is not a terminal.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_test_util.hpp"
#include "lossland/db/database.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/optimize/stationary.hpp"
#include "temp_dir_fixture.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;
using namespace lossland::testing;
namespace fs = std::filesystem;

namespace {

class BhCli : public lossland::testing::TempDirTest {
 protected:
  BhCli() : TempDirTest("bhcli") {}

  /// A small finished database: XOR, N_h = 2, lambda = 1e-4.
  std::string small_db() {
    return bh_database(path("small.h5"), "--hidden 2 --lambda 1e-4 --steps 300 --threads 1");
  }

  /// `lossland ARGS` must fail with exit 2 and a message holding every string in `expect`.
};

/// The database as read back must be self-consistent and its minima genuine: shapes agree with
/// the model, `info --json` agrees with db::read, every minimum is a minimum of the stored model.
void expect_consistent_database(const std::string& db, int hidden) {
  const db::Landscape land = db::read(db);
  const int P = land.num_params();
  EXPECT_EQ(land.model.layers, (std::vector<int>{2, hidden, 2}));
  EXPECT_EQ(P, 2 * hidden + hidden + 2 * hidden + 2);
  const MlpLoss loss(land.dataset, land.model);
  for (std::size_t i = 0; i < land.minima.size(); ++i) {
    const auto& m = land.minima[i];
    ASSERT_EQ(m.coords.size(), P) << "minimum " << i;
    ASSERT_EQ(m.eigenvalues.size(), P) << "minimum " << i;
    EXPECT_TRUE(std::isfinite(m.energy));
    EXPECT_NEAR(loss.energy(m.coords), m.energy, 1e-14) << "minimum " << i;
    EXPECT_EQ(classify(loss, m.coords).kind, PointKind::Minimum) << "minimum " << i;
  }
  for (const auto& [name, col] : land.minima_columns)
    EXPECT_EQ(col.rows(), static_cast<Eigen::Index>(land.minima.size())) << name;
  const auto info = run_cli_json("info " + db + " --json");
  EXPECT_EQ(info["minima"], land.minima.size());
  EXPECT_EQ(info["transition_states"], land.transition_states.size());
  EXPECT_EQ(info["parameters"], P);
  EXPECT_EQ(info["lambda"], land.model.lambda);
  EXPECT_EQ(info["dataset"], "xor");
}

/// Three kills at different moments of one growing landscape; after each the file reads and
/// the minima count never drops (each run continues the last). Then a normal run continues it.
TEST_F(BhCli, SigkillMidRunLeavesAReadableDatabaseThatResumes) {
  const std::string db = path("killed.h5");
  std::size_t before = 0;
  for (const double seconds : {0.2, 0.5, 0.8}) {
    SCOPED_TRACE("killed " + std::to_string(seconds) + " s after the database appeared");
    ASSERT_TRUE(run_and_kill({"bh", db, "--hidden", "3", "--lambda", "1e-4", "--save-interval",
                              "0.2", "--steps", "100000000", "--stop-after", "0", "--threads", "1",
                              "--seed", std::to_string(static_cast<int>(seconds * 10))},
                             seconds, path("bh.log"), db))
        << "bh ended by itself before the kill: " << slurp(path("bh.log"));
    ASSERT_TRUE(db::exists(db));
    const db::Landscape land = db::read(db);
    EXPECT_GE(land.minima.size(), 1u);
    EXPECT_GE(land.minima.size(), before) << "a resumed run lost minima";
    before = land.minima.size();
    expect_consistent_database(db, 3);
  }
  const auto j = run_cli_json("bh " + db +
                              " --hidden 3 --lambda 1e-4 --steps 400 --stop-after 0 --threads 1 "
                              "--json");
  EXPECT_GE(j["minima"].get<std::size_t>(), before);
  EXPECT_EQ(j["minima"].get<std::size_t>() - j["new_minima"].get<std::size_t>(), before)
      << "the continued run did not start from the killed run's minima";
  expect_consistent_database(db, 3);
}

TEST_F(BhCli, AnotherModelOrDatasetIsRefusedNamingTheAttribute) {
  const std::string db = small_db();
  const std::string original = slurp(db);
  const std::string base = "bh " + db + " --steps 50 ";
  expect_user_error(base + "--hidden 2 --lambda 1e-3", {"lambda", db});
  expect_user_error(base + "--hidden 3 --lambda 1e-4", {"layers", db});
  expect_user_error(base + "--hidden 2 --lambda 1e-4 --dataset and", {"dataset", db});
  expect_user_error(base + "--hidden 2 --lambda 1e-4 --activation sigmoid", {"activation", db});
  expect_user_error(base + "--hidden 2 --lambda 1e-4 --regularize weights", {"regularize", db});
  EXPECT_EQ(slurp(db), original) << "a refused run changed the file";
  // The same settings continue it.
  EXPECT_EQ(run_cli(base + "--hidden 2 --lambda 1e-4").code, 0);
}

TEST_F(BhCli, CorruptTruncatedOrNonHdf5FileIsAClearError) {
  const std::string db = small_db();
  const std::string bytes = slurp(db);
  const std::string truncated = path("truncated.h5");
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const std::string text = path("notes.h5");
  std::ofstream(text) << "id,energy\n0,0.5\n";
  for (const std::string& bad : {truncated, text}) {
    SCOPED_TRACE(bad);
    const std::string before = slurp(bad);
    expect_user_error("info " + bad, {bad, "corrupt"});
    expect_user_error("info " + bad + " --json", {bad});
    expect_user_error("bh " + bad + " --hidden 2 --lambda 1e-4 --steps 50", {bad, "corrupt"});
    expect_user_error("query " + bad + " minima", {bad});
    EXPECT_EQ(slurp(bad), before) << "bh overwrote a file it could not read";
  }
  expect_user_error("info " + text, {"not an HDF5 file"});
  expect_user_error("info " + path("missing.h5"), {"missing.h5", "does not exist"});
}

TEST_F(BhCli, BadDatasetFilesAreNamedWithTheLine) {
  const std::string db = path("never.h5");
  const std::string missing = path("no_such_data.csv");
  expect_user_error("bh " + db + " --hidden 2 --lambda 1e-4 --dataset " + missing, {missing});
  const std::string ragged = path("ragged.csv");
  std::ofstream(ragged) << "0,0,0\n0,1,1\n1,0\n1,1,0\n";
  expect_user_error("bh " + db + " --hidden 2 --lambda 1e-4 --dataset " + ragged,
                    {"ragged.csv", ":3", "columns"});
  const std::string word = path("word.csv");
  std::ofstream(word) << "0,0,0\n0,x,1\n";
  expect_user_error("bh " + db + " --hidden 2 --lambda 1e-4 --dataset " + word, {"word.csv", ":2"});
  EXPECT_FALSE(fs::exists(db)) << "a refused run created the database";
}

TEST_F(BhCli, ImpossibleOptionsAreNamed) {
  const std::string db = path("never.h5");
  const std::string base = "bh " + db + " ";
  expect_user_error(base + "--hidden 0 --lambda 1e-4", {"--hidden"});
  expect_user_error(base + "--hidden 2 --lambda -1", {"--lambda"});
  expect_user_error(base + "--hidden 2 --lambda 1e-4 --steps 0", {"steps"});
  expect_user_error(base + "--hidden 2 --lambda 1e-4 --temperature 0", {"temperature"});
  expect_user_error(base + "--hidden 2 --lambda 1e-4 --save-interval 0", {"--save-interval"});
  expect_user_error(base + "--hidden 2 --lambda 1e-4 --activation relu", {"--activation"});
  expect_user_error(base + "--lambda 1e-4", {"--hidden"});
  EXPECT_FALSE(fs::exists(db)) << "a refused run created the database";
}

TEST_F(BhCli, HelpForEverySubcommand) {
  for (const std::string cmd : {"bh", "connect", "query", "info"}) {
    const CliRun r = run_cli(cmd + " --help");
    EXPECT_EQ(r.code, 0) << cmd << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "Usage:")) << cmd << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, cmd)) << cmd;
  }
  EXPECT_TRUE(contains(run_cli("bh --help").out, "--lambda"));
  EXPECT_TRUE(contains(run_cli("connect --help").out, "--pair"));
  EXPECT_EQ(run_cli("--help").code, 0);
}

TEST_F(BhCli, JsonParsesAndOutputIsQuietWhenNotATerminal) {
  const std::string db = path("json.h5");
  const auto j = run_cli_json("bh " + db +
                              " --hidden 2 --lambda 1e-4 --steps 200 --stop-after 0 --threads 1 "
                              "--json");
  EXPECT_EQ(j["database"], db);
  EXPECT_EQ(j["hidden"], 2);
  EXPECT_EQ(j["steps"], 200);
  EXPECT_GE(j["minima"].get<int>(), 1);
  EXPECT_EQ(j["minima"], j["new_minima"]);
  EXPECT_EQ(j["minima"], db::read(db).minima.size());
  EXPECT_TRUE(j["status"].is_string());
  EXPECT_TRUE(j["lowest_energy"].is_number());
  // Loss evaluations of the run: in all, per quench (a quench takes tens of them) and per new
  // minimum.
  const double evaluations = j["function_evaluations"].get<double>();
  EXPECT_GT(evaluations, 200.0 * 10);
  EXPECT_DOUBLE_EQ(j["evaluations_per_quench"].get<double>(), evaluations / 200.0);
  EXPECT_DOUBLE_EQ(j["evaluations_per_new_minimum"].get<double>(),
                   evaluations / j["new_minima"].get<double>());

  // Long enough (> 0.2 s) that a terminal would get progress lines; stdout and stderr are a
  // pipe here, so only the summary lines may appear: two, and the completeness estimate.
  const CliRun r = run_cli("bh " + path("quiet.h5") +
                           " --hidden 3 --lambda 1e-4 --steps 3000 --stop-after 0 --threads 1");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_FALSE(contains(r.out, "\r")) << "progress line written to a pipe";
  EXPECT_FALSE(contains(r.out, "since new")) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  EXPECT_TRUE(contains(r.out, "  Chao1 ")) << r.out;

  // On a terminal (util-linux `script` gives a pseudo-terminal) the progress line does appear,
  // so the check above is not vacuous.
  if (std::system("command -v script > /dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
  const std::string inner = std::string(LOSSLAND_BINARY) + " bh " + path("tty.h5") +
                            " --hidden 3 --lambda 1e-4 --steps 3000 --stop-after 0 --threads 1";
  FILE* p = popen(("script -qec '" + inner + "' /dev/null 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string tty_out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) tty_out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << tty_out;
  EXPECT_TRUE(contains(tty_out, "since new")) << "no progress line on a terminal:\n" << tty_out;
}

}  // namespace
