#pragma once
/// \file
/// The one writer of `lossland query` listings: a listing is a list of column descriptors (name,
/// heading, format, integer or float, where it is shown, how to get the value) over rows, and
/// write_listing prints it as a table for people, as CSV or as JSON. A new column is one more
/// descriptor. The same for the key-value reports (`query stats`): a list of entries, each
/// printed as one labelled line and one JSON entry.

#include <Eigen/Core>
#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands/query_table.hpp"

namespace lossland::cli {

/// The outputs a column appears in (a bit set).
enum ShownIn : unsigned {
  kInTable = 1u,                         ///< the table for people
  kInCsv = 2u,                           ///< CSV
  kInJson = 4u,                          ///< JSON
  kInAll = kInTable | kInCsv | kInJson,  ///< all three
  kInCsvJson = kInCsv | kInJson,         ///< CSV and JSON, not the table
};

/// One column of a listing.
struct QueryColumn {
  std::string name;    ///< field name for --sort/--where/--columns; the CSV heading
  std::string header;  ///< heading in the table (defaults to name where empty)
  int width = 12;      ///< width of the table column, right-aligned; range >= 1
  /// printf conversion of a float value in the table (e.g. "%.15g"); empty: %.6g as fmt writes
  /// it (fmt_g).
  std::string text_format;
  std::string csv_format = "%.17g";  ///< printf conversion of a float value in CSV
  bool integer = false;              ///< an id, count or flag: %lld in text and CSV, a JSON integer
  unsigned shown = kInAll;           ///< ShownIn bits: where the column is printed
  std::string json_key;              ///< key in JSON; empty: name
  std::string none;  ///< table text for a value that is not finite; empty: as the format writes it
  std::function<double(std::size_t)> value;  ///< the value in row r (NaN: none)
};

/// The output format of a listing or report.
enum class QueryFormat { Table, Csv, Json };

/// The format that --json / --csv ask for (Table without either).
QueryFormat format_of(bool json, bool csv);

/// A listing: columns over rows, the stored 1-D columns as further fields, and the few lines
/// around the rows.
struct QueryListing {
  std::size_t rows = 0;              ///< the number of rows
  std::vector<QueryColumn> columns;  ///< the listing's own fields, in the order printed
  /// Stored per-point columns (/minima or /transition_states): each 1-D one is a field after
  /// `columns`, printed where --columns, --where or --sort name it. Null: none.
  const std::map<std::string, Eigen::MatrixXd>* stored = nullptr;
  std::string title;       ///< the table's first line (without the newline)
  std::string empty_note;  ///< printed in place of the heading when there are no rows; "": none
  std::string json_rows;   ///< key of the JSON array of rows ("minima", ...)
  nlohmann::json json_head = nlohmann::json::object();  ///< the other JSON entries ("shown" added)
  /// JSON-only entries of row r (after the columns, before the extra columns); null: none.
  std::function<void(std::size_t, nlohmann::json&)> json_row;
};

/// The rows of `l` that `o` selects, in its order, printed in format `f` to stdout: the table
/// (title, heading, one line per row), CSV (heading line, full precision) or one JSON object.
/// Fields that --columns, --where and --sort name are printed after the listing's own columns,
/// each once and none that the output already has under its name. Throws std::invalid_argument
/// (before printing anything) for an unknown field or a negative --limit.
void write_listing(const QueryListing& l, const ListOptions& o, QueryFormat f);

/// One entry of a key-value report.
struct ReportEntry {
  std::string key;                       ///< JSON key; "": not in JSON
  std::string label;                     ///< label of the text line; "": not in the text
  std::function<nlohmann::json()> json;  ///< the JSON value
  std::function<std::string()> text;     ///< the text after the label; "": the line is left out
};

/// Prints `entries` as one JSON object (QueryFormat::Json) or as lines "LABEL TEXT" with the label
/// padded to `label_width` characters.
void write_entries(const std::vector<ReportEntry>& entries, QueryFormat f, int label_width);

/// printf of one double, as a std::string.
std::string printf_double(const std::string& format, double v);

}  // namespace lossland::cli
