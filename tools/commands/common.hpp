#pragma once
/// \file
/// Helpers shared by the subcommands: opening databases, terminal detection, stop signals.

#include <atomic>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "lossland/db/database.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "lossland/model/dataset.hpp"
#include "lossland/model/model_for.hpp"

namespace lossland::cli {

/// True when stderr is a terminal (progress lines are shown only then).
bool stderr_is_terminal();

/// Installs SIGINT/SIGTERM handlers that set stop_requested(), so long runs save and exit
/// cleanly on Ctrl-C.
void install_stop_handlers();
bool stop_requested();
/// Forgets a stop request, so that the next run in the same process (the Python module runs
/// commands in-process) starts afresh.
void clear_stop_request();

/// Reads the database at `path`, or throws db::DatabaseError with a message for the user.
db::Landscape open_landscape(const std::string& path);

/// Reads what the harmonic model (thermo, kinetics) needs: energies, spectra, connections and
/// columns; coordinates only when some point lacks a stored symmetry order (horder), which
/// is then computed from them.
db::Landscape open_harmonic_landscape(const std::string& path);

/// The model flags shared by `bh` and `survey`: --dataset, --activation, --regularize.
void add_model_options(CLI::App* command, std::string& dataset, std::string& activation,
                       std::string& regularize);

/// The model that --hidden, --lambda, --activation and --regularize name on `data`: layers
/// {inputs, hidden, classes}, validated (lambda as --lambda: finite, >= 0; then
/// ModelSpec::validate()). Throws std::invalid_argument naming the flag.
ModelSpec model_from_flags(const Dataset& data, int hidden, double lambda,
                           const std::string& activation, const std::string& regularize);

/// --save-interval SECONDS, shared by the long-running commands (finite, > 0).
void add_save_interval_option(CLI::App* command, double& seconds);

/// --seed N, an unsigned 64-bit value: a sign ("-1") is refused rather than wrapped to 2^64-1.
void add_seed_option(CLI::App* command, std::uint64_t& seed, const std::string& help);

/// The tree flags shared by `dgraph` and `view`: --levels, --spacing, --level-spacing,
/// --log-offset, --top, --emax and --no-zero. --level-spacing (auto, linear, log) and --top
/// (join, highest) are read into the strings; apply_tree_flags() sets them in `tree`.
void add_tree_options(CLI::App* command, graph::DisconnectivityOptions& tree,
                      std::string& level_spacing, std::string& top);
void apply_tree_flags(graph::DisconnectivityOptions& tree, const std::string& level_spacing,
                      const std::string& top);

/// Formats a double for tables: %.*g with `digits` significant digits.
std::string fmt_g(double v, int digits = 10);

}  // namespace lossland::cli
