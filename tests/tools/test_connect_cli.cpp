/// `lossland connect` run as a user runs it (issue 3 items 4, 5, 7): --pair joins two minima,
/// --all connects every minimum, a SIGKILL mid-run leaves a readable database that a second
/// run completes, and bad requests are clear errors with exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.hpp"
#include "lossland/db/database.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/model/symmetry.hpp"
#include "lossland/optimize/stationary.hpp"
#include "temp_dir_fixture.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;
using namespace lossland::testing;
namespace fs = std::filesystem;

namespace {

class ConnectCli : public lossland::testing::TempDirTest {
 protected:
  ConnectCli() : TempDirTest("connectcli") {}

  std::string bh_db(const std::string& name, int hidden, const std::string& lambda) {
    return bh_database(
        path(name), "--hidden " + std::to_string(hidden) + " --lambda " + lambda + " --threads 2");
  }
};

/// Every transition state of the file is an index-one saddle of the stored model (recomputed),
/// joins valid rows of /minima and has no symmetric twin.
void expect_valid_transition_states(const db::Landscape& land) {
  const MlpLoss loss(land.dataset, land.model);
  const SamePoint same;
  const auto n = static_cast<std::int64_t>(land.minima.size());
  for (std::size_t k = 0; k < land.transition_states.size(); ++k) {
    const auto& t = land.transition_states[k];
    EXPECT_TRUE(t.min1 >= 0 && t.min1 < n && t.min2 >= 0 && t.min2 < n) << "ts " << k;
    const Classification c = classify(loss, t.coords, 1e-9);
    EXPECT_EQ(c.kind, PointKind::TransitionState) << "ts " << k;
    EXPECT_LE(c.grad_rms, 1e-10) << "ts " << k;
    for (std::size_t q = 0; q < k; ++q)
      EXPECT_GT(aligned_distance(land.model, t.coords, land.transition_states[q].coords),
                same.distance_tol)
          << "transition states " << q << " and " << k << " are symmetric twins";
  }
}

TEST_F(ConnectCli, PairJoinsTheTwoMinima) {
  const std::string db = bh_db("pair.h5", 3, "1e-4");
  const auto minima = run_cli_json("query " + db + " minima --json")["minima"];
  ASSERT_GE(minima.size(), 3u);
  // The lowest and the highest minimum (the query lists them by energy).
  const int i = minima.front()["id"], j = minima.back()["id"];
  const auto before = run_cli_json("query " + db + " path " + std::to_string(i) + " " +
                                   std::to_string(j) + " --json");
  EXPECT_EQ(before["status"], "not_connected");
  const auto c = run_cli_json("connect " + db + " --pair " + std::to_string(i) + " " +
                              std::to_string(j) + " --threads 2 --json");
  EXPECT_EQ(c["status"], "connected") << c.dump();
  EXPECT_GE(c["new_transition_states"].get<int>(), 1);
  const auto path_json = run_cli_json("query " + db + " path " + std::to_string(i) + " " +
                                      std::to_string(j) + " --json");
  EXPECT_EQ(path_json["status"], "found") << path_json.dump();
  const auto stats = run_cli_json("query " + db + " stats --json");
  EXPECT_EQ(stats["transition_states"], c["transition_states"]);
  EXPECT_LT(stats["connected_sets"].get<int>(), static_cast<int>(minima.size()));
  const db::Landscape land = db::read(db);
  EXPECT_EQ(land.transition_states.size(), c["transition_states"].get<std::size_t>());
  expect_valid_transition_states(land);
  // Human output names the result.
  const CliRun again = run_cli("connect " + db + " --pair " + std::to_string(i) + " " +
                               std::to_string(j) + " --threads 2");
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_TRUE(contains(again.out, "connected")) << again.out;
  EXPECT_EQ(db::read(db).transition_states.size(), land.transition_states.size())
      << "an already joined pair needs no new search";
}

TEST_F(ConnectCli, BadRequestsExitTwoWithAMessage) {
  const std::string db = bh_db("bad.h5", 2, "1e-4");
  const auto n = db::read(db).minima.size();
  const std::string N = std::to_string(n);
  expect_user_error("connect " + db + " --pair 0 " + N, {N});
  expect_user_error("connect " + db + " --pair -1 0", {"-1"});
  expect_user_error("connect " + db, {"--all", "--pair"});
  expect_user_error("connect " + db + " --all --pair 0 1", {"--all", "--pair"});
  expect_user_error("connect " + db + " --pair 0", {"--pair"});
  expect_user_error("connect " + db + " --all --save-interval 0", {"--save-interval"});
  EXPECT_TRUE(db::read(db).transition_states.empty()) << "a refused run stored something";

  const std::string missing = path("missing.h5");
  expect_user_error("connect " + missing + " --all", {missing, "does not exist"});
  EXPECT_FALSE(fs::exists(missing));
  const std::string empty = path("empty.h5");
  db::Landscape land;
  land.model = ModelSpec{{2, 2, 2}, Activation::Tanh, Regularize::All, 1e-4};
  land.dataset = xor_dataset();
  db::write(empty, land);
  expect_user_error("connect " + empty + " --all", {empty, "no minima", "bh"});
  const std::string text = path("text.h5");
  std::ofstream(text) << "not a database\n";
  expect_user_error("connect " + text + " --all", {text, "not an HDF5 file"});
}

/// N_h = 4, lambda = 1e-6 (about 7 s of connect --all on one core): killed after ~1 s, the file
/// reads; a second `connect --all` finishes with one connected set, keeping what was saved.
TEST_F(ConnectCli, InterruptedConnectResumesToOneConnectedSet) {
  const std::string db = bh_db("soft4.h5", 4, "1e-6");
  const std::size_t bh_minima = db::read(db).minima.size();
  ASSERT_GE(bh_minima, 5u);
  ASSERT_TRUE(run_and_kill({"connect", db, "--all", "--threads", "2", "--save-interval", "0.2"},
                           1.0, path("connect.log")))
      << "connect ended by itself within 1 s; the test needs a longer run";
  const db::Landscape killed = db::read(db);
  EXPECT_GE(killed.minima.size(), bh_minima);
  expect_valid_transition_states(killed);
  const auto info = run_cli_json("info " + db + " --json");
  EXPECT_EQ(info["transition_states"], killed.transition_states.size());
  std::printf("after the kill: %zu minima, %zu transition states\n", killed.minima.size(),
              killed.transition_states.size());

  const auto j = run_cli_json("connect " + db + " --all --threads 2 --json");
  EXPECT_EQ(j["status"], "connected") << j.dump();
  EXPECT_EQ(j["connected_sets"], 1);
  EXPECT_EQ(
      j["transition_states"].get<std::size_t>() - j["new_transition_states"].get<std::size_t>(),
      killed.transition_states.size())
      << "the resumed run did not start from the saved transition states";
  const auto stats = run_cli_json("query " + db + " stats --json");
  EXPECT_EQ(stats["connected_sets"], 1);
  EXPECT_EQ(stats["minima"], j["minima"]);
  const db::Landscape done = db::read(db);
  for (std::size_t k = 0; k < killed.transition_states.size(); ++k) {
    EXPECT_EQ(done.transition_states[k].min1, killed.transition_states[k].min1);
    EXPECT_EQ(done.transition_states[k].min2, killed.transition_states[k].min2);
  }
  expect_valid_transition_states(done);
}

}  // namespace
