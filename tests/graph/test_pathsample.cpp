#include "lossland/graph/pathsample.hpp"
#include "lossland/model/stabiliser.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "lossland/model/mlp_loss.hpp"
#include "lossland/model/symmetry.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/stationary.hpp"

using namespace lossland;
namespace fs = std::filesystem;

namespace {

TEST(Fvib, SumOfLogsOfTheEigenvalues) {
  Eigen::VectorXd m(3);
  m << 1.0, std::exp(1.0), std::exp(2.0);
  EXPECT_NEAR(graph::fvib(m, false), 3.0, 1e-14);
  Eigen::VectorXd t(3);
  t << -5.0, std::exp(-1.0), std::exp(3.0);  // the negative one is skipped
  EXPECT_NEAR(graph::fvib(t, true), 2.0, 1e-14);
  EXPECT_THROW(graph::fvib(t, false), std::invalid_argument);
  EXPECT_THROW(graph::fvib(m, true), std::invalid_argument);
  Eigen::VectorXd zero(2);
  zero << 0.0, 1.0;
  EXPECT_THROW(graph::fvib(zero, false), std::invalid_argument);
  EXPECT_THROW(graph::fvib(Eigen::VectorXd(), false), std::invalid_argument);
}

class PathsampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lossland_ps_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    spec_.layers = {2, 2, 2};
    spec_.lambda = 1e-3;
    // Real minima of the XOR loss (N_h = 2): quenches from fixed starts.
    const MlpLoss loss(xor_dataset(), spec_);
    land_.model = spec_;
    land_.dataset = xor_dataset();
    for (int s = 0; s < 3; ++s) {
      Eigen::VectorXd x0 = Eigen::VectorXd::LinSpaced(loss.dim(), -1.0 - s, 1.5 + 0.7 * s);
      const MinimizerResult r = minimize(loss, x0);
      const Classification c = classify(loss, r.x);
      ASSERT_EQ(c.kind, PointKind::Minimum);
      db::StoredPoint p{c.energy, canonical_form(spec_, r.x), c.grad_rms, c.eigenvalues};
      land_.minima.push_back(p);
    }
    // A "transition state" that is really minimum 2, with a made-up spectrum: the export takes
    // the file's word; the import re-evaluates and must flag it.
    db::StoredTransitionState t;
    static_cast<db::StoredPoint&>(t) = land_.minima[2];
    t.eigenvalues[0] = -0.25;
    t.min1 = 0;
    t.min2 = 2;
    land_.transition_states.push_back(t);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  ModelSpec spec_;
  db::Landscape land_;
};

std::vector<std::vector<double>> read_rows(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::vector<double> r;
    double v;
    while (ss >> v) r.push_back(v);
    rows.push_back(r);
  }
  return rows;
}

TEST_F(PathsampleTest, ExportWritesTheDocumentedColumns) {
  const auto f = graph::export_pathsample(land_, dir_.string());
  const auto mins = read_rows(f.min_data);
  ASSERT_EQ(mins.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(mins[i].size(), 6u);
    EXPECT_DOUBLE_EQ(mins[i][0], land_.minima[i].energy);
    double sum = 0;
    for (Eigen::Index k = 0; k < land_.minima[i].eigenvalues.size(); ++k)
      sum += std::log(land_.minima[i].eigenvalues[k]);
    EXPECT_NEAR(mins[i][1], sum, 1e-12 * std::abs(sum));
    EXPECT_EQ(mins[i][2], static_cast<double>(stabiliser_order(spec_, land_.minima[i].coords)));
    EXPECT_EQ(mins[i][3], 1.0);
  }
  const auto ts = read_rows(f.ts_data);
  ASSERT_EQ(ts.size(), 1u);
  ASSERT_EQ(ts[0].size(), 8u);
  EXPECT_EQ(ts[0][3], 1.0);  // PLUS = min1 + 1
  EXPECT_EQ(ts[0][4], 3.0);  // MINUS = min2 + 1
  const int P = spec_.num_params();
  EXPECT_EQ(fs::file_size(f.points_min), 3u * P * 8);
  EXPECT_EQ(fs::file_size(f.points_ts), 1u * P * 8);
  // Record 1 of points.min is minimum 1's coordinates, bit for bit.
  std::ifstream in(f.points_min, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(P) * 8);
  for (int k = 0; k < P; ++k) {
    double v;
    in.read(reinterpret_cast<char*>(&v), 8);
    EXPECT_EQ(v, land_.minima[1].coords[k]);
  }
}

