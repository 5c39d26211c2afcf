/// `lossland survey --hidden 1:6 --lambda 1e-1:1e-6 --out DIR`: the XOR survey of Mehta et al.
/// (every landscape: bh, connect --all, analyze, ei, graph; then summary and figures), on
/// threads and, under `mpirun -np R`, over R ranks (docs/cli.md).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "commands/completeness_report.hpp"
#include "lossland/survey/survey.hpp"

#ifdef LOSSLAND_HAVE_MPI
#include <mpi.h>
#endif

namespace lossland::cli {
namespace {

struct SurveyArgs {
  std::string hidden = "1:6";
  std::string lambda = "1e-1:1e-6";
  std::string activation = "tanh";
  std::string regularize = "all";
  bool no_analyze = false, no_ei = false, no_graphs = false, no_pages = false;
  survey::SurveyOptions options;
};

/// The ranks of an MPI launch, or a single process. MPI is started only when the program runs
/// under mpirun (its environment says so), so a plain run needs no MPI runtime.
class Ranks {
 public:
  Ranks() {
#ifdef LOSSLAND_HAVE_MPI
    if (std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE")) {
      int provided = 0;
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
      MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
      MPI_Comm_size(MPI_COMM_WORLD, &size_);
      mpi_ = true;
    }
#endif
  }
  ~Ranks() {
#ifdef LOSSLAND_HAVE_MPI
    if (mpi_) MPI_Finalize();
#endif
  }
  int rank() const {
    return rank_;
  }
  int size() const {
    return size_;
  }
  /// True on every rank if `ok` is true on every rank.
  bool all(bool ok) const {
#ifdef LOSSLAND_HAVE_MPI
    if (mpi_) {
      int mine = ok ? 1 : 0, every = 0;
      MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
      return every == 1;
    }
#endif
    return ok;
  }

