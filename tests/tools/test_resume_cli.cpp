/// \file
/// Issue 16: exact resume. A bh run stopped at any moment (a simulated kill after K rounds, or a
/// real SIGKILL) and started again with the same command gives the same database as one
/// uninterrupted run: the same minima, bit for bit, in the same order. Likewise a killed survey.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "cli_test_util.hpp"
#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"
#include "temp_dir_fixture.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;
using namespace lossland::testing;
namespace fs = std::filesystem;

namespace {

/// Exit status of `bh --testing-exit-after-rounds` (tools/commands/bh.cpp).
constexpr int kTestingExit = 86;

/// The minima (energies and coordinates, bitwise) and transition states of two files agree, in
/// order.
void expect_same_landscape(const std::string& a, const std::string& b) {
  const db::Landscape x = db::read(a), y = db::read(b);
  ASSERT_EQ(x.minima.size(), y.minima.size()) << a << " vs " << b;
  for (std::size_t i = 0; i < x.minima.size(); ++i) {
    EXPECT_EQ(x.minima[i].energy, y.minima[i].energy) << "minimum " << i;
    EXPECT_EQ(x.minima[i].coords, y.minima[i].coords) << "minimum " << i;
  }
  ASSERT_EQ(x.transition_states.size(), y.transition_states.size()) << a << " vs " << b;
  for (std::size_t i = 0; i < x.transition_states.size(); ++i) {
    EXPECT_EQ(x.transition_states[i].energy, y.transition_states[i].energy) << "ts " << i;
    EXPECT_EQ(x.transition_states[i].min1, y.transition_states[i].min1) << "ts " << i;
    EXPECT_EQ(x.transition_states[i].min2, y.transition_states[i].min2) << "ts " << i;
  }
  EXPECT_EQ(x.run_state.size(), y.run_state.size());
  // The hit statistics (docs/completeness.md) resume exactly too.
  for (const char* name : {db::kHitsColumn, db::kFirstFoundColumn}) {
    ASSERT_EQ(x.minima_columns.count(name), 1u) << name;
    ASSERT_EQ(y.minima_columns.count(name), 1u) << name;
    EXPECT_EQ(x.minima_columns.at(name), y.minima_columns.at(name)) << name;
  }
  EXPECT_EQ(x.notes.at("stats_quenches"), y.notes.at("stats_quenches"));
  EXPECT_EQ(x.notes.at("stats_bh_runs"), y.notes.at("stats_bh_runs"));
}

class ResumeCli : public lossland::testing::TempDirTest {
 protected:
  ResumeCli() : TempDirTest("resume") {}
};

/// N_h = 6, lambda = 1e-5 (7 minima), 4 walkers x 10 steps a round, 400 quenches:
/// 10 rounds, about 0.6 s.
const std::string kRun = " --hidden 6 --lambda 1e-5 --seed 3 --steps 400 --stop-after 0 -j 2";

}  // namespace

TEST_F(ResumeCli, BhStoppedAfterAnyRoundResumesToTheSameDatabase) {
  const std::string ref = path("ref.h5");
  const CliRun whole = run_cli("bh " + ref + kRun);
  ASSERT_EQ(whole.code, 0) << whole.out;
  ASSERT_GT(db::read(ref).minima.size(), 5u);
  EXPECT_TRUE(db::read(ref).run_state.empty()) << "a finished run keeps no state";
  // Saves every round (--save-interval tiny) and only the first (default 2 s): each is a
  // valid "kill" point; the exit comes right after round K, before any final save.
  for (const std::string save : {" --save-interval 1e-6", ""}) {
    for (const int k : save.empty() ? std::vector<int>{5} : std::vector<int>{1, 5, 9}) {
      SCOPED_TRACE("exit after round " + std::to_string(k) + save);
      const std::string db = path("k" + std::to_string(k) + ".h5");
      fs::remove(db);
      const CliRun stopped =
          run_cli("bh " + db + kRun + save + " --testing-exit-after-rounds " + std::to_string(k));
      ASSERT_EQ(stopped.code, kTestingExit) << stopped.out;
      EXPECT_FALSE(db::read(db).run_state.empty()) << "the saved state";
      const CliRun resumed = run_cli("bh " + db + kRun + save + " --json");
      ASSERT_EQ(resumed.code, 0) << resumed.out;
      EXPECT_TRUE(resumed.out.find("\"resumed\": true") != std::string::npos) << resumed.out;
      expect_same_landscape(ref, db);
    }
  }
}

