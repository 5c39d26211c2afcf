/// `lossland verify` and `lossland profile` as a user runs them: a database built by bh +
/// connect verifies (exit 0), the same file with one edge corrupted fails (exit 1, the row and
/// the check named), a PATHSAMPLE round trip verifies, and the profile of a pathway runs through
/// its stationary points in order with the stored energies.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_test_util.hpp"
#include "lossland/db/database.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;
using namespace lossland::testing;
namespace fs = std::filesystem;

namespace {

class VerifyCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = lossland::testing::unique_temp_dir("verifycli");
    db_ = (dir_ / "xor3.h5").string();
    const CliRun a = run_cli("bh " + db_ + " --hidden 3 --lambda 1e-4 --threads 2");
    ASSERT_EQ(a.code, 0) << a.out;
    const CliRun b = run_cli("connect " + db_ + " --all --threads 2");
    ASSERT_EQ(b.code, 0) << b.out;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }

  static fs::path dir_;
  static std::string db_;
};
fs::path VerifyCli::dir_;
std::string VerifyCli::db_;

TEST_F(VerifyCli, ConnectedDatabaseVerifies) {
  const nlohmann::json j = run_cli_json("verify " + db_ + " --json --threads 2");
  EXPECT_EQ(j["ok"], true) << j.dump(2);
  const db::Landscape land = db::read(db_);
  EXPECT_EQ(j["minima_checked"], land.minima.size());
  EXPECT_EQ(j["edges_checked"], land.transition_states.size());
  EXPECT_GT(j["path_steps"].get<long long>(), 0);
  // Every transition state has its two paths stored, from the saddle down to its minima.
  ASSERT_EQ(land.paths.size(), 2 * land.transition_states.size());
  for (const db::StoredPath& p : land.paths) {
    const auto& t = land.transition_states[p.ts];
    const auto& m = land.minima[p.side == 1 ? t.min1 : t.min2];
    ASSERT_GE(p.s.size(), 2u);
    EXPECT_NEAR(p.energy.front(), t.energy, 1e-15);  // the saddle, as Newton-polished
    EXPECT_NEAR(p.energy.back(), m.energy, 1e-12);
    EXPECT_EQ(p.s.front(), 0.0);
    for (std::size_t k = 1; k < p.s.size(); ++k) {
      EXPECT_GT(p.s[k], p.s[k - 1]);
      EXPECT_LE(p.energy[k], p.energy[k - 1] + 1e-14);
    }
  }
  ASSERT_EQ(land.ts_columns.count("branched"), 1u);
  const CliRun human = run_cli("verify " + db_ + " --sample 3 --threads 2");
  EXPECT_EQ(human.code, 0) << human.out;
  EXPECT_TRUE(contains(human.out, "3 transition states checked")) << human.out;
}

TEST_F(VerifyCli, FailsOnASwappedEdge) {
  db::Landscape land = db::read(db_);
  ASSERT_GE(land.minima.size(), 3u);
  ASSERT_GE(land.transition_states.size(), 1u);
  // Point transition state 0's min1 at a minimum that neither of its paths reaches.
  auto& t = land.transition_states[0];
  std::int64_t other = 0;
  while (other == t.min1 || other == t.min2) ++other;
  t.min1 = other;
  const std::string bad = path("swapped.h5");
  db::write(bad, land);
  const CliRun r = run_cli("verify " + bad + " --threads 2");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "transition_states")) << r.out;
  EXPECT_TRUE(contains(r.out, "edge")) << r.out;
  EXPECT_TRUE(contains(r.out, "1 disagreement")) << r.out;
  const CliRun j = run_cli("verify " + bad + " --json --threads 2 2>/dev/null");
  EXPECT_EQ(j.code, 1);
  // stdout holds the JSON; the closing error line (stderr) follows it in the captured text.
  const auto report = nlohmann::json::parse(j.out.substr(0, j.out.rfind('}') + 1));
  ASSERT_EQ(report["disagreements"].size(), 1u);
  EXPECT_EQ(report["disagreements"][0]["row"], 0);
  EXPECT_EQ(report["disagreements"][0]["check"], "edge");
}

TEST_F(VerifyCli, FailsOnAnAlteredEnergyAndANonCanonicalPoint) {
  db::Landscape land = db::read(db_);
  land.minima[1].energy += 1e-9;
  land.transition_states[0].coords = -land.transition_states[0].coords;  // a symmetric copy
  const std::string bad = path("altered.h5");
  db::write(bad, land);
  const CliRun j = run_cli("verify " + bad + " --json --threads 2 2>/dev/null");
  EXPECT_EQ(j.code, 1) << j.out;
  const auto report = nlohmann::json::parse(j.out.substr(0, j.out.rfind('}') + 1));
  bool energy = false, canonical = false;
  for (const auto& d : report["disagreements"]) {
    energy |= d["table"] == "minima" && d["row"] == 1 && d["check"] == "energy";
    canonical |= d["table"] == "transition_states" && d["row"] == 0 && d["check"] == "canonical";
  }
  EXPECT_TRUE(energy) << report.dump(2);
  EXPECT_TRUE(canonical) << report.dump(2);
}

TEST_F(VerifyCli, ImportedPathsampleLandscapeVerifies) {
  const std::string ps = path("ps");
  const CliRun e = run_cli("export " + db_ + " --format pathsample --out " + ps);
  ASSERT_EQ(e.code, 0) << e.out;
  const std::string back = path("imported.h5");
  const CliRun i = run_cli("import --format pathsample " + ps + " " + back + " --like " + db_);
  ASSERT_EQ(i.code, 0) << i.out;
  const CliRun v = run_cli("verify " + back + " --threads 2");
  EXPECT_EQ(v.code, 0) << v.out;
}

TEST_F(VerifyCli, ProfileRunsThroughThePathwayInOrder) {
  const db::Landscape land = db::read(db_);
  const nlohmann::json q = run_cli_json("query " + db_ + " path 0 " +
                                        std::to_string(land.minima.size() - 1) + " --json");
  const std::string png = path("profile.png");
  const nlohmann::json j = run_cli_json(
      "profile " + db_ + " 0 " + std::to_string(land.minima.size() - 1) + " -o " + png + " --json");
  EXPECT_TRUE(fs::exists(png));
  EXPECT_EQ(j["recomputed_transition_states"], 0) << "paths are stored by connect";
  const auto& marks = j["stationary_points"];
  ASSERT_EQ(marks.size(), q["steps"].size());
  double last_s = -1;
  for (std::size_t k = 0; k < marks.size(); ++k) {
    EXPECT_EQ(marks[k]["id"], q["steps"][k]["id"]);
    EXPECT_EQ(marks[k]["kind"], q["steps"][k]["kind"]);
    EXPECT_DOUBLE_EQ(marks[k]["energy"].get<double>(), q["steps"][k]["energy"].get<double>());
    EXPECT_GT(marks[k]["s"].get<double>(), last_s);
    last_s = marks[k]["s"].get<double>();
  }
  // The curve passes through each stationary point and never rises above the highest one.
  for (const auto& p : j["points"])
    EXPECT_LE(p[1].get<double>(), j["highest_energy"].get<double>() + 1e-15);
  expect_user_error("profile " + db_ + " 0 9999 --json", {"9999", "not a row"});
  expect_user_error("profile " + db_ + " 0 1", {"-o"});
}

TEST_F(VerifyCli, BadInputIsAUserError) {
  expect_user_error("verify " + path("missing.h5"), {"does not exist"});
  expect_user_error("verify " + db_ + " --sample -1", {"sample"});
}

}  // namespace
