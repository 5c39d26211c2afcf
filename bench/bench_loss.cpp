/// \file
/// Throughput of the hot paths on the XOR loss of Mehta et al. 2018 (docs/loss.md) at
/// lambda = 1e-4 and N_h = 2, 6, 10 (P = 5 N_h + 2 = 12, 32, 52):
///   - BM_EnergyGradient:         MlpLoss::energy_gradient, one evaluation per item;
///   - BM_EnergyGradientHessian:  MlpLoss::energy_gradient_hessian, one evaluation per item;
///   - BM_Minimize:               lossland::minimize (L-BFGS then Newton polish to RMS gradient
///                                1e-11) from a fixed set of N(0,1) starts, cycled; one quench
///                                per item;
///   - BM_Quench:                 lossland::quench = minimize + Hessian classification (what
///                                basin-hopping does per step), same starts;
///   - BM_BasinHoppingStep:       lossland::basin_hopping with one walker on one thread, a fresh
///                                landscape per iteration; one basin-hopping step (perturb,
///                                quench, classify, symmetry-aware lookup, Metropolis) per item.
/// Items/s is the number to read. docs/benchmarks.md holds measured values and how to run them.

#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cstdint>
#include <random>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/model/dataset.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/stationary.hpp"
#include "lossland/search/basin_hopping.hpp"

namespace {

using lossland::MlpLoss;

/// Regularisation strength of every benchmark (the reference point).
constexpr double kLambda = 1e-4;
/// Number of fixed random start points the quench benchmarks cycle through.
constexpr int kNumStarts = 64;
/// Seed of the start points; fixed so runs compare.
constexpr std::uint64_t kStartSeed = 20240601;
/// Basin-hopping steps per benchmark iteration (one fresh landscape each).
constexpr int kBasinHoppingSteps = 100;

lossland::ModelSpec xor_spec(int hidden) {
  lossland::ModelSpec spec;
  spec.layers = {2, hidden, 2};
  spec.lambda = kLambda;
  spec.validate();
  return spec;
}

MlpLoss xor_loss(int hidden) {
  return MlpLoss(lossland::xor_dataset(), xor_spec(hidden));
}

/// `count` points with independent N(0,1) coordinates (the basin-hopping initial distribution).
std::vector<Eigen::VectorXd> normal_starts(int dim, int count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<Eigen::VectorXd> starts(count, Eigen::VectorXd(dim));
  for (auto& x : starts)
    for (int i = 0; i < dim; ++i) x[i] = normal(rng);
  return starts;
}

void BM_EnergyGradient(benchmark::State& state) {
  const MlpLoss loss = xor_loss(static_cast<int>(state.range(0)));
  const auto points = normal_starts(loss.dim(), kNumStarts, kStartSeed);
  Eigen::VectorXd grad(loss.dim());
  std::size_t k = 0;
  for (auto _ : state) {
    const double e = loss.energy_gradient(points[k], grad);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(grad.data());
    k = (k + 1) % points.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["P"] = loss.dim();
}

void BM_EnergyGradientHessian(benchmark::State& state) {
  const MlpLoss loss = xor_loss(static_cast<int>(state.range(0)));
  const auto points = normal_starts(loss.dim(), kNumStarts, kStartSeed);
  Eigen::VectorXd grad(loss.dim());
  Eigen::MatrixXd hess(loss.dim(), loss.dim());
  std::size_t k = 0;
  for (auto _ : state) {
    const double e = loss.energy_gradient_hessian(points[k], grad, hess);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(hess.data());
    k = (k + 1) % points.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["P"] = loss.dim();
}

/// Per-quench averages reported as counters: how much work one quench is.
struct QuenchTally {
  double function_evaluations = 0, lbfgs_iterations = 0, newton_iterations = 0, converged = 0;
  void add(const lossland::MinimizerResult& r) {
    function_evaluations += r.function_evaluations;
    lbfgs_iterations += r.lbfgs_iterations;
    newton_iterations += r.newton_iterations;
    converged += r.converged() ? 1 : 0;
  }
  void report(benchmark::State& state) const {
    using benchmark::Counter;
    state.counters["evals/quench"] = Counter(function_evaluations, Counter::kAvgIterations);
    state.counters["lbfgs_it/quench"] = Counter(lbfgs_iterations, Counter::kAvgIterations);
    state.counters["newton_it/quench"] = Counter(newton_iterations, Counter::kAvgIterations);
    state.counters["converged"] = Counter(converged, Counter::kAvgIterations);
  }
};

void BM_Minimize(benchmark::State& state) {
  const MlpLoss loss = xor_loss(static_cast<int>(state.range(0)));
  const auto starts = normal_starts(loss.dim(), kNumStarts, kStartSeed);
  const lossland::MinimizerOptions options;  // the defaults basin-hopping uses
  QuenchTally tally;
  std::size_t k = 0;
  for (auto _ : state) {
    const lossland::MinimizerResult r = lossland::minimize(loss, starts[k], options);
    benchmark::DoNotOptimize(r.energy);
    tally.add(r);
    k = (k + 1) % starts.size();
  }
  state.SetItemsProcessed(state.iterations());
  tally.report(state);
}

void BM_Quench(benchmark::State& state) {
  const MlpLoss loss = xor_loss(static_cast<int>(state.range(0)));
  const auto starts = normal_starts(loss.dim(), kNumStarts, kStartSeed);
  const lossland::BasinHoppingOptions bh;  // the minimiser options and cutoff of `lossland bh`
  QuenchTally tally;
  std::size_t k = 0;
  for (auto _ : state) {
    const lossland::Quench q = lossland::quench(loss, starts[k], bh.minimizer, bh.eigen_cutoff);
    benchmark::DoNotOptimize(q.result.energy);
    tally.add(q.result);
    k = (k + 1) % starts.size();
  }
  state.SetItemsProcessed(state.iterations());
  tally.report(state);
}

void BM_BasinHoppingStep(benchmark::State& state) {
  const int hidden = static_cast<int>(state.range(0));
  const MlpLoss loss = xor_loss(hidden);
  lossland::BasinHoppingOptions options;
  options.walkers = 1;
  options.threads = 1;
  options.max_steps = kBasinHoppingSteps;
  options.max_steps_without_new = 0;  // run the full step budget
  std::int64_t steps = 0, minima = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    state.PauseTiming();
    lossland::db::Landscape landscape;
    landscape.model = loss.spec();
    landscape.dataset = loss.data();
    lossland::db::LandscapeIndex index(landscape);
    options.seed = seed++;
    state.ResumeTiming();
    const lossland::BasinHoppingResult r = lossland::basin_hopping(loss, index, options);
    steps += r.stats.steps;
    minima += static_cast<std::int64_t>(landscape.minima.size());
  }
  if (state.iterations() > 0 && steps != state.iterations() * kBasinHoppingSteps)
    state.SkipWithError("basin_hopping stopped before its step budget");
  state.SetItemsProcessed(steps);
  state.counters["minima/run"] =
      benchmark::Counter(static_cast<double>(minima), benchmark::Counter::kAvgIterations);
}

constexpr int kHiddenSizes[] = {2, 6, 10};

void hidden_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("Nh");
  for (int h : kHiddenSizes) b->Arg(h);
}

BENCHMARK(BM_EnergyGradient)->Apply(hidden_sizes);
BENCHMARK(BM_EnergyGradientHessian)->Apply(hidden_sizes);
BENCHMARK(BM_Minimize)->Apply(hidden_sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Quench)->Apply(hidden_sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BasinHoppingStep)->Apply(hidden_sizes)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
