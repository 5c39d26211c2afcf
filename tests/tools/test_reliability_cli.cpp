/// \file
/// Issue 16, "nothing lost, nothing overwritten": each bad input of the audit, run as a user
/// runs it, gives exit status 2, a message that names the problem, and no change on disk.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli_test_util.hpp"
#include "lossland/db/database.hpp"
#include "temp_dir_fixture.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;
using lossland::testing::CliRun;
using lossland::testing::contains;
using lossland::testing::expect_user_error;
using lossland::testing::run_cli;
using lossland::testing::slurp;
namespace fs = std::filesystem;

namespace {

class ReliabilityCli : public lossland::testing::TempDirTest {
 protected:
  ReliabilityCli() : TempDirTest("reliability") {}

  /// A small connected database: XOR, N_h = 2, lambda = 1e-3 (a few minima and TS).
  std::string small_db(const std::string& name = "small.h5") {
    const std::string db = path(name);
    CliRun r = run_cli("bh " + db + " --hidden 2 --lambda 1e-3 --steps 200 --threads 1");
    EXPECT_EQ(r.code, 0) << r.out;
    r = run_cli("connect " + db + " --all --threads 1");
    EXPECT_EQ(r.code, 0) << r.out;
    return db;
  }

  /// `lossland ARGS` must exit 2 with every piece of `expect` in its message and leave `file`
  /// byte for byte as it was.
  void expect_refused_unchanged(const std::string& args, const std::vector<std::string>& expect,
                                const std::string& file) {
    const std::string before = slurp(file);
    expect_user_error(args, expect);
    EXPECT_TRUE(slurp(file) == before) << "lossland " << args << " changed " << file;
  }

  /// A CSV file of `rows` under `name`.
  std::string csv(const std::string& name, const std::string& rows) {
    std::ofstream(path(name)) << rows;
    return path(name);
  }
};

}  // namespace

TEST_F(ReliabilityCli, ExportRefusesToOverwriteFilesAndNeverTheDatabase) {
  const std::string db = small_db();
  for (const std::string format : {"json", "dot"}) {
    SCOPED_TRACE(format);
    expect_refused_unchanged("export " + db + " --format " + format + " --out " + db,
                             {"is the database being exported"}, db);
    expect_refused_unchanged("export " + db + " --format " + format + " --out " + db + " --force",
                             {"not even --force"}, db);
  }
  expect_refused_unchanged("export " + db + " --out " + db, {"is the database being exported"}, db);
  // Another database (or any file) is kept unless --force says otherwise.
  const std::string other = small_db("other.h5");
  expect_refused_unchanged("export " + db + " --format json --out " + other,
                           {"already exists", "--force"}, other);
  expect_refused_unchanged("export " + db + " --out " + other, {"writes a directory"}, other);
  const CliRun forced = run_cli("export " + db + " --format json --out " + other + " --force");
  EXPECT_EQ(forced.code, 0) << forced.out;
  EXPECT_EQ(slurp(other).substr(0, 1), "{");
  EXPECT_NO_THROW(db::read(db));
  // A new file is written as before.
  EXPECT_EQ(run_cli("export " + db + " --format dot --out " + path("new.dot")).code, 0);
  EXPECT_TRUE(contains(slurp(path("new.dot")), "graph"));
}

TEST_F(ReliabilityCli, ReadOnlyDatabaseIsRefusedAndLeftUntouched) {
  const std::string db = small_db();
  ::chmod(db.c_str(), 0444);
  for (const std::string cmd : {"bh " + db + " --hidden 2 --lambda 1e-3 --steps 50",
                                "connect " + db + " --all", "analyze " + db}) {
    expect_refused_unchanged(cmd, {"read-only (mode 0444)", "chmod u+w"}, db);
  }
  struct stat st {};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0444u);
  EXPECT_EQ(st.st_uid, ::getuid());
}

