/// `lossland train DB --method gd|adam|lbfgs --runs K`: basins of plain training. Each run starts
/// from random weights, trains, is quenched tightly and identified with a database minimum.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/analysis/metrics.hpp"
#include "lossland/analysis/training.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/db/lock.hpp"

namespace lossland::cli {
namespace {

struct TrainArgs {
  std::string db;
  std::vector<std::string> methods{"gd"};
  std::string init = "normal";
  bool add = false;
  bool json = false;
  analysis::TrainingOptions options;
};

void run_train(TrainArgs a) {
  std::vector<analysis::TrainingMethod> methods;
  for (const auto& m : a.methods) {
    if (m == "all") {
      methods = {analysis::TrainingMethod::GradientDescentArmijo, analysis::TrainingMethod::Adam,
                 analysis::TrainingMethod::Lbfgs};
      break;
    }
    methods.push_back(analysis::parse_training_method(m));
  }
  a.options.init = analysis::parse_init_distribution(a.init);
  a.options.validate();
  std::optional<db::WriterLock> lock;  // only when found minima are added
  if (a.add) lock.emplace(a.db);
  db::Landscape land = open_landscape(a.db);
  const MlpLoss loss(land.dataset, land.model);
  analysis::MetricsOptions mopt;
  mopt.robustness = false;
  std::vector<double> auc(land.minima.size());
  for (std::size_t i = 0; i < auc.size(); ++i)
    auc[i] = analysis::compute_metrics(loss, land.minima[i].coords, mopt).auc;

  std::vector<analysis::TrainingResult> results;
  for (auto m : methods) {
    analysis::TrainingOptions o = a.options;
    o.method = m;
    results.push_back(analysis::train_basins(land, o));
  }

  std::size_t added = 0;
  if (a.add) {
    db::LandscapeIndex index(land);
    for (const auto& r : results)
      for (const auto& nm : r.new_minima) {
        db::StoredPoint p{nm.energy, nm.coords, nm.grad_rms, nm.eigenvalues};
        added += index.add_minimum(p).added;
      }
    if (added) db::write(a.db, land);
  }

  std::ostringstream init;
  init << (a.options.init == analysis::InitDistribution::Normal ? "N(0, sigma^2), sigma = "
                                                                : "Glorot uniform, gain ")
       << a.options.init_scale;
  if (a.json) {
    nlohmann::json j = {{"database", a.db},
                        {"runs", a.options.runs},
                        {"seed", a.options.seed},
                        {"init", analysis::to_string(a.options.init)},
                        {"init_scale", a.options.init_scale},
                        {"added_to_database", added}};
    j["methods"] = nlohmann::json::array();
    for (const auto& r : results) {
      nlohmann::json mj = {{"method", analysis::to_string(r.method)},
                           {"bad_runs", r.bad_runs},
                           {"bad_probability", r.bad_probability()},
                           {"failed_runs", r.failed_runs}};
      mj["minima"] = nlohmann::json::array();
      for (std::size_t i = 0; i < r.hits.size(); ++i)
        if (r.hits[i])
          mj["minima"].push_back({{"id", i},
                                  {"energy", land.minima[i].energy},
                                  {"auc", auc[i]},
                                  {"hits", r.hits[i]},
                                  {"probability", double(r.hits[i]) / r.runs.size()}});
      mj["new_minima"] = nlohmann::json::array();
      for (const auto& nm : r.new_minima)
        mj["new_minima"].push_back({{"energy", nm.energy},
                                    {"auc", nm.auc},
                                    {"hits", nm.hits},
                                    {"probability", double(nm.hits) / r.runs.size()}});
      j["methods"].push_back(mj);
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  for (const auto& r : results) {
    const double K = static_cast<double>(r.runs.size());
    int known = 0, fresh = 0, converged = 0;
    for (const auto& run : r.runs) {
      known += run.outcome == analysis::RunOutcome::KnownMinimum;
      fresh += run.outcome == analysis::RunOutcome::NewMinimum;
      converged += run.trained_to_tolerance;
    }
    std::printf(
        "method %s: %zu runs from %s (seed %llu); %d reached RMS gradient %g before the "
        "quench\n",
        analysis::to_string(r.method).c_str(), r.runs.size(), init.str().c_str(),
        static_cast<unsigned long long>(a.options.seed), converged, a.options.rms_tolerance);
    std::printf(
        "  %d in database minima, %d in new minima, %d not minima; P(bad minimum, AUC < "
        "1) = %.3f\n",
        known, fresh, r.failed_runs, r.bad_probability());
    std::printf("  %8s %18s %7s %6s %11s\n", "minimum", "energy", "auc", "hits", "probability");
    for (std::size_t i = 0; i < r.hits.size(); ++i)
      if (r.hits[i])
        std::printf("  %8zu %18.12g %7.4g %6d %11.3f\n", i, land.minima[i].energy, auc[i],
                    r.hits[i], r.hits[i] / K);
    for (std::size_t n = 0; n < r.new_minima.size(); ++n)
      std::printf("  %8s %18.12g %7.4g %6d %11.3f\n", ("new" + std::to_string(n)).c_str(),
                  r.new_minima[n].energy, r.new_minima[n].auc, r.new_minima[n].hits,
                  r.new_minima[n].hits / K);
  }
  if (a.add)
    std::printf("%zu new minima added to %s (re-run `lossland analyze` for their columns)\n", added,
                a.db.c_str());
}

Registrar reg("train", 54, [](CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto* c = app.add_subcommand(
      "train",
      "Basins of plain training: from K random initial weights train with gradient descent\n"
      "(Armijo steps), Adam or L-BFGS, quench tightly, and count which database minimum\n"
      "(up to symmetry) each run reaches.");
  c->add_option("db", args->db, "Database file")->required();
  c->add_option("--method,-m", args->methods,
                "gd (Armijo gradient descent), adam, lbfgs, or all; may repeat")
      ->check(CLI::IsMember({"gd", "adam", "lbfgs", "all"}))
      ->capture_default_str();
  auto& o = args->options;
  c->add_option("--runs,-K", o.runs, "Random initialisations per method")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  c->add_option("--seed", o.seed, "Random seed (run k uses stream k)")->capture_default_str();
  c->add_option("--init", args->init,
                "Initial weights: normal (each parameter N(0, scale^2)) or glorot "
                "(U(-a, a), a = scale sqrt(6/(fan_in+fan_out)), biases 0)")
      ->check(CLI::IsMember({"normal", "glorot"}))
      ->capture_default_str();
  c->add_option("--init-scale", o.init_scale, "sigma of normal, gain of glorot")
      ->capture_default_str();
  c->add_option("--max-iterations", o.max_iterations, "Iteration cap of the plain optimiser")
      ->capture_default_str();
  c->add_option("--rms-tolerance", o.rms_tolerance,
                "Training stops at this RMS gradient, then the tight quench")
      ->capture_default_str();
  c->add_option("--learning-rate", o.adam_learning_rate, "Adam step size")->capture_default_str();
  c->add_option("--threads,-j", o.threads, "Threads over runs (results do not depend on it)")
      ->capture_default_str();
  c->add_flag("--add", args->add, "Store the new minima in DB");
  c->add_flag("--json", args->json, "Print the basin probabilities as JSON");
  c->callback([args] { run_train(*args); });
});

}  // namespace
}  // namespace lossland::cli
