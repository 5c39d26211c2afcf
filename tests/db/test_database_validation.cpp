/// \file
/// Issue 16: every value read from a database file is validated before use (finite, in range,
/// consistent with the other attributes), the file is never replaced when it must not be
/// (read-only, a directory, another writer holds the lock), temporary files are unique, and a
/// fuzz of a few hundred mutated headers and datasets gives a clean DatabaseError (exit 2 from
/// the program), never a crash.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#if __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#include <hdf5/serial/hdf5.h>  // Debian keeps the serial library's headers here
#endif

#include <chrono>
#include <climits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/db/lock.hpp"
#include "test_tmpdir.hpp"
#include "tools/cli_test_util.hpp"

namespace fs = std::filesystem;
namespace db = lossland::db;
using db::DatabaseError;
using db::Landscape;
using lossland::testing::contains;
using lossland::testing::run_cli;

namespace {

/// XOR, layers [2, 3, 2] (P = 17), M minima in a chain of M - 1 transition states.
Landscape small_landscape(int M) {
  Landscape ls;
  ls.model.layers = {2, 3, 2};
  ls.model.lambda = 1e-4;
  ls.dataset = lossland::xor_dataset();
  ls.created_by = "lossland test";
  const int P = ls.num_params();
  for (int m = 0; m < M; ++m) {
    db::StoredPoint p;
    p.energy = 0.1 * m;
    p.coords = Eigen::VectorXd::LinSpaced(P, m, m + 1);
    p.grad_rms = 1e-12;
    p.eigenvalues = Eigen::VectorXd::LinSpaced(P, 1e-3, 1);
    ls.minima.push_back(p);
    if (m > 0) {
      db::StoredTransitionState t;
      static_cast<db::StoredPoint&>(t) = p;
      t.eigenvalues[0] = -0.5;
      t.min1 = m - 1;
      t.min2 = m;
      ls.transition_states.push_back(t);
    }
  }
  ls.minima_columns["auc"] = Eigen::MatrixXd::Constant(M, 1, 1.0);
  return ls;
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RawFile {
  explicit RawFile(const std::string& p) : id(H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {}
  ~RawFile() { H5Fclose(id); }
  hid_t id;
};

/// Replaces root attribute `name` by `values` of file type `type` (1-D, or scalar if one value
/// and `scalar`).
template <class T>
void set_attribute(const std::string& p, const char* name, hid_t file_type, hid_t mem_type,
                   const std::vector<T>& values, bool scalar = true) {
  RawFile f(p);
  H5Adelete_by_name(f.id, "/", name, H5P_DEFAULT);
  const hsize_t n = values.size();
  const hid_t space = (scalar && n == 1) ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
  const hid_t attr =
      H5Acreate_by_name(f.id, "/", name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (n > 0) H5Awrite(attr, mem_type, values.data());
  H5Aclose(attr);
  H5Sclose(space);
}

void set_string_attribute(const std::string& p, const char* name, const std::string& value) {
  RawFile f(p);
  H5Adelete_by_name(f.id, "/", name, H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, value.size() + 1);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr =
      H5Acreate_by_name(f.id, "/", name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, type, value.c_str());
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

/// Replaces dataset `name` by one of shape `dims` and file type `type`, filled from `data`
/// (converted from `mem_type`; nothing written when data is empty: then HDF5's fill value).
void replace_dataset(const std::string& p, const std::string& name,
                     const std::vector<hsize_t>& dims, hid_t type, hid_t mem_type, const void* data,
                     bool chunked = false) {
  RawFile f(p);
  H5Ldelete(f.id, name.c_str(), H5P_DEFAULT);
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (chunked) {
    std::vector<hsize_t> chunk(dims.size(), 1);
    H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
  }
  const hid_t set = H5Dcreate2(f.id, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (data) H5Dwrite(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  H5Dclose(set);
  H5Pclose(dcpl);
  H5Sclose(space);
}

/// Writes `value` at flat position `at` of float64 dataset `name`.
void poke(const std::string& p, const std::string& name, hsize_t at, double value) {
  RawFile f(p);
  const hid_t set = H5Dopen2(f.id, name.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(set);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<double> v(static_cast<std::size_t>(n));
  H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  v[at % v.size()] = value;
  H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(set);
}

void expect_read_error(const std::string& p, const std::string& piece) {
  try {
    db::read(p);
    ADD_FAILURE() << "no DatabaseError for " << p;
  } catch (const DatabaseError& e) {
    EXPECT_TRUE(contains(e.what(), piece)) << "'" << piece << "' not in: " << e.what();
  }
}

class DatabaseValidation : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = lossland::testing::unique_temp_dir("dbvalid"); }
  void TearDown() override {
    ::chmod(dir_.c_str(), 0755);
    fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

}  // namespace

TEST_F(DatabaseValidation, NonFiniteStoredValuesAreRejectedOnRead) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const auto& [set, value] :
       std::vector<std::pair<std::string, double>>{{"/minima/energy", nan},
                                                   {"/minima/coords", inf},
                                                   {"/minima/grad_rms", -inf},
                                                   {"/minima/eigenvalues", nan},
                                                   {"/transition_states/energy", inf},
                                                   {"/transition_states/coords", nan}}) {
    SCOPED_TRACE(set);
    const std::string p = path("nan.h5");
    db::write(p, small_landscape(4));
    poke(p, set, 5, value);
    expect_read_error(p, set);
    expect_read_error(p, "finite");
  }
  // The program refuses such a file with exit 2 and leaves it as it was.
  const std::string p = path("nan_cli.h5");
  db::write(p, small_landscape(4));
  poke(p, "/minima/energy", 2, nan);
  const std::string before = slurp(p);
  for (const std::string cmd : {"connect " + p + " --all", "dgraph " + p + " -o " + path("g.png"),
                                "query " + p + " stats"}) {
    const auto r = run_cli(cmd);
    EXPECT_EQ(r.code, 2) << cmd << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "/minima/energy row 2")) << r.out;
  }
  EXPECT_TRUE(slurp(p) == before) << p << " changed";
}

TEST_F(DatabaseValidation, CraftedLayersCannotOverflowNumParams) {
  lossland::ModelSpec huge;
  huge.layers = {INT_MAX, INT_MAX, INT_MAX};
  EXPECT_EQ(huge.num_params(), INT_MAX);  // saturates instead of overflowing
  EXPECT_THROW(huge.validate(), std::invalid_argument);
  huge.layers = {2, 500000000, 2};
  EXPECT_EQ(huge.num_params(), INT_MAX);
  EXPECT_THROW(huge.validate(), std::invalid_argument);

  const std::string p = path("layers.h5");
  for (const std::vector<int>& layers : std::vector<std::vector<int>>{
           {2, 500000000, 2}, {INT_MAX, INT_MAX, INT_MAX}, {2, -3, 2}, {2, 0, 2}, {2, 3}}) {
    db::write(p, small_landscape(2));
    set_attribute<int>(p, "layers", H5T_STD_I32LE, H5T_NATIVE_INT, layers, false);
    expect_read_error(p, "invalid model");
    for (const std::string cmd : {"query " + p + " stats", "info " + p,
                                  "export " + p + " --format json --out " + path("o.json")}) {
      const auto r = run_cli(cmd);
      EXPECT_EQ(r.code, 2) << cmd << "\n" << r.out;
    }
  }
  EXPECT_FALSE(fs::exists(path("o.json")));
}

TEST_F(DatabaseValidation, HugeHiddenWithOneDimensionalCoordsIsRefused) {
  const std::string p = path("hidden.h5");
  db::write(p, small_landscape(0));
  set_attribute<int>(p, "layers", H5T_STD_I32LE, H5T_NATIVE_INT, {2, 500000000, 2}, false);
  replace_dataset(p, "/minima/coords", {0}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nullptr);
  for (const std::string cmd : {"info " + p, "dgraph " + p + " -o " + path("g.png"),
                                "export " + p + " --format json --out " + path("e.json")}) {
    const auto r = run_cli(cmd);
    EXPECT_EQ(r.code, 2) << cmd << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "parameters")) << r.out;
  }
  EXPECT_FALSE(fs::exists(path("e.json")));
  // With a valid model, 1-D coords are a shape error naming the dataset.
  db::write(p, small_landscape(0));
  replace_dataset(p, "/minima/coords", {0}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nullptr);
  expect_read_error(p, "/minima/coords");
}

TEST_F(DatabaseValidation, NumClassesThatContradictsLayersIsRefused) {
  const std::string p = path("classes.h5");
  db::write(p, small_landscape(3));
  set_attribute<int>(p, "num_classes", H5T_STD_I32LE, H5T_NATIVE_INT, {3});
  expect_read_error(p, "num_classes = 3 disagrees with layers [2, 3, 2]");
  for (const std::string cmd : {"query " + p + " minima", "dgraph " + p + " -o " + path("g.png"),
                                "export " + p + " --format dot"}) {
    const auto r = run_cli(cmd);
    EXPECT_EQ(r.code, 2) << cmd << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "num_classes")) << r.out;
  }
}

