#pragma once
/// \file
/// Landscape surveys over N_h and lambda (Mehta et al., Phys. Rev. E 97, 052307
/// (2018), Sec. IV A: N_h = 1..6, lambda = 1e-1..1e-6):
/// for every landscape basin-hopping until converged, connect --all, analyze, the EI comparison
/// and a disconnectivity graph; then a summary table and figures. Each landscape lives in its own
/// database, and the stages it has finished are recorded in that file, so a killed survey
/// resumes where it stopped. Landscapes are shared out over threads and (with MPI) ranks; each
/// landscape's seed depends only on the survey seed, N_h and lambda, so the databases do not
/// depend on how the work was distributed.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/search/basin_hopping.hpp"
#include "lossland/search/connect.hpp"

namespace lossland::survey {

/// "1:6" (inclusive range), "1,2,4" (list) or "3". Throws std::invalid_argument for an empty or
/// malformed range or a value < 1, naming the option.
std::vector<int> parse_hidden(const std::string& text);
/// "1e-1:1e-6" (every decade from one end to the other, inclusive), "1e-1:1e-6:11" (that many
/// log-spaced values), "1e-2,1e-4" (list) or one value. Throws std::invalid_argument for an
/// empty or malformed range or a negative or non-finite lambda.
std::vector<double> parse_lambda(const std::string& text);

struct SurveyOptions {
  std::vector<int> hidden{1, 2, 3, 4, 5, 6};                        ///< N_h values, each >= 1
  std::vector<double> lambdas{1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};  ///< each >= 0
  std::string dataset = "xor";                                      ///< as `bh --dataset`
  Activation activation = Activation::Tanh;
  Regularize regularize = Regularize::All;
  std::string out_dir;  ///< required; created if missing
  /// Worker threads shared out over landscapes (0: all cores). [0, 1024]
  int threads = 0;
  /// Survey seed; landscape (N_h, lambda) uses a seed derived from it, N_h and lambda.
  std::uint64_t seed = 1;
  BasinHoppingOptions bh;  ///< threads inside are set to 1 (parallelism is across landscapes)
  ConnectOptions connect;  ///< likewise
  bool analyze = true;     ///< run the per-minimum analysis (auc, sparsity, robustness)
  bool ei = true;          ///< run the EI comparison
  bool graphs = true;      ///< draw each landscape's disconnectivity graph and the figures
  /// Write each landscape's interactive page (lossland/view/landscape_page.hpp) and index.html.
  bool pages = true;
  /// Network diagrams and sensitivity maps per page, for the lowest drawn minima. [0, 1e6]
  int page_pictures = 20;
  double save_interval = 2.0;  ///< seconds between saves of a landscape in progress, > 0
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

/// One row of summary.csv / summary.md.
struct LandscapeSummary {
  int hidden = 0;
  double lambda = 0.0;
  std::string database;  ///< file name inside the survey directory
  std::size_t minima = 0;
  std::size_t distinct_energies = 0;  ///< minima with distinct losses (relative 1e-10)
  std::size_t transition_states = 0;
  double ts_per_minimum = 0.0;
  double global_minimum = 0.0;
  int bad_minima = -1;                     ///< AUC < 1 (needs analyze); -1 if unknown
  std::map<int, int> by_connected_hidden;  ///< connected hidden nodes -> minima (needs analyze)
  int connected_sets = 0;
  double seconds = 0.0;               ///< wall time spent on this landscape (all runs)
  CompletenessEstimate completeness;  ///< how complete its minima are (docs/completeness.md)
};

/// The database file name of a landscape, e.g. "xor_h3_l1e-04.h5".
std::string landscape_file(const SurveyOptions& options, int hidden, double lambda);

/// Called from the worker threads after each landscape finishes (serialised by the survey).
using ProgressCallback =
    std::function<void(const LandscapeSummary&, std::size_t done, std::size_t total)>;

/// Checks or creates the survey directory and its manifest survey.json. Throws
/// std::invalid_argument if the directory is not writable, holds another survey (other dataset,
/// activation or regularisation) or other files that are not a lossland survey.
void prepare_directory(const SurveyOptions& options);

/// Runs (or resumes) the landscapes whose index i in the N_h x lambda grid (row-major, larger
/// N_h first within the shared order) satisfies i % ranks == rank. Returns their summaries.
/// `should_stop` is polled between stages (Ctrl-C); a stopped landscape keeps what it saved.
std::vector<LandscapeSummary> run_landscapes(const SurveyOptions& options, int rank, int ranks,
                                             const ProgressCallback& progress = {},
                                             const std::function<bool()>& should_stop = {});

/// Reads every landscape database of the survey and summarises it (rank 0 after the others).
std::vector<LandscapeSummary> summarize(const SurveyOptions& options);

/// Writes summary.csv and summary.md into the survey directory.
void write_summary(const SurveyOptions& options, const std::vector<LandscapeSummary>& rows,
                   double total_seconds);

/// The disconnectivity tree as the paper draws it: the all-zero minimum not drawn (it
/// stretches the scale, Mehta et al. 2018, Sec. IV A) but still joining the others through its
/// transition states (N_h = 1, where every transition state touches it, stays one tree), unless
/// it is the only minimum; default window and levels (DisconnectivityOptions).
graph::DisconnectivityTree paper_style_tree(const db::Landscape& land);

/// Writes one interactive page per landscape beside its database (STEM.html, `lossland view`
/// with the paper's tree options: the all-zero minimum hidden) and index.html linking them, on
/// `threads` threads. The databases are only read. Returns the paths, index.html first.
std::vector<std::string> write_view_pages(const SurveyOptions& options,
                                          const std::vector<LandscapeSummary>& rows);

/// Draws the survey's figures into the directory: counts against N_h for each lambda, the
/// global minimum against lambda, and the disconnectivity-graph panels of the paper's Fig. 1
/// (smallest lambda, every N_h; bad minima coloured by AUC) and Figs. 2-6 (largest N_h, every
/// lambda), plus one figure per lambda of Figs. 2-6 with insets (STEM_insets.png, see
/// paper_figures.hpp). Returns the paths.
std::vector<std::string> draw_figures(const SurveyOptions& options,
                                      const std::vector<LandscapeSummary>& rows);

}  // namespace lossland::survey
