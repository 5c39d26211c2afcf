/// \file
/// In-place, journaled saves (src/db/append.cpp, src/db/journal.cpp; issues 16 and 17): a save
/// writes what changed, reads back exactly what was saved, costs what changed rather than what
/// the file holds, and a save killed at any write leaves the old file byte for byte.

#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "db/append.hpp"
#include "db/journal.hpp"
#include "db_test_util.hpp"

using namespace lossland;
using namespace lossland::testing;
using db::detail::SaveKind;

namespace {

using lossland::testing::same_bits;
bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// Adds a minimum (and a transition state to the previous one), as a search does: every
/// column gains a row.
void add_point(db::Landscape& ls, std::mt19937_64& rng) {
  std::normal_distribution<double> g;
  const int P = ls.num_params();
  db::StoredPoint p;
  p.energy = 1.0 + g(rng);
  p.grad_rms = 1e-12 * std::abs(g(rng));
  p.coords = Eigen::VectorXd::NullaryExpr(P, [&] { return g(rng); });
  p.eigenvalues = Eigen::VectorXd::NullaryExpr(P, [&] { return std::abs(g(rng)); });
  ls.minima.push_back(p);
  db::StoredTransitionState t;
  static_cast<db::StoredPoint&>(t) = p;
  t.energy += 1.0;
  t.eigenvalues[0] = -1.0;
  t.min1 = static_cast<std::int64_t>(ls.minima.size()) - 2;
  t.min2 = static_cast<std::int64_t>(ls.minima.size()) - 1;
  ls.transition_states.push_back(t);
  for (auto* columns : {&ls.minima_columns, &ls.ts_columns})
    for (auto& [name, c] : *columns) {
      c.conservativeResize(c.rows() + 1, Eigen::NoChange);
      c.row(c.rows() - 1).setConstant(name == "horder" ? 2.0 : g(rng));
    }
}

class InPlaceSave : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = unique_temp_dir("inplace"); }
  void TearDown() override {
    db::detail::kill_before_write(0);
    ::chmod(dir_.c_str(), 0755);
    fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

}  // namespace

TEST_F(InPlaceSave, EveryKindOfChangeReadsBackExactly) {
  // A run of saves that append points, change and add columns, grow and shrink the branch
  // table, add paths, and replace run state and notes: each save after the first is in place
  // and the file then holds exactly the landscape saved.
  const std::string p = path("x.h5");
  std::mt19937_64 rng(5);
  db::Landscape ls = small_landscape(3);
  ls.minima_columns["horder"] = Eigen::MatrixXd::Constant(3, 1, 2.0);
  db::write(p, ls);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::Whole);
  for (int step = 0; step < 40; ++step) {
    SCOPED_TRACE(step);
    const int kind = step % 8;
    if (kind == 0 || kind == 3) add_point(ls, rng);
    if (kind == 1) {  // a changed column (or one added again after it was deleted)
      const auto M = static_cast<Eigen::Index>(ls.minima.size());
      if (!ls.minima_columns.count("auc")) ls.minima_columns["auc"] = Eigen::MatrixXd::Ones(M, 1);
      ls.minima_columns["auc"](0, 0) = 0.5 + 0.01 * step;
    }
    if (kind == 2)
      ls.ts_columns["barrier"] = Eigen::MatrixXd::Random(ls.transition_states.size(), 2);
    if (kind == 3) ls.minima_columns["horder"](0, 0) = std::nan("");  // int64 column -> float64
    if (kind == 4) {
      ls.ts_branches.push_back({0, 1 + step % 2, static_cast<std::int64_t>(step % 3), 0.25, 1});
      ls.ts_branches.push_back({1, 2, 0, 0.5, 2});
    }
    if (kind == 5 && !ls.ts_branches.empty()) ls.ts_branches.erase(ls.ts_branches.begin());
    if (kind == 6) {
      // Consecutive paths of one (ts, side) would read back as one path: alternate them.
      const int which = (step / 8) % 2;
      db::StoredPath path{which, 1 + which, {0.0, 0.5}, {1.0, 0.9}, {}};
      path.coords = Eigen::MatrixXd::Random(2, ls.num_params());
      ls.paths.push_back(path);
    }
    if (kind == 7) ls.minima_columns.erase("auc");
    ls.run_state["bh_x"] = Eigen::MatrixXd::Random(step % 3 + 1, 5);  // shape changes too
    ls.notes["elapsed"] = std::string(static_cast<std::size_t>(step % 5 + 1), 'x');
    if (step % 4 == 0) ls.notes.erase("elapsed");
    db::write(p, ls);
    EXPECT_EQ(db::detail::last_save_kind(), SaveKind::InPlace);
    expect_same_file(ls, db::read(p));
    EXPECT_FALSE(fs::exists(db::detail::journal_path(p)));
  }
  // The same landscape written whole reads back the same.
  const std::string q = path("whole.h5");
  db::write(q, ls, db::SaveMode::Whole);
  expect_same_file(db::read(q), db::read(p));
}

TEST_F(InPlaceSave, AChangedStoredRowOrModelRewritesTheFileWhole) {
  const std::string p = path("x.h5");
  db::Landscape ls = small_landscape(4);
  db::write(p, ls);
  ls.minima[1].energy += 1e-15;  // a rebuilt landscape: its stored rows differ
  db::write(p, ls);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::Whole);
  expect_same_file(ls, db::read(p));
  ls.transition_states[0].min2 = 2;
  db::write(p, ls);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::Whole);
  expect_same_file(ls, db::read(p));
  ls.minima.pop_back();  // fewer rows than stored
  ls.minima_columns["auc"].conservativeResize(3, 1);
  ls.transition_states.resize(2);
  db::write(p, ls);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::Whole);
  expect_same_file(ls, db::read(p));
  db::write(p, ls);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::InPlace);
  db::write(p, ls, db::SaveMode::Whole);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::Whole);
}

