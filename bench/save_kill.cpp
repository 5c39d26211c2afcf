/// \file
/// Kill experiment for in-place saves (bench/save_kill.sh): `save_kill loop DB` saves forever,
/// each save appending K = 7 minima and transition states whose values follow from their row,
/// replacing the run state and a note of changing length, and changing one extra column;
/// `save_kill check DB` reads DB (repairing a killed save) and exits 0 if it is one of the
/// states the loop saved (a whole number of saves, every value as saved), 1 otherwise.
///   build/save_kill loop DB | build/save_kill check DB

#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "lossland/db/database.hpp"

namespace {

constexpr int K = 7;

double value(std::int64_t row, int j) {
  return std::sin(0.37 * static_cast<double>(row) + 0.11 * j);
}

lossland::db::Landscape base() {
  lossland::db::Landscape ls;
  ls.model.layers = {4, 14, 2};
  ls.model.lambda = 1e-4;
  ls.dataset.name = "synthetic";
  ls.dataset.inputs = Eigen::MatrixXd::Constant(8, 4, 0.5);
  ls.dataset.labels = Eigen::VectorXi::LinSpaced(8, 0, 7).unaryExpr([](int i) { return i % 2; });
  ls.dataset.num_classes = 2;
  return ls;
}

/// Brings `ls` to the state after `saves` saves.
void grow(lossland::db::Landscape& ls, std::int64_t saves) {
  const int P = ls.num_params();
  while (static_cast<std::int64_t>(ls.minima.size()) < saves * K) {
    const auto r = static_cast<std::int64_t>(ls.minima.size());
    lossland::db::StoredPoint p;
    p.energy = value(r, 0);
    p.grad_rms = 1e-12;
    p.coords = Eigen::VectorXd::NullaryExpr(P, [&](Eigen::Index j) { return value(r, int(j)); });
    p.eigenvalues = p.coords.cwiseAbs();
    ls.minima.push_back(p);
    lossland::db::StoredTransitionState t;
    static_cast<lossland::db::StoredPoint&>(t) = p;
    t.min1 = r;
    t.min2 = r > 0 ? r - 1 : 0;
    ls.transition_states.push_back(t);
  }
  const auto M = static_cast<Eigen::Index>(ls.minima.size());
  ls.minima_columns["auc"] = Eigen::MatrixXd::Constant(M, 1, static_cast<double>(saves));
  ls.run_state["bh_x"] = Eigen::MatrixXd::Constant(3, P, static_cast<double>(saves));
  ls.notes["saves"] =
      std::string(static_cast<std::size_t>(saves % 97 + 1), 'x') + std::to_string(saves);
}

bool is_saved_state(const lossland::db::Landscape& got) {
  if (got.minima.size() % K != 0 || got.run_state.count("bh_x") != 1) return false;
  const auto saves = static_cast<std::int64_t>(got.minima.size() / K);
  lossland::db::Landscape want = base();
  grow(want, saves);
  if (got.notes != want.notes || got.transition_states.size() != want.transition_states.size() ||
      got.minima_columns.at("auc") != want.minima_columns.at("auc") ||
      got.run_state.at("bh_x") != want.run_state.at("bh_x"))
    return false;
  for (std::size_t r = 0; r < got.minima.size(); ++r)
    if (got.minima[r].energy != want.minima[r].energy ||
        got.minima[r].coords != want.minima[r].coords ||
        got.transition_states[r].eigenvalues != want.transition_states[r].eigenvalues ||
        got.transition_states[r].min2 != want.transition_states[r].min2)
      return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "loop") != 0 && std::strcmp(argv[1], "check") != 0)) {
    std::fprintf(stderr, "usage: %s loop|check DB\n", argv[0]);
    return 2;
  }
  try {
    if (std::strcmp(argv[1], "check") == 0) {
      const lossland::db::Landscape got = lossland::db::read(argv[2]);
      const bool ok = is_saved_state(got);
      std::printf("%zu minima: %s\n", got.minima.size(),
                  ok ? "a saved state" : "NOT a saved state");
      return ok ? 0 : 1;
    }
    lossland::db::Landscape ls =
        lossland::db::exists(argv[2]) ? lossland::db::read(argv[2]) : base();
    for (auto saves = static_cast<std::int64_t>(ls.minima.size() / K) + 1;; ++saves) {
      grow(ls, saves);
      lossland::db::write(argv[2], ls);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "save_kill: %s\n", e.what());
    return 1;
  }
}
