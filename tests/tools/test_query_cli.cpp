/// The `query`, `dgraph`, `export` and `import` subcommands run as a user would run them.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "graph/graph_test_util.hpp"
#include "lossland/db/database.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/stationary.hpp"
#include "tools/cli_test_util.hpp"

using namespace lossland;
namespace fs = std::filesystem;

namespace {

using lossland::testing::CliRun;
using lossland::testing::expect_user_error;

CliRun run(const std::string& args) {
  return lossland::testing::run_cli(args);
}

nlohmann::json json_of(const std::string& args) {
  const CliRun r = run(args);
  EXPECT_EQ(r.code, 0) << r.out;
  return nlohmann::json::parse(r.out);
}

class QueryCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lossland_qcli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    // Minima 0..5: sets {0,1,2,3} and {4,5}; minimum 3 is the global minimum.
    const db::Landscape land = lossland::testing::hand_network();
    db_ = (dir_ / "hand.h5").string();
    db::write(db_, land);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string db_;
};

TEST_F(QueryCli, StatsCountsComponentsAndTheGlobalMinimum) {
  const auto j = json_of("query " + db_ + " stats --json");
  EXPECT_EQ(j["minima"], 6);
  EXPECT_EQ(j["transition_states"], 7);
  EXPECT_DOUBLE_EQ(j["ts_per_minimum"].get<double>(), 7.0 / 6.0);
  EXPECT_EQ(j["connected_sets"], 2);
  EXPECT_EQ(j["largest_connected_set"], 4);
  EXPECT_EQ(j["self_loop_transition_states"], 1);
  EXPECT_EQ(j["global_minimum"]["id"], 3);
  EXPECT_DOUBLE_EQ(j["global_minimum"]["energy"].get<double>(), 0.1);
  EXPECT_TRUE(j.contains("minima_up_to_dataset_symmetry"));
  const CliRun human = run("query " + db_ + " stats");
  EXPECT_EQ(human.code, 0);
  EXPECT_NE(human.out.find("connected sets      2 (largest: 4 minima)"), std::string::npos)
      << human.out;
  EXPECT_NE(human.out.find("global minimum      id 3"), std::string::npos);
}

TEST_F(QueryCli, MinimaKeepsItsTableAndFiltersSortsLimits) {
  const CliRun plain = run("query " + db_ + " minima");
  EXPECT_EQ(plain.code, 0);
  EXPECT_NE(plain.out.find("6 minima up to the network's symmetries"), std::string::npos);
  EXPECT_NE(plain.out.find("    id                  energy     grad_rms     min_eigval   class"),
            std::string::npos)
      << plain.out;
  const auto j = json_of("query " + db_ + " minima --json --where 'auc<1' --sort energy");
  ASSERT_EQ(j["minima"].size(), 2u);
  EXPECT_EQ(j["minima"][0]["id"], 1);
  EXPECT_EQ(j["minima"][1]["id"], 4);
  const auto d = json_of("query " + db_ +
                         " minima --json --sort energy --desc --limit 2 "
                         "--columns auc,component");
  ASSERT_EQ(d["minima"].size(), 2u);
  EXPECT_EQ(d["minima"][0]["id"], 2);
  EXPECT_EQ(d["minima"][1]["id"], 4);
  EXPECT_EQ(d["minima"][1]["auc"], 0.5);
  EXPECT_EQ(d["minima"][1]["component"], 1);
  const auto e = json_of("query " + db_ + " minima --json --emax 0.5");
  EXPECT_EQ(e["minima"].size(), 3u);  // 0.1, 0.2, 0.5
  const CliRun csv = run("query " + db_ + " minima --csv --limit 1");
  EXPECT_EQ(csv.code, 0);
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')),
            "id,energy,grad_rms,min_eigenvalue,class,component,degree,barrier");
  // First row: the global minimum, its energy printed to round-trip exactly.
  const std::string row = csv.out.substr(csv.out.find('\n') + 1);
  EXPECT_EQ(row.substr(0, 2), "3,");
  EXPECT_EQ(std::stod(row.substr(2)), 0.1);
}

