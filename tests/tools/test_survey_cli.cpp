/// `lossland survey` end to end: bad input, a killed survey that resumes, and a 2-rank MPI
/// survey on loopback that gives the same landscapes as one process.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tools/cli_test_util.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "lossland/db/database.hpp"
#include "lossland/search/connect.hpp"
#include "test_tmpdir.hpp"

namespace fs = std::filesystem;

namespace {

using lossland::testing::CliRun;
const auto run = lossland::testing::run_cli;

void expect_connected_landscapes(const fs::path& dir, int expected) {
  int count = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".h5") continue;
    ++count;
    const auto land = lossland::db::read(e.path().string());
    int sets = 0;
    lossland::connected_components(land, &sets);
    EXPECT_EQ(sets, 1) << e.path();
    EXPECT_EQ(land.notes.at("survey_stage"), "graph") << e.path();
  }
  EXPECT_EQ(count, expected);
}

/// index.html links one interactive page per landscape, each beside its database.
void expect_linked_pages(const fs::path& dir, int expected) {
  std::ifstream f(dir / "index.html");
  ASSERT_TRUE(f) << "no index.html";
  std::stringstream s;
  s << f.rdbuf();
  int pages = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".h5") continue;
    const fs::path page = fs::path(e.path()).replace_extension(".html");
    EXPECT_TRUE(fs::exists(page)) << page;
    EXPECT_NE(s.str().find("href=\"" + page.filename().string() + "\""), std::string::npos)
        << page.filename() << " not linked from index.html";
    pages += fs::exists(page);
  }
  EXPECT_EQ(pages, expected);
}

}  // namespace

TEST(SurveyCli, BadInputIsAClearErrorAndChangesNothing) {
  const lossland::testing::TempDir dir("survey_cli_bad");
  struct Case {
    std::string args, needle;
  } cases[] = {
      {"--hidden 3:1 --lambda 1e-2", "empty range"},
      {"--hidden 0:2 --lambda 1e-2", ">= 1"},
      {"--hidden 1:2 --lambda -1e-2", ">= 0"},
      {"--hidden 1 --lambda 1e-2 --dataset /nonexistent.csv", "nonexistent.csv"},
  };
  for (const auto& c : cases) {
    const CliRun r = run("survey " + c.args + " --out " + (dir / "s").string());
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.needle), std::string::npos) << c.args << "\n" << r.out;
    EXPECT_FALSE(fs::exists(dir / "s")) << c.args;
  }
  const CliRun unwritable = run("survey --hidden 1 --lambda 1e-2 --out /proc/lossland_survey");
  EXPECT_EQ(unwritable.code, 2) << unwritable.out;
  EXPECT_NE(unwritable.out.find("/proc/lossland_survey"), std::string::npos) << unwritable.out;
}

TEST(SurveyCli, AKilledSurveyResumesToTheSameEnd) {
  const lossland::testing::TempDir dir("survey_cli_kill");
  const std::string out = (dir / "s").string();
  const std::string args =
      "survey --hidden 2:3 --lambda 1e-3:1e-4 --no-ei -j 1 --save-interval 0.1 --out " + out;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string cmd =
        "exec " + std::string(LOSSLAND_BINARY) + " " + args + " > /dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(child, SIGKILL);  // lossland itself (the shell exec'd it)
  waitpid(child, nullptr, 0);
  // Whatever was saved reads back.
  for (const auto& e : fs::directory_iterator(out))
    if (e.path().extension() == ".h5") EXPECT_NO_THROW(lossland::db::read(e.path().string()));
  const CliRun resumed = run(args);
  ASSERT_EQ(resumed.code, 0) << resumed.out;
  EXPECT_NE(resumed.out.find("summary.md"), std::string::npos);
  expect_connected_landscapes(out, 4);
  expect_linked_pages(out, 4);
}

TEST(SurveyCli, TwoMpiRanksGiveTheSameLandscapesAsOneProcess) {
  if (std::system("command -v mpirun > /dev/null 2>&1") != 0) GTEST_SKIP() << "no mpirun";
  const lossland::testing::TempDir dir("survey_cli_mpi");
  const std::string grid = " --hidden 1:2 --lambda 1e-2,1e-3 --no-ei -j 1 --out ";
  const CliRun one = run("survey" + grid + (dir / "one").string());
  ASSERT_EQ(one.code, 0) << one.out;
  const std::string mpi =
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
      "OMPI_MCA_btl=self,vader mpirun -np 2 --oversubscribe " +
      std::string(LOSSLAND_BINARY) + " survey" + grid + (dir / "two").string() + " 2>&1";
  FILE* p = popen(mpi.c_str(), "r");
  std::string log;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) log.append(buf.data(), n);
  ASSERT_EQ(pclose(p), 0) << log;
  EXPECT_NE(log.find("on 2 ranks"), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(dir / "two" / "summary.csv"));
  for (const auto& e : fs::directory_iterator(dir / "one")) {
    if (e.path().extension() != ".h5") continue;
    const auto a = lossland::db::read(e.path().string());
    const auto b = lossland::db::read((dir / "two" / e.path().filename()).string());
    ASSERT_EQ(a.minima.size(), b.minima.size()) << e.path();
    for (std::size_t i = 0; i < a.minima.size(); ++i)
      EXPECT_EQ(a.minima[i].coords, b.minima[i].coords);
    ASSERT_EQ(a.transition_states.size(), b.transition_states.size());
    for (std::size_t i = 0; i < a.transition_states.size(); ++i)
      EXPECT_EQ(a.transition_states[i].energy, b.transition_states[i].energy);
  }
}
