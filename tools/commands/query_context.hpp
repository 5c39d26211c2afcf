#pragma once
/// \file
/// What every `lossland query` subcommand shares: its arguments, the database it has read with
/// the network built on it, and the small look-ups several subcommands make (symmetry classes,
/// row-id checks, numbers as JSON).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands/query_table.hpp"
#include "lossland/db/database.hpp"
#include "lossland/graph/network.hpp"

namespace lossland::cli {

/// The arguments of `lossland query DB SUBCOMMAND ...`.
struct QueryArgs {
  std::string db;         ///< the database file
  bool json = false;      ///< JSON for programs (not with csv)
  bool csv = false;       ///< CSV, full precision (minima, ts; not with json)
  ListOptions list;       ///< minima / ts: which rows, in which order, which extra columns
  std::string kind;       ///< show: "min", "minimum" or "ts"
  std::int64_t id = -1;   ///< show: the row id; path: the first minimum. Range >= 0
  std::int64_t id2 = -1;  ///< path: the second minimum. Range >= 0
};

/// The database read (one without minima is an error: there is nothing to ask about), its
/// transition network, connected sets and, where asked, each minimum's escape barrier.
struct Context {
  std::string path;
  db::Landscape land;
  graph::TransitionNetwork net;
  graph::Components comps;
  std::vector<graph::EscapeBarrier> escape;
  /// Reads what `parts` names (coordinates and spectra only where a command shows them);
  /// escape barriers only where asked (`with_escape`; empty otherwise).
  Context(const std::string& path, const db::ReadParts& parts, bool with_escape = true);
};

/// Reads the minima's energies and coordinates only: no spectra, no paths.
inline const db::ReadParts kNoSpectra{false, db::ReadParts::Spectrum::None, false};
/// The same plus each point's lowest Hessian eigenvalue (for the tables).
inline const db::ReadParts kLowestEigenvalue{false, db::ReadParts::Spectrum::Lowest, false};

/// Dataset-symmetry classes of the minima: class[i] is the lowest row equivalent to row i, so
/// row i is the first of its class exactly when class[i] == i. Only minima that share an energy
/// window with another are ever aligned, so only their coordinates are read (from the file when
/// the context was read without coordinates).
std::vector<int> symmetry_classes(const Context& ctx);

/// The number of classes in `classes` (the rows i with classes[i] == i).
std::size_t count_classes(const std::vector<int>& classes);

/// Throws std::invalid_argument "WHAT ID does not exist: the database has COUNT (ids 0..N-1)"
/// unless 0 <= id < count.
void check_id(std::int64_t id, std::size_t count, const char* what);

/// Numeric field as JSON: NaN becomes null, any other value a JSON number (a double; count
/// columns become integers in column_json, not here).
nlohmann::json jnum(double v);

/// One value of stored column `name` as JSON: an integer for a count or flag column
/// (is_count_column), else as jnum.
nlohmann::json column_json(const std::string& name, double v);

/// The subcommands, each printing to stdout in the format `a` asks for (query_columns.cpp,
/// query_show.cpp).
void query_minima(const QueryArgs& a);
void query_ts(const QueryArgs& a);
void query_stats(const QueryArgs& a);
void query_show(const QueryArgs& a);
void query_path(const QueryArgs& a);

}  // namespace lossland::cli