 private:
  int rank_ = 0, size_ = 1;
  bool mpi_ = false;
};

void run_survey(SurveyArgs& a) {
  auto& o = a.options;
  o.hidden = survey::parse_hidden(a.hidden);
  o.lambdas = survey::parse_lambda(a.lambda);
  o.activation = parse_activation(a.activation);
  o.regularize = parse_regularize(a.regularize);
  o.analyze = !a.no_analyze;
  o.ei = !a.no_ei;
  o.graphs = !a.no_graphs;
  o.pages = !a.no_pages;
  o.validate();
  // A missing or malformed dataset, or a model too large to search, fails here, before any
  // file is created.
  const Dataset data = load_dataset(o.dataset);
  for (const int h : o.hidden)
    model_from_flags(data, h, o.lambdas.front(), a.activation, a.regularize).check_searchable();

  Ranks ranks;
  std::string error;
  if (ranks.rank() == 0) {
    try {
      survey::prepare_directory(o);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!ranks.all(error.empty())) {
    if (!error.empty()) throw std::invalid_argument(error);
    throw std::invalid_argument("the survey directory could not be prepared (see rank 0)");
  }

  install_stop_handlers();
  const bool tty = stderr_is_terminal();
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t total = o.hidden.size() * o.lambdas.size();
  if (ranks.rank() == 0)
    std::fprintf(stderr, "survey: %zu landscapes (N_h %s, lambda %s) into %s on %d rank%s\n", total,
                 a.hidden.c_str(), a.lambda.c_str(), o.out_dir.c_str(), ranks.size(),
                 ranks.size() == 1 ? "" : "s");
  auto progress = [&](const survey::LandscapeSummary& s, std::size_t done, std::size_t mine) {
    if (!tty && ranks.size() == 1) return;
    std::fprintf(
        stderr,
        "  [rank %d %zu/%zu] N_h = %d  lambda = %.0e: %zu minima, %zu TS, %d set%s, %.1f s\n",
        ranks.rank(), done, mine, s.hidden, s.lambda, s.minima, s.transition_states,
        s.connected_sets, s.connected_sets == 1 ? "" : "s", s.seconds);
  };
  try {
    survey::run_landscapes(o, ranks.rank(), ranks.size(), progress, stop_requested);
    error.clear();
  } catch (const std::exception& e) {
    error = e.what();
  }
  const bool ok = ranks.all(error.empty());
  if (!error.empty()) throw std::runtime_error(error);
  if (!ok) throw std::runtime_error("another rank failed (see its message)");
  if (stop_requested())
    throw std::runtime_error("stopped: run the same command again to resume from the last save");
  if (ranks.rank() != 0) return;

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto rows = survey::summarize(o);
  survey::write_summary(o, rows, seconds);
  std::vector<std::string> figures;
  if (o.graphs) figures = survey::draw_figures(o, rows);
  std::vector<std::string> pages;
  if (o.pages) pages = survey::write_view_pages(o, rows);
  std::ifstream md(o.out_dir + "/summary.md");
  std::cout << md.rdbuf() << "\n";
  std::printf("Survey of %zu landscapes finished in %.1f s. Outputs in %s:\n", rows.size(), seconds,
              o.out_dir.c_str());
  std::printf("  summary.md, summary.csv   one row per landscape\n");
  std::printf(
      "  *.h5                      one database per landscape (lossland query/dgraph ...)\n");
  if (o.graphs) std::printf("  *.png beside each .h5    its disconnectivity graph\n");
  for (const auto& f : figures) std::printf("  %s\n", f.c_str());
  if (!pages.empty())
    std::printf("  %s                one interactive page (*.html) per landscape, linked\n",
                pages.front().c_str());
}

Registrar reg("survey", 5, [](CLI::App& app) {
  auto args = std::make_shared<SurveyArgs>();
  auto* c = app.add_subcommand(
      "survey",
      "Landscape survey over N_h and lambda: for every landscape basin-hopping until no new\n"
      "minimum, connect --all, analyze, the EI comparison and a disconnectivity graph; then\n"
      "summary.csv, summary.md and figures in DIR. Killed runs resume when started again with\n"
      "the same command. Under `mpirun -np R` the landscapes are shared over R ranks.");
  auto& o = args->options;
  c->add_option("--hidden,-H", args->hidden, "N_h values: FIRST:LAST or a list 1,2,4")
      ->capture_default_str();
  c->add_option("--lambda,-l", args->lambda,
                "lambda values: FIRST:LAST (every decade), FIRST:LAST:COUNT (log-spaced) or a list")
      ->capture_default_str();
  c->add_option("--out,-o", o.out_dir,
                "Survey directory (created; resumed if it holds this survey)")
      ->required();
  add_model_options(c, o.dataset, args->activation, args->regularize);
  c->add_option("--threads,-j", o.threads, "Threads shared over landscapes (0: all cores)")
      ->capture_default_str();
  add_seed_option(c, o.seed, "Survey seed (each landscape derives its own)");
  c->add_option("--stop-after", o.bh.max_steps_without_new,
                "Basin-hopping: converged after this many quenches without a new minimum")
      ->capture_default_str();
  add_stop_rule_options(c, o.bh, "Basin-hopping: ");
  c->add_option("--steps", o.bh.max_steps, "Basin-hopping: at most this many quenches")
      ->capture_default_str();
  c->add_option("--passes", o.connect.max_passes, "connect: refinement passes")
      ->capture_default_str();
  add_save_interval_option(c, o.save_interval);
  c->add_flag("--no-analyze", args->no_analyze, "Skip the per-minimum analysis");
  c->add_flag("--no-ei", args->no_ei, "Skip the EI comparison");
  c->add_flag("--no-graphs", args->no_graphs, "Draw no graphs or figures");
  c->add_flag("--no-pages", args->no_pages,
              "Write no interactive pages (STEM.html per landscape, index.html; lossland view)");
  c->add_option("--page-pictures", o.page_pictures,
                "Network diagrams and sensitivity maps per page, for the lowest minima")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  c->callback([args] { run_survey(*args); });
});

}  // namespace
}  // namespace lossland::cli