TEST_F(ReliabilityCli, OversizedCsvAndHugeLabelCreateNoFile) {
  std::string wide;
  for (int c = 0; c < 200000; ++c) wide += "0,";
  const std::string w = csv("wide.csv", wide + "0\n" + wide + "1\n");
  expect_user_error("bh " + path("w.h5") + " --hidden 2 --lambda 1e-3 --dataset " + w,
                    {"wide.csv:1:", "at most 10000 inputs"});
  EXPECT_FALSE(fs::exists(path("w.h5")));
  const std::string l = csv("label.csv", "0,0,0\n1,1,999999\n");
  expect_user_error("bh " + path("l.h5") + " --hidden 2 --lambda 1e-3 --dataset " + l,
                    {"label.csv:2:", "label 999999 is too large"});
  EXPECT_FALSE(fs::exists(path("l.h5")));
}

TEST_F(ReliabilityCli, HiddenTooLargeIsRefusedWithTheCost) {
  const auto t0 = std::chrono::steady_clock::now();
  expect_user_error("bh " + path("big.h5") + " --hidden 1000 --lambda 1e-3 --steps 1",
                    {"P = 5002 parameters", "O(P^3)", "at most 2000"});
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
  EXPECT_FALSE(fs::exists(path("big.h5")));
  expect_user_error("survey --hidden 999 --lambda 1e-3 --out " + path("s"), {"P = 4997"});
}

TEST_F(ReliabilityCli, AnalyzeReportOntoTheDatabaseIsRefusedBeforeAnyChange) {
  const std::string db = small_db();
  expect_refused_unchanged("analyze " + db + " --report " + db,
                           {"is an existing file", "the database itself"}, db);
  const std::string other = csv("notes.txt", "keep me\n");
  expect_refused_unchanged("analyze " + db + " --report " + other, {"is an existing file"}, db);
  EXPECT_EQ(slurp(other), "keep me\n");
  EXPECT_FALSE(db::read(db).minima_columns.count("auc"));
}

