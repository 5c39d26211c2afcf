/// \file
/// The HDF5 landscape database: round trips, h5dump, every unreadable file, compatibility
/// checks and crash safety under SIGKILL.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#if __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#include <hdf5/serial/hdf5.h>  // Debian keeps the serial library's headers here
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <thread>

#include "db_test_util.hpp"
#include "lossland/db/database.hpp"

namespace fs = std::filesystem;
namespace db = lossland::db;
using db::DatabaseError;
using db::Landscape;
using lossland::testing::expect_same;
using lossland::testing::same_bits;

namespace {

/// A point with reproducible, awkward values (thirds, negative zero, subnormals).
template <class Point>
Point make_point(int P, int seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Point p;
  p.energy = normal(rng) / 3.0;
  p.grad_rms = std::ldexp(std::abs(normal(rng)), -40);
  p.coords = Eigen::VectorXd::NullaryExpr(P, [&](Eigen::Index) { return normal(rng); });
  p.coords[0] = -0.0;
  p.coords[1] = 4.9e-324;
  p.eigenvalues = Eigen::VectorXd::NullaryExpr(P, [&](Eigen::Index) { return normal(rng); });
  std::sort(p.eigenvalues.data(), p.eigenvalues.data() + P);
  return p;
}

/// The model and data every test uses: XOR, layers [2, 3, 2] (P = 17).
Landscape base_landscape() {
  Landscape ls;
  ls.model.layers = {2, 3, 2};
  ls.model.activation = lossland::Activation::Sigmoid;
  ls.model.regularize = lossland::Regularize::Weights;
  ls.model.lambda = 1e-4;
  ls.dataset = lossland::xor_dataset();
  ls.created_by = "lossland test";
  return ls;
}

/// Adds one minimum (and, from the second on, a transition state to the previous one).
void add_minimum(Landscape& ls) {
  const int P = ls.num_params();
  const int m = static_cast<int>(ls.minima.size());
  ls.minima.push_back(make_point<db::StoredPoint>(P, 1000 + m));
  if (m > 0) {
    auto ts = make_point<db::StoredTransitionState>(P, 5000 + m);
    ts.min1 = m - 1;
    ts.min2 = m;
    ls.transition_states.push_back(ts);
  }
}

/// M minima, T = M - 1 transition states (a chain, plus one degenerate one when M >= 2), a 1-D
/// and a 2-D column on each group and two notes.
Landscape full_landscape(int M) {
  Landscape ls = base_landscape();
  for (int m = 0; m < M; ++m) add_minimum(ls);
  if (M >= 2) {
    auto ts = make_point<db::StoredTransitionState>(ls.num_params(), 9999);
    ts.min1 = ts.min2 = 1;
    ls.transition_states.push_back(ts);
  }
  const auto T = static_cast<Eigen::Index>(ls.transition_states.size());
  ls.minima_columns["auc"] = Eigen::MatrixXd::Random(M, 1);
  ls.minima_columns["hidden_activity"] = Eigen::MatrixXd::Random(M, 3);
  if (M > 0) ls.minima_columns["auc"](0, 0) = std::numeric_limits<double>::quiet_NaN();
  ls.ts_columns["barrier"] = Eigen::MatrixXd::Random(T, 1);
  ls.ts_columns["path"] = Eigen::MatrixXd::Random(T, 2);
  ls.notes["seed"] = "42";
  ls.notes["command"] = "lossland bh x.h5 --steps 1000";
  return ls;
}

/// Shapes a reader may rely on: P values per point, one column row per point, valid min1/min2.
void expect_consistent(const Landscape& ls) {
  const int P = ls.num_params();
  for (const auto& m : ls.minima) {
    EXPECT_EQ(m.coords.size(), P);
    EXPECT_EQ(m.eigenvalues.size(), P);
  }
  for (const auto& ts : ls.transition_states) {
    EXPECT_EQ(ts.coords.size(), P);
    EXPECT_GE(ts.min1, 0);
    EXPECT_LT(ts.min2, static_cast<std::int64_t>(ls.minima.size()));
  }
  for (const auto& [name, column] : ls.minima_columns) {
    EXPECT_EQ(column.rows(), static_cast<Eigen::Index>(ls.minima.size())) << name;
  }
}

/// A fresh temporary directory per test, removed afterwards.
class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lossland_db_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  /// Expects read(p) to throw a DatabaseError naming the file and containing `piece`.
  static void expect_read_error(const std::string& p, const std::string& piece) {
    try {
      db::read(p);
      ADD_FAILURE() << "no DatabaseError reading " << p;
    } catch (const DatabaseError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("'" + p + "'"), std::string::npos) << what;
      EXPECT_NE(what.find(piece), std::string::npos) << "'" << piece << "' not in: " << what;
    }
  }

  fs::path dir_;
};

/// Opens a database read-write with the HDF5 C API (to damage it on purpose).
struct RawFile {
  explicit RawFile(const std::string& p) : id(H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {}
  ~RawFile() { H5Fclose(id); }
  hid_t id;
};

}  // namespace

