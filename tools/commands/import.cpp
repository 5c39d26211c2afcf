/// `lossland import [--format pathsample] DIR OUT.h5 --like DB | --hidden H --lambda L`: read
/// PATHSAMPLE files into a new database.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/db/lock.hpp"
#include "lossland/graph/pathsample.hpp"

namespace lossland::cli {
namespace {

struct ImportArgs {
  std::string format = "pathsample", like;
  std::string dir, db, dataset = "xor", activation = "tanh", regularize = "all";
  bool dataset_given = false, activation_given = false, regularize_given = false;
  int hidden = 0;
  double lambda = -1;
  bool force = false, json = false;
  std::string horder = "file";
};

void run_import(const ImportArgs& a) {
  const db::WriterLock lock(a.db);
  if (db::exists(a.db) && !a.force)
    throw std::invalid_argument(
        "'" + a.db + "' already exists: choose a new file or pass --force to replace it");
  if (a.format != "pathsample")
    throw std::invalid_argument("--format " + a.format +
                                " cannot be imported: only pathsample files can (min.data, "
                                "ts.data, points.min, points.ts)");
  Dataset data;
  ModelSpec spec;
  if (!a.like.empty()) {
    if (a.hidden != 0 || a.lambda >= 0 || a.dataset_given || a.activation_given ||
        a.regularize_given)
      throw std::invalid_argument(
          "--like takes the model and dataset from " + a.like +
          ": leave out --hidden, --lambda, --dataset, --activation and --regularize");
    const db::Landscape like = open_landscape(a.like);
    data = like.dataset;
    spec = like.model;
    spec.validate();
  } else {
    if (a.hidden == 0 || a.lambda < 0)
      throw std::invalid_argument(
          "PATHSAMPLE files hold no model: give --like DB (a database of the same model) or "
          "--hidden H --lambda L");
    data = load_dataset(a.dataset);
    spec = model_from_flags(data, a.hidden, a.lambda, a.activation, a.regularize);
  }
  graph::ImportOptions options;
  options.recompute_horder = a.horder == "compute";
  graph::ImportResult r = graph::import_pathsample(a.dir, spec, data, options);
  r.landscape.created_by = "lossland " LOSSLAND_VERSION " import";
  db::write(a.db, r.landscape, db::SaveMode::Whole);
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
      "into a new database. The files hold no model, so name one: --like DB takes the model\n"
      "and dataset of an existing database (e.g. the one that was exported), or give --hidden\n"
      "and --lambda (and --dataset, --activation, --regularize where not the defaults). Every\n"
      "point is re-evaluated (gradient, Hessian spectrum); an energy that disagrees with the\n"
      "model is an error. Energies and coordinates are kept as the files give them, so export\n"
      "then import gives the database back. ts.data and points.ts may be absent (minima only).\n"
      "Examples:\n"
      "  lossland import --format pathsample x3.pathsample --like x3.h5 copy.h5\n"
      "  lossland import x3.pathsample copy.h5 --hidden 3 --lambda 1e-4");
  c->add_option("--format,-f", a->format, "Input format: pathsample")->capture_default_str();
  c->add_option("dir", a->dir, "Directory holding the PATHSAMPLE files")->required();
  c->add_option("db", a->db, "Database file to create")->required();
  c->add_option("--like", a->like, "Take the model and dataset from this database");
  c->add_option("--hidden,-H", a->hidden, "Hidden nodes N_h (>= 1), without --like")
      ->check(CLI::Range(1, 1000));
  c->add_option("--lambda,-l", a->lambda, "Regularisation lambda (>= 0), without --like")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--dataset,-d", a->dataset, "xor, a shipped dataset name, or a CSV file")
      ->capture_default_str()
      ->each([a](const std::string&) { a->dataset_given = true; });
  c->add_option("--activation", a->activation, "Hidden units: tanh or sigmoid")
      ->check(CLI::IsMember({"tanh", "sigmoid"}))
      ->capture_default_str()
      ->each([a](const std::string&) { a->activation_given = true; });
  c->add_option("--regularize", a->regularize, "Penalise all parameters or weights only")
      ->check(CLI::IsMember({"all", "weights"}))
      ->capture_default_str()
      ->each([a](const std::string&) { a->regularize_given = true; });
  c->add_option("--horder", a->horder,
                "Symmetry factors: file (keep HORDER from min.data/ts.data; mismatches with the "
                "stabiliser order are reported) or compute (replace them by the stabiliser order)")
      ->check(CLI::IsMember({"file", "compute"}))
      ->capture_default_str();
  c->add_flag("--force", a->force, "Replace DB if it exists");
  c->add_flag("--json", a->json, "Print a summary as JSON");
  c->callback([a] { run_import(*a); });
});

}  // namespace
}  // namespace lossland::cli