TEST_F(DatabaseValidation, DirectoryGivenAsDatabaseIsNamed) {
  const std::string d = path("adir");
  fs::create_directories(d);
  expect_read_error(d, "is a directory, not a database file");
  EXPECT_THROW(db::write(d, small_landscape(1)), DatabaseError);
  for (const std::string cmd : {"info " + d, "bh " + d + " --hidden 2 --lambda 1e-3 --steps 5",
                                "connect " + d + " --all"}) {
    const auto r = run_cli(cmd);
    EXPECT_EQ(r.code, 2) << cmd << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "is a directory")) << r.out;
    EXPECT_FALSE(contains(r.out, "delete it")) << r.out;
  }
  EXPECT_TRUE(fs::is_directory(d));
}

TEST_F(DatabaseValidation, ReadOnlyDatabaseIsRefusedAndLeftUntouched) {
  const std::string p = path("ro.h5");
  db::write(p, small_landscape(2));
  ::chmod(p.c_str(), 0444);
  const std::string before = slurp(p);
  try {
    db::write(p, small_landscape(3));
    ADD_FAILURE() << "no DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_TRUE(contains(e.what(), "read-only (mode 0444)")) << e.what();
  }
  EXPECT_THROW(db::WriterLock lock(p), DatabaseError);
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0444u);
  EXPECT_TRUE(slurp(p) == before) << p << " changed";
  EXPECT_FALSE(fs::exists(p + ".lock"));
}

