#pragma once
/// \file
/// The generic part of `lossland query minima|ts`: a table of points with named numeric fields,
/// the rows --where/--emin/--emax/--sort/--limit select, the extra columns a listing shows, and
/// each field's value written for people (text) or programs (JSON).

#include <cstddef>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace lossland::cli {

/// The selection options of a listing.
struct ListOptions {
  std::string sort = "energy";  ///< field to sort by
  bool descending = false;      ///< sort descending
  int limit = 0;                ///< at most this many rows; 0: all. Range >= 0
  double emin = -std::numeric_limits<double>::infinity();  ///< only energy >= emin
  double emax = std::numeric_limits<double>::infinity();   ///< only energy <= emax
  std::vector<std::string> where;                          ///< "FIELD OP VALUE", all must hold
  std::string columns;  ///< --columns: extra fields, comma-separated
};

/// A list of points with named numeric fields, to filter, sort and print generically.
struct Table {
  std::size_t rows = 0;
  std::vector<std::string> fields;  ///< every field a filter or sort may name
  std::set<std::string> integers;   ///< fields that are ids, counts or flags (shown as integers)
  std::function<double(std::size_t, const std::string&)> value;
  bool has(const std::string& f) const;
  /// Throws std::invalid_argument "WHAT: no field 'F'; the fields are: ..." unless `f` is one.
  void require(const std::string& f, const std::string& what) const;
  /// The value of field `f` in row `r` for JSON: null for NaN or an infinity (JSON has neither:
  /// an escape barrier of +inf is "none"), an integer for an integer field, else the double.
  nlohmann::json json(std::size_t r, const std::string& f) const;
  /// The value for a table: "-" for NaN, "none" for an infinite escape barrier, an integer
  /// field as an integer, else %.6g.
  std::string text(std::size_t r, const std::string& f) const;
  /// The value for CSV: an integer field as an integer, else %.17g (round-trips; inf, nan).
  std::string csv(std::size_t r, const std::string& f) const;
};

/// Splits "a,b,,c" into {"a", "b", "c"}.
std::vector<std::string> split_commas(const std::string& s);

/// True for the stored /minima or /transition_states columns that hold counts, 0/1 flags or
/// row indices (db::is_integer_column: horder, nonzero_weights, connected_hidden, the ei_*
/// counts, ...): files of format_version 1 keep most of them as float64, and they are shown as
/// integers all the same.
bool is_count_column(const std::string& name);

/// The rows that pass --emin/--emax and every --where, in --sort order (NaN last either way;
/// ties keep row order), at most --limit of them. Throws std::invalid_argument for an unknown
/// field or a negative --limit.
std::vector<std::size_t> select_rows(const Table& t, const ListOptions& o);

/// The extra columns a listing prints after `shown` (the fields it always prints): those of
/// --columns, then the fields that --where and --sort name (so `--where 'auc<1'` shows auc), in
/// that order, each once and none of `shown`. Throws std::invalid_argument for an unknown one.
std::vector<std::string> extra_columns(const Table& t, const ListOptions& o,
                                       const std::vector<std::string>& shown);

}  // namespace lossland::cli