/// Escape barriers worked out by hand for the SetUp network: minimum 0 (0.5) reaches the lower
/// minimum 3 only over 0-1 (3), 1-2 (4), 2-3 (6): 5.5; 1 (1.0) reaches 0 over TS 1 at 3: 2.0;
/// 2 (2.0) joins {0, 1} over 1-2 at 4: 2.0; 4 (1.5) reaches 5 at 2: 0.5; 3 and 5 are the lowest
/// of their connected sets: none.
TEST_F(QueryCli, MinimaHaveTheirEscapeBarrier) {
  const auto j = json_of("query " + db_ + " minima --json --sort id");
  ASSERT_EQ(j["minima"].size(), 6u);
  const std::vector<double> want = {5.5, 2.0, 2.0, -1, 0.5, -1};
  const std::vector<int> to = {3, 0, 0, -1, 5, -1};
  for (int i = 0; i < 6; ++i) {
    const auto& m = j["minima"][i];
    if (want[i] < 0) {
      EXPECT_TRUE(m["barrier"].is_null()) << i;
      EXPECT_FALSE(m.contains("escape_to")) << i;
    } else {
      EXPECT_DOUBLE_EQ(m["barrier"].get<double>(), want[i]) << i;
      EXPECT_EQ(m["escape_to"], to[i]) << i;
    }
  }
  const auto sorted = json_of("query " + db_ + " minima --json --sort barrier");
  std::vector<int> order;
  for (const auto& m : sorted["minima"]) order.push_back(m["id"]);
  EXPECT_EQ(order, (std::vector<int>{4, 1, 2, 0, 3, 5})) << "none sorts last";
  const auto low = json_of("query " + db_ + " minima --json --where 'barrier<3'");
  EXPECT_EQ(low["minima"].size(), 3u);
  const CliRun table = run("query " + db_ + " minima");
  EXPECT_NE(table.out.find("barrier"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("none"), std::string::npos) << table.out;
  const auto show = json_of("query " + db_ + " show min 0 --json");
  EXPECT_DOUBLE_EQ(show["escape"]["barrier"].get<double>(), 5.5);
  EXPECT_DOUBLE_EQ(show["escape"]["saddle_energy"].get<double>(), 6.0);
  EXPECT_EQ(show["escape"]["ts"], 4);
  EXPECT_EQ(show["escape"]["to_minimum"], 3);
  EXPECT_TRUE(json_of("query " + db_ + " show min 3 --json")["escape"].is_null());
  const CliRun human = run("query " + db_ + " show min 4");
  EXPECT_NE(human.out.find("escape barrier 0.5 (over ts 5"), std::string::npos) << human.out;
}

TEST_F(QueryCli, TransitionStatesWithBarriers) {
  const auto j = json_of("query " + db_ + " ts --json --where 'min1==0'");
  ASSERT_EQ(j["transition_states"].size(), 3u);
  EXPECT_EQ(j["transition_states"][0]["id"], 1);  // lowest first: 3.0
  EXPECT_DOUBLE_EQ(j["transition_states"][0]["barrier1"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j["transition_states"][0]["barrier2"].get<double>(), 2.0);
  const CliRun csv = run("query " + db_ + " ts --csv --sort id --limit 1");
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')),
            "id,energy,grad_rms,neg_eigenvalue,min1,min2,barrier1,barrier2");
}

/// The table, CSV and JSON of a listing come from one list of columns: the same rows in the same
/// order, and every CSV cell the value of its JSON entry (an infinite barrier is JSON null;
/// grad_rms is %.6e in CSV), on the hand-made network and on a stored XOR landscape.
TEST_F(QueryCli, TableCsvAndJsonCarryTheSameRowsAndValues) {
  const auto data = fs::path(LOSSLAND_DATA_DIR).parent_path() / "tests" / "data";
  for (const std::string& db : {db_, (data / "xor_h3_l1e-06.h5").string()})
    for (const std::string what : {"minima", "ts"}) {
      const std::string opts = " --sort energy --desc --columns auc,class,component,degree";
      const std::string list = what == "minima" ? opts : " --sort barrier1 --columns id";
      const auto j = json_of("query " + db + " " + what + " --json" + list);
      const auto& rows = j[what == "minima" ? "minima" : "transition_states"];
      const CliRun csv = run("query " + db + " " + what + " --csv" + list);
      ASSERT_EQ(csv.code, 0) << csv.out;
      std::istringstream lines(csv.out);
      std::string line;
      std::getline(lines, line);
      std::vector<std::string> head;
      for (std::istringstream h(line); std::getline(h, line, ',');) head.push_back(line);
      std::size_t n = 0;
      for (; std::getline(lines, line); ++n) {
        ASSERT_LT(n, rows.size()) << what;
        std::vector<std::string> cells;
        for (std::istringstream c(line); std::getline(c, line, ',');) cells.push_back(line);
        ASSERT_EQ(cells.size(), head.size()) << what;
        for (std::size_t k = 0; k < head.size(); ++k) {
          const std::string key = head[k] == "class" ? "dataset_symmetry_class" : head[k];
          ASSERT_TRUE(rows[n].contains(key)) << what << " " << key;
          const auto& v = rows[n][key];
          if (v.is_null())
            EXPECT_TRUE(std::isinf(std::stod(cells[k]))) << what << " " << key;
          else if (key == "grad_rms")
            EXPECT_NEAR(std::stod(cells[k]), v.get<double>(), 1e-6 * std::abs(v.get<double>()))
                << what;
          else
            EXPECT_EQ(std::stod(cells[k]), v.get<double>()) << what << " " << key;
        }
      }
      EXPECT_EQ(n, rows.size()) << what;
      EXPECT_EQ(j["shown"], rows.size());
      // The table: a title, a heading, one line per row, each with as many cells as the heading.
      const CliRun table = run("query " + db + " " + what + list);
      std::istringstream t(table.out);
      std::vector<std::string> tl;
      for (std::string l; std::getline(t, l);) tl.push_back(l);
      ASSERT_EQ(tl.size(), rows.size() + 2) << table.out;
      auto words = [](const std::string& l) {
        std::istringstream w(l);
        return std::distance(std::istream_iterator<std::string>(w),
                             std::istream_iterator<std::string>());
      };
      for (std::size_t r = 0; r < rows.size(); ++r) {
        EXPECT_EQ(words(tl[r + 2]), words(tl[1])) << tl[r + 2];
        EXPECT_EQ(std::stoll(tl[r + 2]), rows[r]["id"].get<long long>()) << what;
      }
    }
}

TEST_F(QueryCli, ShowAndPath) {
  const auto m = json_of("query " + db_ + " show min 1 --json");
  EXPECT_EQ(m["kind"], "minimum");
  EXPECT_DOUBLE_EQ(m["energy"].get<double>(), 1.0);
  EXPECT_EQ(m["transition_states"].size(), 3u);
  EXPECT_EQ(m["columns"]["auc"], 0.75);
  EXPECT_EQ(m["blocks"]["W"].size(), 2u);  // H rows
  EXPECT_EQ(m["coords"].size(), 12u);
  const auto t = json_of("query " + db_ + " show ts 4 --json");
  EXPECT_EQ(t["min1"], 2);
  EXPECT_EQ(t["min2"], 3);
  EXPECT_EQ(t["num_negative_eigenvalues"], 1);
  EXPECT_EQ(run("query " + db_ + " show min 1").code, 0);
  // 0 -> 3 over 1 and 2 (highest 6) rather than 0-2 directly (9).
  const auto p = json_of("query " + db_ + " path 0 3 --json");
  EXPECT_EQ(p["status"], "found");
  EXPECT_DOUBLE_EQ(p["highest_energy"].get<double>(), 6.0);
  ASSERT_EQ(p["steps"].size(), 7u);
  EXPECT_EQ(p["steps"][1]["id"], 1);
  EXPECT_DOUBLE_EQ(p["barrier_from"].get<double>(), 5.5);
  const CliRun human = run("query " + db_ + " path 0 3");
  EXPECT_NE(human.out.find("<- highest"), std::string::npos) << human.out;
  EXPECT_EQ(json_of("query " + db_ + " path 0 4 --json")["status"], "not_connected");
}

TEST_F(QueryCli, BadInputIsAClearErrorWithExitCode2) {
  expect_user_error("query " + db_ + " show min 6", {"minimum 6 does not exist"});
  expect_user_error("query " + db_ + " path 0 4", {"not connected"});
  expect_user_error("query " + db_ + " minima --where 'nosuch>1'", {"no field 'nosuch'"});
  expect_user_error("query " + db_ + " minima --where 'auc~1'", {});
  expect_user_error("query " + db_ + " minima --sort bogus", {});
  expect_user_error("query " + (dir_ / "missing.h5").string() + " stats", {});
  expect_user_error("query " + db_ + " show ts 7", {"transition state 7 does not exist"});
  expect_user_error("query " + db_ + " path 0 6", {"minimum 6 does not exist"});
  expect_user_error("query " + db_ + " path -1 2", {});
  expect_user_error("query " + db_ + " ts --sort nosuch", {"no field 'nosuch'"});
  expect_user_error("query " + db_ + " minima --columns nosuch", {});
}

/// A database without minima: every command that reads points says so and what to do.
TEST_F(QueryCli, EmptyDatabaseIsAClearError) {
  const std::string empty = (dir_ / "empty.h5").string();
  db::write(empty, lossland::testing::empty_xor_landscape());
  for (const std::string cmd :
       {"query " + empty + " minima", "query " + empty + " ts --json", "query " + empty + " stats",
        "query " + empty + " show min 0", "query " + empty + " path 0 0",
        "dgraph " + empty + " -o " + (dir_ / "e.png").string(),
        "export " + empty + " --out " + (dir_ / "eps").string(),
        "export " + empty + " --format json --out " + (dir_ / "e.json").string()}) {
    expect_user_error(cmd, {"no minima", "lossland bh"});
  }
  EXPECT_FALSE(fs::exists(dir_ / "e.png"));
  EXPECT_FALSE(fs::exists(dir_ / "e.json"));
}

/// Minima without transition states: dgraph draws each minimum as its own branch and says so.
TEST_F(QueryCli, DgraphWithoutTransitionStatesDrawsTheMinimaAlone) {
  auto land = lossland::testing::make_landscape({0.5, 0.1, 0.3}, {});
  const std::string db = (dir_ / "nots.h5").string(), png = (dir_ / "nots.png").string();
  db::write(db, land);
  const CliRun r = run("dgraph " + db + " -o " + png);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("no transition states yet"), std::string::npos) << r.out;
  EXPECT_GT(fs::file_size(png), 1000u);
  const auto j = json_of("dgraph " + db + " --json");
  EXPECT_EQ(j["num_leaves"], 3);
  EXPECT_EQ(j["roots"].size(), 3u);
  EXPECT_EQ(j["transition_states_used"], 0);
  EXPECT_NE(j["notes"].dump().find("no transition states"), std::string::npos);
}