TEST_F(DatabaseValidation, ReplacingAFileKeepsItsPermissions) {
  const std::string p = path("mode.h5");
  db::write(p, small_landscape(2));
  ::chmod(p.c_str(), 0640);
  db::write(p, small_landscape(3));
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(db::read(p).minima.size(), 3u);
}

TEST_F(DatabaseValidation, SecondWriterLockNamesTheHolderPid) {
  const std::string p = path("locked.h5");
  {
    const db::WriterLock first(p);
    try {
      const db::WriterLock second(p);
      ADD_FAILURE() << "the second lock was granted";
    } catch (const DatabaseError& e) {
      EXPECT_TRUE(contains(e.what(), "pid " + std::to_string(::getpid()))) << e.what();
      EXPECT_TRUE(contains(e.what(), "another lossland process")) << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(p + ".lock"));  // released and removed
  const db::WriterLock again(p);          // and free again
}

TEST_F(DatabaseValidation, ConcurrentWritesNeverShareATemporaryFile) {
  // Two processes saving one path 40 times each without a lock (the lock is the commands'
  // business): with a shared PATH.tmp one would rename the other's half-written file or find
  // it gone; with unique names every save succeeds and the file is always complete.
  const std::string p = path("race.h5");
  std::vector<pid_t> children;
  for (int c = 0; c < 2; ++c) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      int failures = 0;
      for (int k = 0; k < 40; ++k) {
        try {
          db::write(p, small_landscape(2 + c));
        } catch (const std::exception&) {
          ++failures;
        }
      }
      ::_exit(failures);
    }
    children.push_back(child);
  }
  for (const pid_t child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "saves that failed in one process";
  }
  const std::size_t M = db::read(p).minima.size();
  EXPECT_TRUE(M == 2 || M == 3) << M;
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_FALSE(contains(e.path().filename().string(), ".tmp")) << e.path();
}

