/// Lazy reads (issue 17): a synthetic landscape read with only some parts gives the same
/// values as a full read, rows fetched on demand equal the full read's rows, and the query
/// commands (which now read lazily) answer as computed from a full read.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "lossland/graph/network.hpp"
#include "lossland/model/symmetry.hpp"
#include "synthetic_landscape.hpp"
#include "test_tmpdir.hpp"
#include "tools/cli_test_util.hpp"

using namespace lossland;

namespace {

/// 3000 minima and 6000 transition states on the N_h = 3 XOR model, with 40 symmetric copies
/// of earlier minima (equal energies) so that the symmetry classes need some coordinates.
std::string synthetic_file(const std::filesystem::path& dir) {
  const auto data = std::filesystem::path(LOSSLAND_DATA_DIR).parent_path() / "tests" / "data";
  const db::Landscape model = db::read((data / "xor_h3_l1e-06.h5").string());
  bench::SyntheticOptions o;
  o.minima = 3000;
  o.seed = 7;
  db::Landscape ls = bench::synthetic_landscape(model, o);
  const auto group = dataset_symmetries(ls.dataset);
  const DatasetSymmetry& swap = group[0].is_identity() ? group[1] : group[0];
  for (int k = 0; k < 40; ++k) {
    db::StoredPoint& copy = ls.minima[2000 + 10 * k];
    const db::StoredPoint& orig = ls.minima[50 * k];
    copy.energy = orig.energy;
    copy.coords = apply(ls.model, swap, orig.coords);
    if (k % 2) copy.coords = apply(ls.model, NodeMap{{2, 0, 1}, {1, -1, 1}}, copy.coords);
  }
  const std::string path = (dir / "synth.h5").string();
  db::write(path, ls);
  return path;
}

}  // namespace

TEST(LazyRead, PartsEqualTheFullReadAndRowsOnDemandEqualItsRows) {
  const auto dir = lossland::testing::unique_temp_dir("lazy_parts");
  const std::string path = synthetic_file(dir);
  const db::Landscape full = db::read(path);
  using S = db::ReadParts::Spectrum;
  for (const db::ReadParts parts :
       {db::ReadParts{false, S::None, false}, db::ReadParts{false, S::Lowest, false},
        db::ReadParts{true, S::Lowest, true}}) {
    const db::Landscape lazy = db::read(path, parts);
    ASSERT_EQ(lazy.minima.size(), full.minima.size());
    ASSERT_EQ(lazy.transition_states.size(), full.transition_states.size());
    for (std::size_t i = 0; i < full.minima.size(); ++i) {
      ASSERT_EQ(lazy.minima[i].energy, full.minima[i].energy);
      ASSERT_EQ(lazy.minima[i].grad_rms, full.minima[i].grad_rms);
      ASSERT_EQ(lazy.minima[i].coords.size(), parts.coords ? full.num_params() : 0);
      if (parts.coords) ASSERT_EQ(lazy.minima[i].coords, full.minima[i].coords);
      if (parts.spectrum == S::Lowest) {
        ASSERT_EQ(lazy.minima[i].eigenvalues.size(), 1);
        ASSERT_EQ(lazy.minima[i].eigenvalues[0], full.minima[i].eigenvalues[0]);
      } else {
        ASSERT_EQ(lazy.minima[i].eigenvalues.size(), 0);
      }
    }
    for (std::size_t t = 0; t < full.transition_states.size(); ++t) {
      const auto &a = lazy.transition_states[t], &b = full.transition_states[t];
      ASSERT_EQ(a.energy, b.energy);
      ASSERT_EQ(a.min1, b.min1);
      ASSERT_EQ(a.min2, b.min2);
      if (parts.spectrum == S::Lowest) ASSERT_EQ(a.eigenvalues[0], b.eigenvalues[0]);
    }
  }
  // A few rows (one hyperslab per row) and many rows (one read), any order, repeats.
  for (const std::vector<std::size_t>& rows :
       {std::vector<std::size_t>{2999, 0, 17, 17, 1500}, std::vector<std::size_t>(600, 42)}) {
    const auto got = db::read_coords(path, db::PointTable::Minima, rows);
    ASSERT_EQ(got.size(), rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) EXPECT_EQ(got[k], full.minima[rows[k]].coords);
  }
  const auto ts = db::read_coords(path, db::PointTable::TransitionStates, {5999, 3});
  EXPECT_EQ(ts[0], full.transition_states[5999].coords);
  EXPECT_EQ(ts[1], full.transition_states[3].coords);
  EXPECT_THROW(db::read_coords(path, db::PointTable::Minima, {3000}), db::DatabaseError);
  std::filesystem::remove_all(dir);
}