TEST_F(QueryCli, DgraphDrawsAndPrintsTheTree) {
  const std::string png = (dir_ / "g.png").string();
  CliRun r = run("dgraph " + db_ + " -o " + png + " --color auc --label 0,3");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_GT(fs::file_size(png), 1000u);
  const auto j = json_of("dgraph " + db_ + " --json --levels 10");
  EXPECT_EQ(j["level_energies"].size(), 10u);
  EXPECT_EQ(j["level_spacing_requested"], "auto");
  EXPECT_EQ(j["window_top_rule"], "join");
  EXPECT_TRUE(j["level_spacing"] == "linear" || j["level_spacing"] == "log");
  // The set {0,1,2,3} joins last at 6 (2-3); the transition state at 9 lies above the window
  // (7 joins minimum 3 to itself and is not used).
  EXPECT_DOUBLE_EQ(j["join_energy"].get<double>(), 6.0);
  EXPECT_EQ(j["transition_states_above"], 1);
  const auto jl = json_of("dgraph " + db_ + " --json --level-spacing log --top highest");
  EXPECT_EQ(jl["level_spacing"], "log");
  EXPECT_EQ(jl["window_top_rule"], "highest");
  EXPECT_GT(jl["level_energies"][0].get<double>(), 9.0);
  expect_user_error("dgraph " + db_ + " --json --level-spacing log --spacing 0.5", {"--levels"});
  expect_user_error("dgraph " + db_ + " --json --level-spacing cubic", {});
  EXPECT_EQ(run("dgraph " + db_ + " -o " + png + " --paper-colors").code, 0);
  const std::string insets = (dir_ / "insets.png").string();
  r = run("dgraph " + db_ + " -o " + insets + " --insets 2");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_GT(fs::file_size(insets), 1000u);
  expect_user_error("dgraph --grid " + db_ + " " + db_ + " -o " + insets + " --insets 2", {});
  expect_user_error("dgraph " + db_ + " -o " + png + " --paper-colors --color robustness",
                    {"--paper-colors"});
  EXPECT_EQ(j["num_leaves"], 6);
  EXPECT_EQ(j["roots"].size(), 2u);
  const std::string grid = (dir_ / "grid.svg").string();
  EXPECT_EQ(run("dgraph --grid " + db_ + " " + db_ + " -o " + grid).code, 0);
  EXPECT_TRUE(fs::exists(grid));
  expect_user_error("dgraph " + db_ + " -o " + png + " --color nosuch", {"it has: auc"});
  expect_user_error("dgraph " + db_ + " -o " + (dir_ / "g.jpg").string(), {});
  expect_user_error("dgraph " + db_ + " -o " + png + " --label 99", {});
  expect_user_error("dgraph " + db_, {});
  // A pinned colour range; bad ranges and a range without a column are errors.
  EXPECT_EQ(run("dgraph " + db_ + " -o " + png + " --color auc --color-range 0.5:1").code, 0);
  EXPECT_EQ(run("dgraph " + db_ + " -o " + png + " --color auc --color-range :1").code, 0);
  expect_user_error("dgraph " + db_ + " -o " + png + " --color auc --color-range 1:0.5",
                    {"LO must be below HI"});
  expect_user_error("dgraph " + db_ + " -o " + png + " --color auc --color-range 0.5", {});
  expect_user_error("dgraph " + db_ + " -o " + png + " --color auc --color-range a:1", {});
  expect_user_error("dgraph " + db_ + " -o " + png + " --color-range 0.5:1", {"needs --color"});
}

