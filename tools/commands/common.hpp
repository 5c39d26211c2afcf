#pragma once
/// \file
/// Helpers shared by the subcommands: opening databases, terminal detection, stop signals.

#include <atomic>
#include <string>

#include <CLI/CLI.hpp>

#include "lossland/db/database.hpp"

namespace lossland::cli {

/// True when stderr is a terminal (progress lines are shown only then).
bool stderr_is_terminal();

/// Installs SIGINT/SIGTERM handlers that set stop_requested(), so long runs save and exit
/// cleanly on Ctrl-C.
void install_stop_handlers();
bool stop_requested();

/// Reads the database at `path`, or throws db::DatabaseError with a message for the user.
db::Landscape open_landscape(const std::string& path);

/// The model flags shared by `bh` and `survey`: --dataset, --activation, --regularize.
void add_model_options(CLI::App* command, std::string& dataset, std::string& activation,
                       std::string& regularize);

/// --save-interval SECONDS, shared by the long-running commands.
void add_save_interval_option(CLI::App* command, double& seconds);

/// Formats a double for tables: %.*g with `digits` significant digits.
std::string fmt_g(double v, int digits = 10);

}  // namespace lossland::cli