TEST_F(DatabaseTest, RoundTripIsBitwiseExact) {
  const Landscape ls = full_landscape(5);
  ASSERT_EQ(ls.transition_states.size(), 5u);
  const auto p = path("round.h5");
  EXPECT_FALSE(db::exists(p));
  db::write(p, ls);
  EXPECT_TRUE(db::exists(p));
  EXPECT_FALSE(db::exists(p + ".tmp"));
  const Landscape back = db::read(p);
  expect_same(ls, back);
  EXPECT_EQ(back.minima_columns.at("auc").cols(), 1);
  EXPECT_EQ(back.minima_columns.at("hidden_activity").cols(), 3);
  EXPECT_TRUE(std::isnan(back.minima_columns.at("auc")(0, 0)));
  EXPECT_TRUE(std::signbit(back.minima[0].coords[0]));

  // Overwriting replaces the whole file.
  const Landscape smaller = full_landscape(2);
  db::write(p, smaller);
  expect_same(smaller, db::read(p));
}

TEST_F(DatabaseTest, EmptyLandscapeRoundTrips) {
  Landscape ls = base_landscape();
  ls.dataset = lossland::load_dataset("parity3");
  ls.model.layers = {3, 4, 2};
  const auto p = path("empty.h5");
  db::write(p, ls);
  const Landscape back = db::read(p);
  expect_same(ls, back);
  EXPECT_TRUE(back.minima.empty());
  EXPECT_TRUE(back.transition_states.empty());

  // Zero rows but present extra columns, and minima without transition states.
  ls.minima_columns["auc"] = Eigen::MatrixXd(0, 1);
  ls.ts_columns["path"] = Eigen::MatrixXd(0, 3);
  db::write(p, ls);
  expect_same(ls, db::read(p));
  add_minimum(ls);
  ls.minima_columns["auc"] = Eigen::MatrixXd::Constant(1, 1, 0.5);
  db::write(p, ls);
  expect_same(ls, db::read(p));
}

TEST_F(DatabaseTest, DatasetWithAbsentClassKeepsNumClasses) {
  Landscape ls = base_landscape();
  ls.model.layers = {2, 3, 3};
  ls.dataset.labels.setZero();
  ls.dataset.num_classes = 3;
  const auto p = path("classes.h5");
  db::write(p, ls);
  EXPECT_EQ(db::read(p).dataset.num_classes, 3);
}

TEST_F(DatabaseTest, H5dumpPrintsTheFile) {
  if (std::system("command -v h5dump > /dev/null 2>&1") != 0) GTEST_SKIP() << "no h5dump";
  const auto p = path("dump.h5");
  db::write(p, full_landscape(2));
  const std::string cmd = "h5dump '" + p + "' 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  EXPECT_EQ(::pclose(pipe), 0) << out;
  EXPECT_NE(out.find("GROUP \"minima\""), std::string::npos) << out;
  EXPECT_NE(out.find("GROUP \"transition_states\""), std::string::npos);
  EXPECT_NE(out.find("\"lossland\""), std::string::npos);
  EXPECT_NE(out.find("\"sigmoid\""), std::string::npos);
  EXPECT_NE(out.find("ATTRIBUTE \"layers\""), std::string::npos);
}

TEST_F(DatabaseTest, MissingFile) {
  expect_read_error(path("nothere.h5"), "does not exist");
  EXPECT_FALSE(db::exists(path("nothere.h5")));
}

TEST_F(DatabaseTest, TextFile) {
  const auto p = path("notes.h5");
  std::ofstream(p) << "this is not HDF5\n";
  expect_read_error(p, "is not an HDF5 file");
  const auto empty = path("empty.h5");
  std::ofstream{empty};
  expect_read_error(empty, "is not an HDF5 file");
}

TEST_F(DatabaseTest, TruncatedFile) {
  const auto p = path("truncated.h5");
  db::write(p, full_landscape(40));
  fs::resize_file(p, fs::file_size(p) / 2);
  expect_read_error(p, "");
}

TEST_F(DatabaseTest, HdfFileOfAnotherFormat) {
  const auto p = path("other.h5");
  {
    const hid_t file = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t dims[1] = {3};
    const hid_t space = H5Screate_simple(1, dims, nullptr);
    const hid_t set = H5Dcreate2(file, "temperature", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT);
    const double values[3] = {1, 2, 3};
    H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
    H5Dclose(set);
    H5Sclose(space);
    H5Fclose(file);
  }
  expect_read_error(p, "not a lossland database");
}

TEST_F(DatabaseTest, NewerFormatVersion) {
  const auto p = path("future.h5");
  db::write(p, full_landscape(2));
  {
    RawFile f(p);
    const hid_t attr = H5Aopen_by_name(f.id, "/", "format_version", H5P_DEFAULT, H5P_DEFAULT);
    const int version = db::kFormatVersion + 1;
    ASSERT_GE(H5Awrite(attr, H5T_NATIVE_INT, &version), 0);
    H5Aclose(attr);
  }
  expect_read_error(p, "newer lossland");
}

