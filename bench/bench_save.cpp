/// \file
/// Save time of the database (issue 16): a synthetic landscape of M minima with P = 100
/// parameters (4 inputs, 14 hidden nodes, 2 classes) and M - 1 transition states, written with
/// db::write and read back with db::read. Two kinds of save: the whole file (SaveMode::Whole:
/// temporary file, fsync, rename), whose time grows with M, and the in-place save a run makes
/// (SaveMode::Changes: 10 new minima and transition states appended and the run state
/// replaced, through the rollback journal), whose time should not.
///   build/bench_save [DIR] [M ...]   (default DIR /tmp, M = 1000 10000 100000)

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"

namespace {

lossland::db::Landscape synthetic(int M) {
  lossland::db::Landscape ls;
  ls.model.layers = {4, 14, 2};
  ls.model.lambda = 1e-4;
  ls.dataset.name = "synthetic";
  ls.dataset.inputs = Eigen::MatrixXd::Random(16, 4);
  ls.dataset.labels = Eigen::VectorXi::LinSpaced(16, 0, 15).unaryExpr([](int i) { return i % 2; });
  ls.dataset.num_classes = 2;
  const int P = ls.num_params();
  for (int m = 0; m < M; ++m) {
    lossland::db::StoredPoint p;
    p.energy = 0.01 * m;
    p.coords = Eigen::VectorXd::Random(P);
    p.grad_rms = 1e-12;
    p.eigenvalues = Eigen::VectorXd::LinSpaced(P, 1e-3, 1.0);
    ls.minima.push_back(p);
    if (m > 0) {
      lossland::db::StoredTransitionState t;
      static_cast<lossland::db::StoredPoint&>(t) = p;
      t.min1 = m - 1;
      t.min2 = m;
      ls.transition_states.push_back(t);
    }
  }
  return ls;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "/tmp";
  std::vector<int> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000, 100000};
  const std::string path = dir + "/bench_save_" + std::to_string(::getpid()) + ".h5";
  std::printf(
      "| minima | P | file MB | whole save s (median of 3) | in-place save of 10 points, s "
      "(median of 5) | read s |\n|---:|---:|---:|---:|---:|---:|\n");
  for (const int M : sizes) {
    lossland::db::Landscape ls = synthetic(M);
    std::vector<double> saves, appends;
    for (int k = 0; k < 3; ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      lossland::db::write(path, ls, lossland::db::SaveMode::Whole);
      saves.push_back(seconds_since(t0));
    }
    const lossland::db::Landscape more = synthetic(10);
    for (int k = 0; k < 5; ++k) {
      for (const auto& m : more.minima) ls.minima.push_back(m);
      for (auto t : more.transition_states) {
        t.min1 += static_cast<std::int64_t>(ls.minima.size()) - 10;
        t.min2 += static_cast<std::int64_t>(ls.minima.size()) - 10;
        ls.transition_states.push_back(t);
      }
      ls.run_state["bh_x"] = Eigen::MatrixXd::Random(4, ls.num_params());
      const auto t0 = std::chrono::steady_clock::now();
      lossland::db::write(path, ls);
      appends.push_back(seconds_since(t0));
    }
    std::sort(saves.begin(), saves.end());
    std::sort(appends.begin(), appends.end());
    const auto t0 = std::chrono::steady_clock::now();
    const lossland::db::Landscape back = lossland::db::read(path);
    const double read = seconds_since(t0);
    if (back.minima.size() != ls.minima.size()) return 1;
    std::printf("| %d | %d | %.1f | %.3f | %.4f | %.3f |\n", M, ls.num_params(),
                std::filesystem::file_size(path) / 1e6, saves[1], appends[2], read);
    std::fflush(stdout);
  }
  std::filesystem::remove(path);
  return 0;
}
