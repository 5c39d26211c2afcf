/// `lossland import DIR DB --hidden H --lambda L`: read PATHSAMPLE files into a new database.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/graph/pathsample.hpp"

namespace lossland::cli {
namespace {

struct ImportArgs {
  std::string dir, db, dataset = "xor", activation = "tanh", regularize = "all";
  int hidden = 0;
  double lambda = -1;
  bool force = false, json = false;
};

void run_import(const ImportArgs& a) {
  if (db::exists(a.db) && !a.force)
    throw std::invalid_argument(
        "'" + a.db + "' already exists: choose a new file or pass --force to replace it");
  const Dataset data = load_dataset(a.dataset);
  ModelSpec spec;
  spec.layers = {data.num_inputs(), a.hidden, data.num_classes};
  spec.activation = parse_activation(a.activation);
  spec.regularize = parse_regularize(a.regularize);
  spec.lambda = a.lambda;
  spec.validate();
  graph::ImportResult r = graph::import_pathsample(a.dir, spec, data);
  r.landscape.created_by = "lossland " LOSSLAND_VERSION " import";
  db::write(a.db, r.landscape);
  if (a.json) {
    nlohmann::json j = {{"directory", a.dir},
                        {"database", a.db},
                        {"minima", r.landscape.minima.size()},
                        {"transition_states", r.landscape.transition_states.size()},
                        {"warnings", r.warnings}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  for (const auto& w : r.warnings) std::fprintf(stderr, "lossland: warning: %s\n", w.c_str());
  std::printf("imported %zu minima and %zu transition states from %s into %s\n",
              r.landscape.minima.size(), r.landscape.transition_states.size(), a.dir.c_str(),
              a.db.c_str());
}

Registrar reg("import", 61, [](CLI::App& app) {
  auto a = std::make_shared<ImportArgs>();
  auto* c = app.add_subcommand(
      "import",
      "Read PATHSAMPLE files (min.data, ts.data, points.min, points.ts; see `export --help`)\n"
      "into a new database. The files hold no model, so give it: every point is re-evaluated\n"
      "(energy, gradient, Hessian spectrum) and an energy that disagrees with the file is an\n"
      "error. ts.data and points.ts may be absent (minima only).");
  c->add_option("dir", a->dir, "Directory holding the PATHSAMPLE files")->required();
  c->add_option("db", a->db, "Database file to create")->required();
  c->add_option("--hidden,-H", a->hidden, "Hidden nodes N_h (>= 1)")
      ->required()
      ->check(CLI::Range(1, 1000));
  c->add_option("--lambda,-l", a->lambda, "Regularisation lambda (>= 0)")
      ->required()
      ->check(CLI::NonNegativeNumber);
  c->add_option("--dataset,-d", a->dataset, "xor, a shipped dataset name, or a CSV file")
      ->capture_default_str();
  c->add_option("--activation", a->activation, "Hidden units: tanh or sigmoid")
      ->check(CLI::IsMember({"tanh", "sigmoid"}))
      ->capture_default_str();
  c->add_option("--regularize", a->regularize, "Penalise all parameters or weights only")
      ->check(CLI::IsMember({"all", "weights"}))
      ->capture_default_str();
  c->add_flag("--force", a->force, "Replace DB if it exists");
  c->add_flag("--json", a->json, "Print a summary as JSON");
  c->callback([a] { run_import(*a); });
});

}  // namespace
}  // namespace lossland::cli