TEST_F(DatabaseTest, CoordsWithWrongColumnCount) {
  const auto p = path("coords.h5");
  const Landscape ls = full_landscape(3);
  db::write(p, ls);
  const std::vector<hsize_t> dims = {3, static_cast<hsize_t>(ls.num_params() + 1)};
  const std::vector<double> zeros(dims[0] * dims[1], 0.0);
  lossland::testing::replace_dataset(p, "/minima/coords", dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                     zeros.data());
  expect_read_error(p, "/minima/coords");
}

TEST_F(DatabaseTest, MissingDatasetAndBadConnection) {
  const auto p = path("damaged.h5");
  db::write(p, full_landscape(3));
  {
    RawFile f(p);
    const hid_t set = H5Dopen2(f.id, "/transition_states/min2", H5P_DEFAULT);
    const std::vector<std::int64_t> rows{0, 7, 1};
    ASSERT_GE(H5Dwrite(set, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), 0);
    H5Dclose(set);
  }
  expect_read_error(p, "/transition_states/min2");
  {
    RawFile f(p);
    ASSERT_GE(H5Ldelete(f.id, "/minima/grad_rms", H5P_DEFAULT), 0);
  }
  expect_read_error(p, "missing dataset /minima/grad_rms");
}

TEST_F(DatabaseTest, WriteRefusesInconsistentLandscapes) {
  const auto p = path("bad.h5");
  Landscape ls = full_landscape(2);
  ls.minima[1].coords.resize(3);
  EXPECT_THROW(db::write(p, ls), DatabaseError);
  ls = full_landscape(2);
  ls.minima_columns["auc"].resize(5, 1);
  EXPECT_THROW(db::write(p, ls), DatabaseError);
  ls = full_landscape(2);
  ls.transition_states[0].min2 = 2;
  EXPECT_THROW(db::write(p, ls), DatabaseError);
  EXPECT_FALSE(db::exists(p));
  EXPECT_FALSE(db::exists(p + ".tmp"));
}

TEST_F(DatabaseTest, UnwritableDirectoryIsNamed) {
  const auto p = path("no/such/dir/x.h5");
  try {
    db::write(p, full_landscape(1));
    FAIL() << "no DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find(path("no/such/dir")), std::string::npos) << e.what();
  }
}

TEST_F(DatabaseTest, LeftoverTmpIsOverwritten) {
  const auto p = path("leftover.h5");
  std::ofstream(p + ".tmp") << "half a file from a killed run";
  const Landscape ls = full_landscape(3);
  db::write(p, ls);
  expect_same(ls, db::read(p));
  EXPECT_FALSE(db::exists(p + ".tmp"));
}

TEST_F(DatabaseTest, CheckCompatibleNamesTheDifference) {
  const Landscape file = full_landscape(1);
  const auto p = path("compat.h5");
  EXPECT_NO_THROW(db::check_compatible(p, file, file.model, file.dataset));

  auto expect_mismatch = [&](lossland::ModelSpec model, lossland::Dataset data,
                             const std::string& piece) {
    try {
      db::check_compatible(p, file, model, data);
      ADD_FAILURE() << "no DatabaseError for " << piece;
    } catch (const DatabaseError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(piece), std::string::npos) << what;
      EXPECT_NE(what.find(p), std::string::npos) << what;
    }
  };
  lossland::ModelSpec m = file.model;
  m.lambda = 0.01;
  expect_mismatch(m, file.dataset, "lambda = 0.0001, but this run asks for lambda = 0.01");
  m = file.model;
  m.layers = {2, 6, 2};
  expect_mismatch(m, file.dataset, "layers");
  m = file.model;
  m.activation = lossland::Activation::Tanh;
  expect_mismatch(m, file.dataset, "activation");
  m = file.model;
  m.regularize = lossland::Regularize::All;
  expect_mismatch(m, file.dataset, "regularize");
  expect_mismatch(file.model, lossland::load_dataset("and"), "dataset");
  lossland::Dataset relabelled = file.dataset;
  relabelled.labels[0] = 1;
  expect_mismatch(file.model, relabelled, "dataset");
}

TEST_F(DatabaseTest, SigkillDuringWritesLeavesAReadableFile) {
  const auto p = path("crash.h5");
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> delay_ms(50, 300);
  for (int round = 0; round < 5; ++round) {
    fs::remove(p);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      try {  // the child writes ever larger landscapes until it is killed
        Landscape ls = base_landscape();
        for (;;) {
          add_minimum(ls);
          ls.minima_columns["auc"] = Eigen::MatrixXd::Random(ls.minima.size(), 1);
          db::write(p, ls);
        }
      } catch (...) {
        ::_exit(1);
      }
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!db::exists(p) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer died by itself, status " << status;
    const Landscape back = db::read(p);
    EXPECT_GE(back.minima.size(), 1u);
    EXPECT_EQ(back.transition_states.size(), back.minima.size() - 1);
    expect_consistent(back);
    std::printf("round %d: %zu minima survived the kill\n", round, back.minima.size());
  }
}