TEST_F(PathsampleTest, ImportRoundTripsAndFlagsAWrongKind) {
  graph::export_pathsample(land_, dir_.string());
  const graph::ImportResult r = graph::import_pathsample(dir_.string(), spec_, xor_dataset());
  ASSERT_EQ(r.landscape.minima.size(), 3u);
  ASSERT_EQ(r.landscape.transition_states.size(), 1u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.landscape.minima[i].energy, land_.minima[i].energy);  // bit for bit
    EXPECT_EQ(r.landscape.minima[i].coords, land_.minima[i].coords);
    EXPECT_LT(r.landscape.minima[i].grad_rms, 1e-9);
    EXPECT_GT(r.landscape.minima[i].eigenvalues[0], 0.0);
  }
  EXPECT_EQ(r.landscape.transition_states[0].energy, land_.transition_states[0].energy);
  EXPECT_EQ(r.landscape.transition_states[0].coords, land_.transition_states[0].coords);
  EXPECT_EQ(r.landscape.transition_states[0].min1, 0);
  EXPECT_EQ(r.landscape.transition_states[0].min2, 2);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("ts.data line 1"), std::string::npos);
}

TEST_F(PathsampleTest, HorderIsTheStabiliserOrderAndRoundTrips) {
  // The all-zero point of N_h = 2 (tanh) is fixed by all 2! 2^2 = 8 elements of the group.
  const MlpLoss loss(xor_dataset(), spec_);
  const Classification c = classify(loss, Eigen::VectorXd::Zero(loss.dim()));
  ASSERT_EQ(c.kind, PointKind::Minimum);
  land_.minima.push_back({c.energy, Eigen::VectorXd::Zero(loss.dim()), c.grad_rms, c.eigenvalues});
  const auto f = graph::export_pathsample(land_, dir_.string());
  const auto mins = read_rows(f.min_data);
  ASSERT_EQ(mins.size(), 4u);
  EXPECT_EQ(mins[3][2], 8.0);
  const graph::ImportResult r = graph::import_pathsample(dir_.string(), spec_, xor_dataset());
  const auto& col = r.landscape.minima_columns.at("horder");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(col(i, 0), mins[i][2]);
  EXPECT_EQ(r.landscape.ts_columns.at("horder")(0, 0), read_rows(f.ts_data)[0][2]);
  // An older export's HORDER = 1 is kept but reported; recompute_horder replaces it.
  std::ofstream(f.min_data) << [&] {
    std::ostringstream o;
    for (const auto& row : mins)
      o << std::setprecision(17) << row[0] << " " << row[1] << " 1 1 1 1\n";
    return o.str();
  }();
  const graph::ImportResult old = graph::import_pathsample(dir_.string(), spec_, xor_dataset());
  EXPECT_EQ(old.landscape.minima_columns.at("horder")(3, 0), 1.0);
  bool reported = false;
  for (const auto& w : old.warnings) reported = reported || w.find("HORDER") != std::string::npos;
  EXPECT_TRUE(reported);
  graph::ImportOptions recompute;
  recompute.recompute_horder = true;
  const graph::ImportResult fixed =
      graph::import_pathsample(dir_.string(), spec_, xor_dataset(), recompute);
  EXPECT_EQ(fixed.landscape.minima_columns.at("horder")(3, 0), 8.0);
}

TEST_F(PathsampleTest, ImportRefusesAnotherModelAndBrokenFiles) {
  const auto f = graph::export_pathsample(land_, dir_.string());
  ModelSpec other = spec_;
  other.lambda = 1e-2;  // same P, different energies
  try {
    graph::import_pathsample(dir_.string(), other, xor_dataset());
    FAIL() << "imported with the wrong lambda";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another model"), std::string::npos) << e.what();
  }
  other = spec_;
  other.layers = {2, 3, 2};  // different P: points.min has the wrong size
  EXPECT_THROW(graph::import_pathsample(dir_.string(), other, xor_dataset()), std::runtime_error);
  // PLUS out of range.
  {
    std::ofstream ts(f.ts_data);
    ts << land_.transition_states[0].energy << " 1.0 1 1 4 1.0 1.0 1.0\n";
  }
  EXPECT_THROW(graph::import_pathsample(dir_.string(), spec_, xor_dataset()), std::runtime_error);
  // A non-number.
  {
    std::ofstream ts(f.ts_data);
    ts << "abc 1.0 1 1 2 1.0 1.0 1.0\n";
  }
  EXPECT_THROW(graph::import_pathsample(dir_.string(), spec_, xor_dataset()), std::runtime_error);
  // Minima only (no ts files) is fine.
  fs::remove(f.ts_data);
  fs::remove(f.points_ts);
  EXPECT_EQ(graph::import_pathsample(dir_.string(), spec_, xor_dataset())
                .landscape.transition_states.size(),
            0u);
  // A missing min.data is an error naming the file.
  fs::remove(f.min_data);
  try {
    graph::import_pathsample(dir_.string(), spec_, xor_dataset());
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("min.data"), std::string::npos);
  }
}

TEST_F(PathsampleTest, ExportRefusesANonMorseSpectrum) {
  land_.minima[1].eigenvalues[0] = 0.0;
  EXPECT_THROW(graph::export_pathsample(land_, dir_.string()), std::invalid_argument);
  EXPECT_FALSE(fs::exists(dir_ / "min.data")) << "nothing half-written";
}

}  // namespace