TEST_F(QueryCli, ExportImportRoundTrip) {
  // Real minima are needed: import re-evaluates every energy with the model.
  db::Landscape land = lossland::testing::empty_xor_landscape(2, 1e-3);
  const MlpLoss loss(land.dataset, land.model);
  for (int s = 0; s < 2; ++s) {
    const auto r = minimize(loss, Eigen::VectorXd::LinSpaced(loss.dim(), -1.0 - s, 2.0 + s));
    const auto c = classify(loss, r.x);
    ASSERT_EQ(c.kind, PointKind::Minimum);
    land.minima.push_back({c.energy, r.x, c.grad_rms, c.eigenvalues});
  }
  const std::string src = (dir_ / "real.h5").string(), back = (dir_ / "back.h5").string();
  db::write(src, land);
  const std::string out = (dir_ / "ps").string();
  const auto e = json_of("export " + src + " --format pathsample --out " + out + " --json");
  EXPECT_EQ(e["minima"], 2);
  EXPECT_TRUE(fs::exists(out + "/min.data"));
  expect_user_error("import " + out + " " + back + " --hidden 2 --lambda 1e-2", {"another model"});
  const auto i = json_of("import " + out + " " + back + " --hidden 2 --lambda 1e-3 --json");
  EXPECT_EQ(i["minima"], 2);
  const db::Landscape again = db::read(back);
  ASSERT_EQ(again.minima.size(), 2u);
  EXPECT_NEAR(again.minima[1].energy, land.minima[1].energy, 1e-15);
  // Refuses to overwrite without --force.
  expect_user_error("import " + out + " " + back + " --hidden 2 --lambda 1e-3", {"--force"});
  expect_user_error("export " + src + " --format xyz --out " + out, {});
}

