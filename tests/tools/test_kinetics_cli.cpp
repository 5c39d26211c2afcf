/// The `thermo`, `kinetics` and `dgraph --free-energy` subcommands run as a user would run them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "graph/graph_test_util.hpp"
#include "kinetics/kinetics_test_util.hpp"
#include "lossland/db/database.hpp"
#include "lossland/kinetics/ngt.hpp"
#include "lossland/kinetics/thermo.hpp"
#include "test_tmpdir.hpp"
#include "tools/cli_test_util.hpp"

using namespace lossland;
using namespace lossland::testing;
namespace fs = std::filesystem;

class KineticsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = lossland::testing::unique_temp_dir("kcli");
    // Minima 0..4 joined in a chain with a parallel pair and a degenerate transition state;
    // minimum 5 is isolated. Minimum 4 is the all-zero point (horder 8 at N_h = 2).
    land_ = lossland::testing::make_landscape(
        {0.02, 0.05, 0.03, 0.08, 0.69, 0.1},
        {{0, 1, 0.09}, {1, 2, 0.07}, {1, 2, 0.075}, {2, 3, 0.12}, {3, 4, 0.7}, {2, 2, 0.2}});
    land_.minima[4].coords.setZero();
    Eigen::MatrixXd auc(6, 1);
    auc << 1, 1, 1, 0.75, 0.5, 1;
    land_.minima_columns["auc"] = auc;
    db_ = (dir_ / "k.h5").string();
    db::write(db_, land_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  db::Landscape land_;
  std::string db_;
};

