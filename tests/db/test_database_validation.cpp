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

#include "db_test_util.hpp"
#include "lossland/db/lock.hpp"

using namespace lossland;
using namespace lossland::testing;

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
    db::write(p, small_landscape(4), db::SaveMode::Whole);  // a fresh file over the poked one
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
        } catch (const std::exception& e) {
          std::fprintf(stderr, "save failed: %s\n", e.what());
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
