#pragma once
/// \file
/// Helpers shared by the subcommands: opening databases, terminal detection, stop signals.

#include <atomic>
#include <string>

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

/// Formats a double for tables: %.*g with `digits` significant digits.
std::string fmt_g(double v, int digits = 10);

}  // namespace lossland::cli