TEST_F(KineticsCli, ThermoMatchesTheLibraryAndADirectSum) {
  const auto j = run_cli_json("thermo " + db_ + " --temperature 0.01 --json");
  const auto h = kinetics::harmonic_landscape(db::read(db_));
  const auto r = kinetics::thermodynamics(h, 0.01);
  double sum = 0;
  for (int i = 0; i < 6; ++i) {
    const double p = j["occupation"][std::to_string(i)];
    EXPECT_NEAR(p, r.occupation[i], 1e-15);
    sum += p;
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_NEAR(j["heat_capacity"].get<double>(), r.heat_capacity, 1e-9);
  // p_0 / p_2 by hand: same spectra, O = 2 for both, so exp(-(E_0 - E_2)/T).
  EXPECT_NEAR(j["occupation"]["0"].get<double>() / j["occupation"]["2"].get<double>(),
              std::exp(-(0.02 - 0.03) / 0.01), 1e-9);
  const auto human = run_cli("thermo " + db_ + " -T 0.01");
  EXPECT_EQ(human.code, 0);
  EXPECT_TRUE(contains(human.out, "horder")) << human.out;
}

TEST_F(KineticsCli, ThermoScanWritesAPlot) {
  const std::string png = (dir_ / "scan.png").string();
  const auto j =
      run_cli_json("thermo " + db_ + " --scan 1e-3:1e-1 --points 7 -o " + png + " --json");
  ASSERT_EQ(j["scan"].size(), 7u);
  EXPECT_NEAR(j["scan"][0]["temperature"].get<double>(), 1e-3, 1e-15);
  EXPECT_GT(fs::file_size(png), 1000u);
}

TEST_F(KineticsCli, ThermoRefusesBadInput) {
  expect_user_error("thermo " + db_, {"--temperature", "--scan"});
  expect_user_error("thermo " + db_ + " -T 0.1 --scan 1:2", {"exactly one"});
  expect_user_error("thermo " + db_ + " -T -1", {"--temperature", "> 0"});
  expect_user_error("thermo " + db_ + " --scan 1:0.1", {"--scan", "T1 < T2"});
  expect_user_error("thermo " + db_ + " -T 0.1 -o x.png", {"--scan"});
  expect_user_error("thermo " + (dir_ / "none.h5").string() + " -T 0.1", {"does not exist"});
}

TEST_F(KineticsCli, KineticsJsonHoldsOccupationAndMfptEqualToADirectSolve) {
  const auto j = run_cli_json("kinetics " + db_ + " --from zero --to global -T 0.02 --json");
  ASSERT_TRUE(j.contains("occupation"));
  ASSERT_TRUE(j.contains("mfpt"));
  EXPECT_EQ(j["A"], nlohmann::json::array({4}));
  EXPECT_EQ(j["B"], nlohmann::json::array({0}));
  const auto net = kinetics::rate_network(kinetics::harmonic_landscape(db::read(db_)), 0.02,
                                          kinetics::Dynamics::Overdamped);
  std::vector<char> target(6, 0);
  target[0] = 1;
  const Eigen::VectorXd t = lossland::testing::direct_mfpt(net, target);
  EXPECT_NEAR(j["mfpt"]["4"].get<double>() / t[4], 1.0, 1e-8);
  EXPECT_EQ(j["degenerate_transition_states"], 1);
  // The fastest path 4 -> 3 -> 2 -> 1 -> 0 with its transition states.
  EXPECT_EQ(j["fastest_path"]["minima"], nlohmann::json::array({4, 3, 2, 1, 0}));
  ASSERT_EQ(j["fastest_path"]["transition_states"].size(), 4u);
  EXPECT_EQ(j["fastest_path"]["transition_states"][0], 4);
  EXPECT_EQ(j["fastest_path"]["transition_states"][3], 0);
  // Selections by condition; the inertial dynamics is slower or faster but detailed balance holds.
  const auto c = run_cli_json("kinetics " + db_ +
                              " --from 'auc<1' --to 0,1 -T 0.02 "
                              "--dynamics inertial --json");
  EXPECT_EQ(c["A"], nlohmann::json::array({3, 4}));
  EXPECT_NEAR(std::log(c["p_A"].get<double>()) + std::log(c["k_AB_SS"].get<double>()),
              std::log(c["p_B"].get<double>()) + std::log(c["k_BA_SS"].get<double>()), 1e-9);
  const auto human = run_cli("kinetics " + db_ + " --from zero --to global -T 0.02");
  EXPECT_EQ(human.code, 0);
  EXPECT_TRUE(contains(human.out, "fastest path")) << human.out;
  EXPECT_TRUE(contains(human.out, "NSS")) << human.out;
}

TEST_F(KineticsCli, KineticsRefusesBadSets) {
  const std::string k = "kinetics " + db_ + " -T 0.02 ";
  expect_user_error(k + "--from 0 --to 0,1", {"both A", "overlap"});
  expect_user_error(k + "--from 0 --to 5", {"cannot be reached", "connect"});
  expect_user_error(k + "--from 'energy<-1' --to 0", {"selects no minimum"});
  expect_user_error(k + "--from 'loss<1' --to 0", {"no field 'loss'", "auc"});
  expect_user_error(k + "--from 9 --to 0", {"does not exist"});
  expect_user_error(k + "--from nonsense --to 0", {"global, zero"});
  expect_user_error("kinetics " + db_ + " --from 0 --to 1", {"--temperature"});
  expect_user_error(k + "--from 0 --to 1 --dynamics brownian", {"dynamics"});
}

TEST_F(KineticsCli, FreeEnergyDisconnectivityGraph) {
  const std::string svg = (dir_ / "fe.svg").string();
  // No regrouping: one group per minimum.
  const auto j =
      run_cli_json("dgraph " + db_ + " --free-energy 0.01 --regroup 0 -o " + svg + " --json");
  EXPECT_EQ(j["groups"].size(), 6u);
  EXPECT_GT(fs::file_size(svg), 500u);
  // A huge threshold merges each connected set: {0..4} and {5}.
  const auto m = run_cli_json("dgraph " + db_ + " --free-energy 0.01 --regroup 1e9 --json");
  ASSERT_EQ(m["groups"].size(), 2u);
  EXPECT_EQ(m["groups"][0].size() + m["groups"][1].size(), 6u);
  expect_user_error("dgraph " + db_ + " --regroup 0.1 --json", {"--free-energy"});
  expect_user_error("dgraph " + db_ + " --free-energy -1 --json", {"temperature"});
}

TEST_F(KineticsCli, ExportCarriesHorder) {
  const std::string out = (dir_ / "ps").string();
  ASSERT_EQ(run_cli("export " + db_ + " --out " + out).code, 0);
  std::ifstream in(out + "/min.data");
  std::vector<double> horder;
  double e, f, hh, x, y, z;
  while (in >> e >> f >> hh >> x >> y >> z) horder.push_back(hh);
  ASSERT_EQ(horder.size(), 6u);
  EXPECT_EQ(horder[4], 8.0);  // the all-zero point: 2! 2^2
  EXPECT_EQ(horder[0], 2.0);  // two identical nodes (make_landscape's constant coordinates)
  // The file has no horder column yet (the export computed it); analyze stores it.
  EXPECT_EQ(db::read(db_).minima_columns.count("horder"), 0u);
  ASSERT_EQ(run_cli("analyze " + db_).code, 0);
  const db::Landscape back = db::read(db_);
  ASSERT_EQ(back.minima_columns.count("horder"), 1u);
  EXPECT_EQ(back.minima_columns.at("horder")(4, 0), 8.0);
  EXPECT_EQ(back.ts_columns.at("horder").rows(), 6);
}