/// A real XOR landscape (bh + connect, N_h = 2): the PATHSAMPLE export matches the database row
/// for row, import --like gives the same database back (energies and coordinates bit for bit,
/// min1/min2, counts), and the JSON and dot exports describe the same points.
TEST_F(QueryCli, RealLandscapeExportsAndImportsBack) {
  const std::string src = (dir_ / "x2.h5").string();
  ASSERT_EQ(run("bh " + src + " --hidden 2 --lambda 1e-3").code, 0);
  ASSERT_EQ(run("connect " + src + " --all").code, 0);
  const db::Landscape land = db::read(src);
  ASSERT_GE(land.minima.size(), 3u);
  ASSERT_GE(land.transition_states.size(), 1u);

  const std::string ps = (dir_ / "x2.pathsample").string();
  ASSERT_EQ(run("export " + src + " --out " + ps).code, 0) << "pathsample is the default format";
  {
    std::ifstream in(ps + "/min.data");
    std::string line;
    std::size_t row = 0;
    while (std::getline(in, line)) {
      ASSERT_LT(row, land.minima.size());
      EXPECT_EQ(std::stod(line), land.minima[row].energy) << "min.data row " << row;
      ++row;
    }
    EXPECT_EQ(row, land.minima.size());
    std::ifstream ts(ps + "/ts.data");
    row = 0;
    while (std::getline(ts, line)) {
      std::istringstream f(line);
      double e, fv, h, plus, minus;
      f >> e >> fv >> h >> plus >> minus;
      ASSERT_LT(row, land.transition_states.size());
      EXPECT_EQ(e, land.transition_states[row].energy);
      EXPECT_EQ(plus, land.transition_states[row].min1 + 1.0);
      EXPECT_EQ(minus, land.transition_states[row].min2 + 1.0);
      ++row;
    }
    EXPECT_EQ(row, land.transition_states.size());
  }
  const std::string back = (dir_ / "back.h5").string();
  const CliRun imp = run("import --format pathsample " + ps + " --like " + src + " " + back);
  ASSERT_EQ(imp.code, 0) << imp.out;
  const db::Landscape again = db::read(back);
  EXPECT_EQ(again.model.layers, land.model.layers);
  EXPECT_EQ(again.model.lambda, land.model.lambda);
  EXPECT_EQ(again.dataset.name, land.dataset.name);
  ASSERT_EQ(again.minima.size(), land.minima.size());
  ASSERT_EQ(again.transition_states.size(), land.transition_states.size());
  for (std::size_t i = 0; i < land.minima.size(); ++i) {
    EXPECT_EQ(again.minima[i].energy, land.minima[i].energy) << "minimum " << i;
    EXPECT_EQ(again.minima[i].coords, land.minima[i].coords) << "minimum " << i;
    EXPECT_NEAR(again.minima[i].eigenvalues[0], land.minima[i].eigenvalues[0],
                1e-8 * std::max(1.0, std::abs(land.minima[i].eigenvalues[0])));
  }
  for (std::size_t t = 0; t < land.transition_states.size(); ++t) {
    EXPECT_EQ(again.transition_states[t].energy, land.transition_states[t].energy);
    EXPECT_EQ(again.transition_states[t].coords, land.transition_states[t].coords);
    EXPECT_EQ(again.transition_states[t].min1, land.transition_states[t].min1);
    EXPECT_EQ(again.transition_states[t].min2, land.transition_states[t].min2);
  }
  // The --hidden/--lambda form still works; --like with them, or neither, is an error.
  const std::string back2 = (dir_ / "back2.h5").string();
  EXPECT_EQ(run("import " + ps + " " + back2 + " --hidden 2 --lambda 1e-3").code, 0);
  expect_user_error("import " + ps + " " + back2 + " --force --like " + src + " --hidden 2",
                    {"leave out --hidden"});
  expect_user_error("import " + ps + " " + back2 + " --force", {"--like DB"});
  expect_user_error("import --format json " + ps + " " + back2 + " --force --like " + src, {});

  // JSON: the whole database.
  const std::string js = (dir_ / "x2.json").string();
  ASSERT_EQ(run("export " + src + " --format json --out " + js).code, 0);
  std::ifstream jin(js);
  const nlohmann::json doc = nlohmann::json::parse(jin);
  EXPECT_EQ(doc["model"]["layers"], land.model.layers);
  ASSERT_EQ(doc["minima"].size(), land.minima.size());
  ASSERT_EQ(doc["transition_states"].size(), land.transition_states.size());
  EXPECT_EQ(doc["minima"][1]["energy"].get<double>(), land.minima[1].energy);
  EXPECT_EQ(doc["transition_states"][0]["min2"], land.transition_states[0].min2);
  // Without --out the document goes to stdout.
  EXPECT_EQ(json_of("export " + src + " --format json")["minima"].size(), land.minima.size());
  // dot: one edge per transition state.
  const std::string dot = (dir_ / "x2.dot").string();
  ASSERT_EQ(run("export " + src + " --format dot --out " + dot).code, 0);
  std::ifstream din(dot);
  std::string text((std::istreambuf_iterator<char>(din)), {});
  std::size_t edges = 0;
  for (auto at = text.find(" -- m"); at != std::string::npos; at = text.find(" -- m", at + 1))
    ++edges;
  EXPECT_EQ(edges, land.transition_states.size());
  expect_user_error("export " + src + " --format xyz --out " + dot, {});
}

}  // namespace