TEST_F(DatabaseValidation, RunStateRoundTripsAndMustBeFinite) {
  const std::string p = path("state.h5");
  Landscape ls = small_landscape(2);
  ls.run_state["bh_x"] = Eigen::MatrixXd::Random(4, 17);
  ls.run_state["bh_stats"] = Eigen::MatrixXd::Constant(1, 7, 4294967295.0);
  db::write(p, ls);
  const Landscape back = db::read(p);
  ASSERT_EQ(back.run_state.size(), 2u);
  EXPECT_EQ(back.run_state.at("bh_x"), ls.run_state.at("bh_x"));
  EXPECT_EQ(back.run_state.at("bh_stats"), ls.run_state.at("bh_stats"));
  poke(p, "/run_state/bh_x", 3, std::numeric_limits<double>::quiet_NaN());
  expect_read_error(p, "/run_state/bh_x");
}

/// A few hundred files, each the same small database with one header or dataset mutated at
/// random: db::read either returns a landscape that is consistent with its model or throws
/// DatabaseError; no other exception, no crash. A sample also goes through the program, which
/// must exit 0 or 2.
TEST_F(DatabaseValidation, FuzzedHeadersAndDatasetsGiveADatabaseErrorNeverACrash) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string base = path("base.h5");
  db::write(base, small_landscape(3));
  std::mt19937_64 rng(16);
  auto pick = [&](auto const& options) { return options[rng() % options.size()]; };
  const std::vector<int> ints{-1, 0, 1, 2, 3, 4, 17, 1000, 99999, 500000000, INT_MAX, INT_MIN};
  const std::vector<double> reals{0.0,
                                  -1.0,
                                  1e-300,
                                  1e300,
                                  -0.0,
                                  3.5,
                                  std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::infinity()};
  const std::vector<std::string> attrs{"format",     "format_version", "layers",
                                       "activation", "lambda",         "regularize",
                                       "dataset",    "num_classes",    "created_by"};
  const std::vector<std::string> sets{"/minima/energy",
                                      "/minima/coords",
                                      "/minima/grad_rms",
                                      "/minima/eigenvalues",
                                      "/minima/auc",
                                      "/transition_states/energy",
                                      "/transition_states/coords",
                                      "/transition_states/min1",
                                      "/transition_states/min2",
                                      "/dataset/inputs",
                                      "/dataset/labels",
                                      "/transition_states/eigenvalues"};
  int errors = 0, accepted = 0, cli_runs = 0;
  const int kFiles = 300;
  for (int k = 0; k < kFiles; ++k) {
    const std::string p = path("fuzz.h5");
    fs::copy_file(base, p, fs::copy_options::overwrite_existing);
    std::string what;
    const int kind = static_cast<int>(rng() % 9);
    switch (kind) {
      case 0: {  // an integer attribute of random length and values
        std::vector<int> v(rng() % 5);
        for (int& x : v) x = pick(ints);
        const std::string a = pick(attrs);
        set_attribute<int>(p, a.c_str(), H5T_STD_I32LE, H5T_NATIVE_INT, v, rng() % 2);
        what = a + " = ints";
        break;
      }
      case 1: {  // a float attribute
        const std::string a = pick(attrs);
        set_attribute<double>(p, a.c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {pick(reals)});
        what = a + " = real";
        break;
      }
      case 2: {  // a string attribute
        const std::string a = pick(attrs);
        set_string_attribute(p, a.c_str(),
                             pick(std::vector<std::string>{"", "lossland", "relu", "all", "x"}));
        what = a + " = string";
        break;
      }
      case 3: {  // an attribute removed
        RawFile f(p);
        what = "no " + pick(attrs);
        H5Adelete_by_name(f.id, "/", what.substr(3).c_str(), H5P_DEFAULT);
        break;
      }
      case 4: {  // a dataset removed
        RawFile f(p);
        what = "no " + pick(sets);
        H5Ldelete(f.id, what.substr(3).c_str(), H5P_DEFAULT);
        break;
      }
      case 5: {  // a dataset of random rank (1..3), shape and type
        std::vector<hsize_t> dims(1 + rng() % 3);
        hsize_t n = 1;
        for (auto& d : dims) n *= (d = rng() % 20);
        const std::vector<double> data(n, pick(reals));
        const hid_t type =
            pick(std::vector<hid_t>{H5T_IEEE_F64LE, H5T_STD_I32LE, H5T_STD_I64LE, H5T_IEEE_F32LE});
        what = pick(sets);
        replace_dataset(p, what, dims, type, H5T_NATIVE_DOUBLE, n ? data.data() : nullptr);
        break;
      }
      case 6: {  // one stored value replaced (non-finite, huge, negative)
        what = pick(sets);
        poke(p, what, rng() % 64, pick(reals));
        break;
      }
      case 7: {  // a header that claims an enormous dataset (chunked, nothing stored)
        what = pick(sets);
        replace_dataset(p, what, {hsize_t(1) << (20 + rng() % 20), hsize_t(1) << (rng() % 20)},
                        H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nullptr, true);
        break;
      }
      case 8: {  // connections out of range
        const std::vector<std::int64_t> rows{pick(std::vector<std::int64_t>{-1, 3, 7, INT64_MAX}),
                                             0};
        what = "min1/min2 out of range";
        replace_dataset(
            p, pick(std::vector<std::string>{"/transition_states/min1", "/transition_states/min2"}),
            {2}, H5T_STD_I64LE, H5T_NATIVE_INT64, rows.data());
        break;
      }
    }
    SCOPED_TRACE("file " + std::to_string(k) + ": " + what);
    try {
      const Landscape ls = db::read(p);
      ++accepted;  // then it must be a landscape the rest of the program can rely on
      ls.model.validate();
      const int P = ls.num_params();
      ASSERT_LE(P, lossland::kMaxParams);
      EXPECT_EQ(ls.dataset.num_classes, ls.model.outputs());
      for (const auto& m : ls.minima) {
        ASSERT_EQ(m.coords.size(), P);
        EXPECT_TRUE(std::isfinite(m.energy) && m.coords.allFinite() && m.eigenvalues.allFinite());
      }
      for (const auto& t : ls.transition_states) {
        EXPECT_GE(t.min1, 0);
        EXPECT_LT(t.min2, static_cast<std::int64_t>(ls.minima.size()));
      }
    } catch (const DatabaseError& e) {
      ++errors;
      EXPECT_TRUE(contains(e.what(), p)) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a DatabaseError: " << e.what();
    }
    if (k % 15 == 0) {  // through the program: a clean exit, never a signal or status 1
      ++cli_runs;
      const auto r = run_cli("query " + p + " stats --json");
      EXPECT_TRUE(r.code == 0 || r.code == 2) << r.code << "\n" << r.out;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("fuzz: %d files, %d refused, %d accepted, %d through the CLI, %.2f s\n", kFiles,
              errors, accepted, cli_runs, seconds);
  EXPECT_GT(errors, kFiles / 2) << "the mutations should mostly break the file";
}
