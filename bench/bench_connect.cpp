/// Time per connection attempt (issue 3 item 8): one double_ended_attempt between two XOR
/// minima = symmetry alignment, a DNEB band, hybrid eigenvector-following from each band maximum
/// and the two descents from every transition state found. One thread, lambda = 1e-4,
/// N_h = 3 and 6. Each benchmark iteration is one attempt on the next of a fixed set of pairs
/// of distinct minima (the first six found by quenching from seeded random starts), so the
/// reported time is the mean over those pairs; repetitions give the median.
///
///   cmake -S . -B build-bench -DLOSSLAND_BUILD_BENCHMARKS=ON && cmake --build build-bench \
///     --target bench_connect && build-bench/bench_connect --benchmark_repetitions=3 \
///     --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "lossland/db/landscape_index.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/search/basin_hopping.hpp"
#include "lossland/search/connect.hpp"

using namespace lossland;

namespace {

constexpr int kMinima = 6;  // 15 pairs

/// Distinct minima of XOR at (hidden, lambda) from seeded random quenches (scales 0.5..3).
db::Landscape minima_landscape(int hidden, double lambda) {
  db::Landscape land;
  land.model = ModelSpec{{2, hidden, 2}, Activation::Tanh, Regularize::All, lambda};
  land.dataset = xor_dataset();
  const MlpLoss loss(land.dataset, land.model);
  db::LandscapeIndex index(land);
  std::mt19937 rng(2024);
  std::normal_distribution<double> normal;
  const MinimizerOptions opt;
  const double scales[] = {0.5, 1.0, 2.0, 3.0};
  for (int k = 0; k < 2000 && static_cast<int>(land.minima.size()) < kMinima; ++k) {
    Eigen::VectorXd x(loss.dim());
    for (int i = 0; i < x.size(); ++i) x[i] = scales[k % 4] * normal(rng);
    const Quench q = quench(loss, x, opt, kDefaultEigenCutoff);
    if (q.is_minimum(opt.rms_tolerance))
      index.add_minimum(
          {q.result.energy, q.result.x, q.result.grad_rms, q.classification.eigenvalues});
  }
  return land;
}

void BM_ConnectionAttempt(benchmark::State& state) {
  const int hidden = static_cast<int>(state.range(0));
  const db::Landscape land = minima_landscape(hidden, 1e-4);
  const MlpLoss loss(land.dataset, land.model);
  std::vector<std::pair<int, int>> pairs;
  const int n = static_cast<int>(land.minima.size());
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) pairs.push_back({i, j});
  if (pairs.empty()) {
    state.SkipWithError("fewer than two minima found");
    return;
  }
  ConnectOptions o;
  o.threads = 1;
  std::size_t next = 0;
  std::int64_t candidates = 0, transition_states = 0;
  for (auto _ : state) {
    const auto [i, j] = pairs[next++ % pairs.size()];
    const std::vector<TsCandidate> found = double_ended_attempt(loss, land, i, j, o);
    candidates += static_cast<std::int64_t>(found.size());
    for (const auto& c : found) transition_states += c.is_ts;
    benchmark::DoNotOptimize(found.data());
  }
  state.counters["params"] = loss.dim();
  state.counters["pairs"] = static_cast<double>(pairs.size());
  state.counters["candidates_per_attempt"] =
      benchmark::Counter(static_cast<double>(candidates), benchmark::Counter::kAvgIterations);
  state.counters["ts_per_attempt"] = benchmark::Counter(static_cast<double>(transition_states),
                                                        benchmark::Counter::kAvgIterations);
}

// One full cycle over the 15 pairs per repetition.
BENCHMARK(BM_ConnectionAttempt)
    ->Arg(3)
    ->Arg(6)
    ->Iterations(kMinima*(kMinima - 1) / 2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