TEST_F(ResumeCli, BhKilledWithSigkillResumesToTheSameDatabase) {
  const std::string ref = path("ref.h5");
  // Long enough (about 2 s on a quiet machine) that both kills land inside the run: a run that
  // finished before its kill would be continued by the second command, not resumed.
  const std::string args = " --hidden 6 --lambda 1e-5 --seed 5 --steps 6000 --stop-after 0 -j 1";
  ASSERT_EQ(run_cli("bh " + ref + args).code, 0);
  for (const double seconds : {0.05, 0.7}) {
    SCOPED_TRACE("killed after " + std::to_string(seconds) + " s");
    const std::string db = path("killed.h5");
    fs::remove(db);
    std::vector<std::string> argv{"bh", db};
    std::istringstream words(args + " --save-interval 0.02");
    for (std::string w; words >> w;) argv.push_back(w);
    const bool killed = run_and_kill(argv, seconds, path("bh.log"));
    ASSERT_TRUE(killed) << "bh finished before the kill at " << seconds << " s";
    const CliRun resumed = run_cli("bh " + db + args + " --save-interval 0.02");
    ASSERT_EQ(resumed.code, 0) << resumed.out;
    expect_same_landscape(ref, db);
  }
}

TEST_F(ResumeCli, BhWithOtherSettingsStartsANewRunAndSaysSo) {
  const std::string db = path("other.h5");
  ASSERT_EQ(run_cli("bh " + db + kRun + " --testing-exit-after-rounds 3").code, kTestingExit);
  const std::size_t before = db::read(db).minima.size();
  const CliRun other = run_cli("bh " + db + " --hidden 6 --lambda 1e-5 --seed 4 --steps 80");
  ASSERT_EQ(other.code, 0) << other.out;
  EXPECT_TRUE(other.out.find("interrupted run of other settings") != std::string::npos)
      << other.out;
  EXPECT_GE(db::read(db).minima.size(), before) << "no minimum lost";
  EXPECT_TRUE(db::read(db).run_state.empty());
}

/// A survey killed at several moments (within basin-hopping, within connect, between stages)
/// and run again ends with the same databases as an uninterrupted one.
TEST_F(ResumeCli, KilledSurveyResumesToTheSameDatabases) {
  const std::string args =
      " --hidden 2:3 --lambda 1e-3 --no-ei --no-graphs --no-analyze -j 1 "
      "--stop-after 400 --save-interval 0.05 --out ";
  const std::string ref = path("ref");
  const CliRun whole = run_cli("survey" + args + ref);
  ASSERT_EQ(whole.code, 0) << whole.out;
  for (const double seconds : {0.4, 1.5}) {
    SCOPED_TRACE("killed after " + std::to_string(seconds) + " s");
    const std::string out = path("s" + std::to_string(int(seconds * 10)));
    std::vector<std::string> argv{"survey"};
    std::istringstream words(args + out);
    for (std::string w; words >> w;) argv.push_back(w);
    run_and_kill(argv, seconds, path("survey.log"));
    const CliRun resumed = run_cli("survey" + args + out);
    ASSERT_EQ(resumed.code, 0) << resumed.out << slurp(path("survey.log"));
    for (const auto& e : fs::directory_iterator(ref))
      if (e.path().extension() == ".h5")
        expect_same_landscape(e.path().string(), (fs::path(out) / e.path().filename()).string());
  }
}