TEST_F(ReliabilityCli, LambdaAtTheEigenCutoffIsRefusedSayingWhy) {
  // Default cutoff 1e-9: lambda = 1e-9 puts 2 lambda = 2e-9 within a factor 10 of it.
  expect_user_error("bh " + path("l9.h5") + " --hidden 2 --lambda 1e-9 --steps 20",
                    {"2 lambda = 2e-09", "--eigen-cutoff 1e-09", "--eigen-cutoff 2e-10 or smaller",
                     "lambda >= 5e-09"});
  EXPECT_FALSE(fs::exists(path("l9.h5")));
  expect_user_error("survey --hidden 2 --lambda 1e-9 --out " + path("s9"), {"2 lambda = 2e-09"});
  EXPECT_FALSE(fs::exists(path("s9")));
  // lambda = 1e-6 .. 1e-8 resolve (2 lambda >= 10 x 1e-9), as does 1e-9 with a smaller cutoff.
  for (const std::string args :
       {"--lambda 1e-6", "--lambda 1e-8", "--lambda 0", "--lambda 1e-9 --eigen-cutoff 1e-10"}) {
    const CliRun r = run_cli("bh " + path("ok.h5") + " --hidden 2 --steps 8 --walkers 2 " + args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.out;
    fs::remove(path("ok.h5"));
  }
  // connect takes lambda from the file: a cutoff too coarse for it is refused, file unchanged.
  const std::string db = path("l6.h5");
  ASSERT_EQ(run_cli("bh " + db + " --hidden 2 --lambda 1e-6 --steps 40").code, 0);
  expect_refused_unchanged("connect " + db + " --all --eigen-cutoff 1e-6", {"2 lambda = 2e-06"},
                           db);
}

TEST_F(ReliabilityCli, SingleClassCsvIsRefused) {
  const std::string one = csv("one.csv", "0,0,1\n0,1,1\n1,0,1\n");
  expect_user_error("bh " + path("one.h5") + " --hidden 2 --lambda 1e-3 --dataset " + one,
                    {"one.csv", "every one of the 3 samples has label 1", "two classes"});
  EXPECT_FALSE(fs::exists(path("one.h5")));
}

TEST_F(ReliabilityCli, SaveIntervalNanIsRefused) {
  for (const std::string v : {"nan", "inf", "0", "-1"}) {
    expect_user_error("bh " + path("n.h5") + " --hidden 2 --lambda 1e-3 --save-interval " + v,
                      {"--save-interval", "finite number of seconds > 0"});
    expect_user_error(
        "survey --hidden 2 --lambda 1e-3 --out " + path("s") + " --save-interval " + v,
        {"--save-interval"});
  }
  EXPECT_FALSE(fs::exists(path("n.h5")));
  EXPECT_FALSE(fs::exists(path("s")));
}

TEST_F(ReliabilityCli, NegativeSeedIsRefused) {
  expect_user_error("bh " + path("s.h5") + " --hidden 2 --lambda 1e-3 --seed -1",
                    {"--seed", "without a sign"});
  expect_user_error("survey --hidden 2 --lambda 1e-3 --seed -1 --out " + path("s"), {"--seed"});
  EXPECT_FALSE(fs::exists(path("s.h5")));
  // The largest seed is still accepted.
  EXPECT_EQ(run_cli("bh " + path("max.h5") +
                    " --hidden 2 --lambda 1e-3 --steps 4 --walkers 1 --seed 18446744073709551615")
                .code,
            0);
}

TEST_F(ReliabilityCli, ConnectPairOfOneMinimumIsRefusedWithoutTouchingTheFile) {
  const std::string db = small_db();
  const auto mtime = fs::last_write_time(db);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  expect_refused_unchanged("connect " + db + " --pair 0 0", {"--pair 0 0", "to itself"}, db);
  expect_refused_unchanged("connect " + db + " --pair 0 999", {"minimum 999 is not a row"}, db);
  EXPECT_EQ(fs::last_write_time(db), mtime);
}

TEST_F(ReliabilityCli, LongCsvFieldIsEchoedTruncated) {
  const std::string big = csv("big.csv", "0,0,0\n1," + std::string(20'000'000, '7') + "x,1\n");
  const CliRun r = run_cli("bh " + path("b.h5") + " --hidden 2 --lambda 1e-3 --dataset " + big);
  EXPECT_EQ(r.code, 2) << r.out.substr(0, 400);
  EXPECT_LT(r.out.size(), 600u) << r.out.substr(0, 400);
  EXPECT_TRUE(contains(r.out, "(20000001 characters)")) << r.out.substr(0, 400);
  EXPECT_FALSE(fs::exists(path("b.h5")));
}

/// Two writers on one file: the second is refused at once, naming the first one's pid, and the
/// first one's minima are all there at the end.
TEST_F(ReliabilityCli, SecondWriterIsRefusedNamingTheHolderPid) {
  const std::string db = path("same.h5");
  const std::string log = path("first.log");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string cmd = "exec " + std::string(LOSSLAND_BINARY) + " bh " + db +
                            " --hidden 3 --lambda 1e-4 --seed 3 --steps 100000 --stop-after 0 "
                            "--threads 1 > " +
                            log + " 2>&1";
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the first writer holds the lock and has saved once.
  const auto t0 = std::chrono::steady_clock::now();
  while (!(fs::exists(db + ".lock") && fs::exists(db) && !slurp(db + ".lock").empty()) &&
         std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(fs::exists(db + ".lock")) << slurp(log);
  for (const std::string cmd : {"bh " + db + " --hidden 3 --lambda 1e-4 --seed 7 --steps 50",
                                "connect " + db + " --all", "analyze " + db}) {
    const CliRun second = run_cli(cmd);
    EXPECT_EQ(second.code, 2) << second.out;
    EXPECT_TRUE(contains(second.out, "pid " + std::to_string(child))) << second.out;
    EXPECT_TRUE(contains(second.out, "being written by another lossland process")) << second.out;
  }
  ::kill(child, SIGINT);  // the first writer saves and exits cleanly
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log);
  EXPECT_FALSE(fs::exists(db + ".lock"));
  const db::Landscape land = db::read(db);
  EXPECT_GT(land.minima.size(), 0u);
  EXPECT_TRUE(contains(slurp(log), std::to_string(land.minima.size()) + " minima")) << slurp(log);
}