TEST_F(InPlaceSave, AFileInTheContiguousLayoutIsRewrittenWholeOnce) {
  // Files of earlier versions store contiguous datasets, which cannot grow.
  const std::string p = path("old.h5");
  db::Landscape ls = small_landscape(4);
  db::write(p, ls);
  std::vector<double> energy;
  for (const auto& m : ls.minima) energy.push_back(m.energy);
  replace_dataset(p, "/minima/energy", {energy.size()}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                  energy.data());
  std::mt19937_64 rng(1);
  add_point(ls, rng);
  db::write(p, ls);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::Whole);
  add_point(ls, rng);
  db::write(p, ls);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::InPlace);
  expect_same_file(ls, db::read(p));
}

TEST_F(InPlaceSave, ASaveCostsWhatChangedNotWhatTheFileHolds) {
  // Appending 5 points (P = 17) to files of 2,000 and of 20,000 points writes about the same
  // number of bytes (the new rows, the last chunk of each dataset and some metadata), a small
  // part of the larger file.
  std::vector<std::uint64_t> cost;
  for (const int M : {2000, 20000}) {
    const std::string p = path("big" + std::to_string(M) + ".h5");
    db::Landscape ls = small_landscape(2);
    std::mt19937_64 rng(M);
    for (int i = 0; i < M; ++i) add_point(ls, rng);
    db::write(p, ls);
    for (int i = 0; i < 5; ++i) add_point(ls, rng);
    ls.run_state["bh_x"] = Eigen::MatrixXd::Random(2, 17);
    const std::uint64_t before = db::detail::driver_bytes_written();
    db::write(p, ls);
    ASSERT_EQ(db::detail::last_save_kind(), SaveKind::InPlace);
    cost.push_back(db::detail::driver_bytes_written() - before);
    expect_same_file(ls, db::read(p));
    if (M == 20000) EXPECT_LT(cost.back(), fs::file_size(p) / 10) << fs::file_size(p);
  }
  EXPECT_LT(cost[1], 2 * cost[0]) << cost[0] << " bytes at 2000 points, " << cost[1] << " at 20000";
}

TEST_F(InPlaceSave, ASaveKilledAtAnyWriteLeavesTheOldFileByteForByte) {
  // Kill the saving process (SIGKILL, in a child) just before its n-th write to the file, for
  // every n until the save completes, and again with the n-th journal record cut in half (a
  // kill while the journal itself is written). The next read repairs the file from the
  // journal; the file is then the one before the save, byte for byte.
  const std::string p = path("x.h5");
  db::Landscape old = small_landscape(5);
  old.run_state["bh_x"] = Eigen::MatrixXd::Random(3, 4);
  old.notes["n"] = "1";
  db::write(p, old);
  db::write(p, old);  // now in place: the file is in its steady layout
  const std::string before = slurp(p);
  db::Landscape next = old;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 3; ++i) add_point(next, rng);
  next.minima_columns["auc"](0, 0) = 0.25;
  next.run_state["bh_x"] = Eigen::MatrixXd::Random(3, 4);
  next.notes["n"] = "a longer note than before";
  next.ts_branches.push_back({0, 1, 1, 0.5, 1});
  for (const bool inside_record : {false, true}) {
    int killed = 0;
    for (long n = 1; n < 1000; ++n) {
      SCOPED_TRACE(::testing::Message()
                   << (inside_record ? "kill inside journal record " : "kill before write ") << n);
      const std::string journal = db::detail::journal_path(p);
      const pid_t child = ::fork();
      ASSERT_GE(child, 0);
      if (child == 0) {
        if (inside_record)
          db::detail::kill_inside_journal_record(n);
        else
          db::detail::kill_before_write(n);
        try {
          db::write(p, next);
        } catch (...) {
          ::_exit(3);
        }
        ::_exit(db::detail::last_save_kind() == SaveKind::InPlace ? 0 : 4);
      }
      int status = 0;
      ::waitpid(child, &status, 0);
      if (WIFEXITED(status)) {
        ASSERT_EQ(WEXITSTATUS(status), 0) << "the save failed or was not in place";
        expect_same_file(next, db::read(p));
        std::ofstream(p, std::ios::binary | std::ios::trunc) << before;  // the old file again
        break;
      }
      ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
      ++killed;
      expect_same_file(old, db::read(p));
      EXPECT_FALSE(fs::exists(journal));
      ASSERT_TRUE(slurp(p) == before) << "the file differs from before the save";
    }
    EXPECT_GT(killed, 3);
  }
}

TEST_F(InPlaceSave, AReaderWaitsForASaveInProgress) {
  // A save holds the file locked; a reader (db::read) waits until it is released.
  const std::string p = path("x.h5");
  db::write(p, small_landscape(3));
  std::atomic<bool> done{false};
  std::thread reader;
  {
    const db::detail::FileLock saving(p, true);
    reader = std::thread([&] {
      db::read(p);
      done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(done.load()) << "the read went ahead during a save";
  }
  reader.join();
  EXPECT_TRUE(done.load());
}