TEST(LazyRead, QueryAnswersAsComputedFromTheFullRead) {
  const auto dir = lossland::testing::unique_temp_dir("lazy_query");
  const std::string path = synthetic_file(dir);
  const db::Landscape full = db::read(path);
  std::vector<double> e;
  std::vector<Eigen::VectorXd> x;
  for (const auto& m : full.minima) {
    e.push_back(m.energy);
    x.push_back(m.coords);
  }
  const auto cls = dataset_symmetry_classes(full.model, full.dataset, e, x);
  const std::size_t distinct = std::set<int>(cls.begin(), cls.end()).size();
  EXPECT_EQ(distinct, full.minima.size() - 40);  // every planted copy found, nothing else
  const graph::TransitionNetwork net(full);
  const graph::Components comps = net.components();

  const auto stats = lossland::testing::run_cli_json("query " + path + " stats --json");
  EXPECT_EQ(stats["minima"], full.minima.size());
  EXPECT_EQ(stats["minima_up_to_dataset_symmetry"], distinct);
  EXPECT_EQ(stats["transition_states"], full.transition_states.size());
  EXPECT_EQ(stats["connected_sets"], comps.count);

  const auto list = lossland::testing::run_cli_json("query " + path +
                                                    " minima --limit 5 --sort class --desc --json");
  ASSERT_EQ(list["minima"].size(), 5u);
  EXPECT_EQ(list["count_up_to_dataset_symmetry"], distinct);
  for (const auto& row : list["minima"]) {
    const std::size_t id = row["id"];
    EXPECT_EQ(row["energy"].get<double>(), full.minima[id].energy);
    EXPECT_EQ(row["min_eigenvalue"].get<double>(), full.minima[id].eigenvalues[0]);
    EXPECT_EQ(row["dataset_symmetry_class"], cls[id]);
  }
  // --limit takes the first rows of the full stable sort, ties (many equal degrees) included.
  const auto all =
      lossland::testing::run_cli_json("query " + path + " minima --sort degree --json");
  const auto top =
      lossland::testing::run_cli_json("query " + path + " minima --sort degree --limit 9 --json");
  ASSERT_EQ(top["minima"].size(), 9u);
  for (std::size_t k = 0; k < 9; ++k) EXPECT_EQ(top["minima"][k]["id"], all["minima"][k]["id"]);
  // show reads one row's coordinates and spectrum from the file.
  for (const auto& [kind, id] : {std::pair<std::string, std::size_t>{"min", 2010}, {"ts", 5321}}) {
    const auto show = lossland::testing::run_cli_json("query " + path + " show " + kind + " " +
                                                      std::to_string(id) + " --json");
    const db::StoredPoint& want =
        kind == "min" ? full.minima[id]
                      : static_cast<const db::StoredPoint&>(full.transition_states[id]);
    const auto coords = show["coords"].get<std::vector<double>>();
    const auto eig = show["eigenvalues"].get<std::vector<double>>();
    EXPECT_EQ(Eigen::Map<const Eigen::VectorXd>(coords.data(), coords.size()), want.coords);
    EXPECT_EQ(Eigen::Map<const Eigen::VectorXd>(eig.data(), eig.size()), want.eigenvalues);
  }
  const auto path_json = lossland::testing::run_cli_json("query " + path + " path 0 2999 --json");
  const auto p = net.minimax_path(0, 2999);
  EXPECT_EQ(path_json["highest_energy"].get<double>(), p.highest_energy);
  std::filesystem::remove_all(dir);
}

TEST(LazyRead, ThermoWithoutStoredOrdersReadsCoordinatesAndAgrees) {
  // thermo reads no coordinates when every point has its symmetry order stored; a file
  // without the horder columns makes it read them and compute the orders: same answer.
  const auto dir = lossland::testing::unique_temp_dir("lazy_thermo");
  const std::string with = synthetic_file(dir);
  db::Landscape land = db::read(with);
  ASSERT_EQ(land.minima_columns.count("horder"), 1u);
  land.minima_columns.erase("horder");
  land.ts_columns.erase("horder");
  const std::string without = (dir / "no_horder.h5").string();
  db::write(without, land);
  auto a = lossland::testing::run_cli_json("thermo " + with + " -T 0.05 --json");
  auto b = lossland::testing::run_cli_json("thermo " + without + " -T 0.05 --json");
  ASSERT_FALSE(a.is_null());
  a.erase("database");
  b.erase("database");
  EXPECT_EQ(a, b);
  std::filesystem::remove_all(dir);
}
