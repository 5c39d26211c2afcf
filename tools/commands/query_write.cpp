#include "commands/query_write.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "commands/common.hpp"

namespace lossland::cli {
namespace {

double stored_value(const std::map<std::string, Eigen::MatrixXd>& cols, const std::string& name,
                    std::size_t row) {
  const auto& m = cols.at(name);
  return row < static_cast<std::size_t>(m.rows()) ? m(row, 0) : std::nan("");
}

std::string key_of(const QueryColumn& c) {
  return c.json_key.empty() ? c.name : c.json_key;
}

/// The generic table of a listing: its columns' fields, then each stored 1-D column (counts and
/// flags as integers).
Table table_of(const QueryListing& l) {
  Table t;
  t.rows = l.rows;
  for (const QueryColumn& c : l.columns) {
    t.fields.push_back(c.name);
    if (c.integer) t.integers.insert(c.name);
  }
  if (l.stored)
    for (const auto& [k, v] : *l.stored)
      if (v.cols() == 1) {
        t.fields.push_back(k);
        if (is_count_column(k)) t.integers.insert(k);
      }
  t.value = [&l](std::size_t r, const std::string& f) -> double {
    for (const QueryColumn& c : l.columns)
      if (c.name == f) return c.value(r);
    return stored_value(*l.stored, f, r);
  };
  return t;
}

/// `sep`, then `s` right-aligned in `width` characters (as printf's "%*s").
std::string padded(const char* sep, const std::string& s, int width) {
  const std::size_t w = static_cast<std::size_t>(std::max(width, 0));
  return sep + std::string(w > s.size() ? w - s.size() : 0, ' ') + s;
}

std::string integer_text(double v) {
  return std::to_string(static_cast<long long>(v));
}

/// QueryColumn `c` of row r in the table, unpadded.
std::string text_cell(const QueryColumn& c, std::size_t r) {
  const double v = c.value(r);
  if (!std::isfinite(v) && !c.none.empty()) return c.none;
  if (c.integer) return integer_text(v);
  return c.text_format.empty() ? fmt_g(v, 6) : printf_double(c.text_format, v);
}

std::string csv_cell(const QueryColumn& c, std::size_t r) {
  const double v = c.value(r);
  return c.integer ? integer_text(v) : printf_double(c.csv_format, v);
}

/// The names an output already carries: its columns' names (JSON: their keys).
std::vector<std::string> names_in(const QueryListing& l, QueryFormat f) {
  const unsigned bit = f == QueryFormat::Json ? kInJson : f == QueryFormat::Csv ? kInCsv : kInTable;
  std::vector<std::string> out;
  for (const QueryColumn& c : l.columns)
    if (c.shown & bit) out.push_back(f == QueryFormat::Json ? key_of(c) : c.name);
  return out;
}

void write_json(const QueryListing& l, const Table& t, const std::vector<std::size_t>& order,
                const std::vector<std::string>& extra) {
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i : order) {
    nlohmann::json r = nlohmann::json::object();
    for (const QueryColumn& c : l.columns)
      if (c.shown & kInJson) r[key_of(c)] = t.json(i, c.name);
    if (l.json_row) l.json_row(i, r);
    for (const auto& c : extra) r[c] = t.json(i, c);
    rows.push_back(r);
  }
  nlohmann::json j = l.json_head;
  j["shown"] = order.size();
  j[l.json_rows] = rows;
  std::cout << j.dump(2) << "\n";
}

void write_csv(const QueryListing& l, const Table& t, const std::vector<std::size_t>& order,
               const std::vector<std::string>& extra) {
  std::string head;
  for (const QueryColumn& c : l.columns)
    if (c.shown & kInCsv) head += (head.empty() ? "" : ",") + c.name;
  for (const auto& c : extra) head += "," + c;
  std::printf("%s\n", head.c_str());
  for (std::size_t i : order) {
    std::string line;
    for (const QueryColumn& c : l.columns)
      if (c.shown & kInCsv) line += (line.empty() ? "" : ",") + csv_cell(c, i);
    for (const auto& c : extra) line += "," + t.csv(i, c);
    std::printf("%s\n", line.c_str());
  }
}

void write_table(const QueryListing& l, const Table& t, const std::vector<std::size_t>& order,
                 const std::vector<std::string>& extra) {
  std::printf("%s\n", l.title.c_str());
  if (l.rows == 0 && !l.empty_note.empty()) {
    std::printf("%s\n", l.empty_note.c_str());
    return;
  }
  std::string head;
  for (const QueryColumn& c : l.columns)
    if (c.shown & kInTable)
      head += padded(head.empty() ? "" : "  ", c.header.empty() ? c.name : c.header, c.width);
  for (const auto& c : extra) head += padded("  ", c, 12);
  std::printf("%s\n", head.c_str());
  for (std::size_t i : order) {
    std::string line;
    bool first = true;
    for (const QueryColumn& c : l.columns)
      if (c.shown & kInTable) {
        line += padded(first ? "" : "  ", text_cell(c, i), c.width);
        first = false;
      }
    for (const auto& c : extra) line += padded("  ", t.text(i, c), 12);
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace

std::string printf_double(const std::string& format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format.c_str(), v);
  return buf;
}

QueryFormat format_of(bool json, bool csv) {
  if (json && csv) throw std::invalid_argument("give --json or --csv, not both");
  return json ? QueryFormat::Json : csv ? QueryFormat::Csv : QueryFormat::Table;
}

void write_listing(const QueryListing& l, const ListOptions& o, QueryFormat f) {
  const Table t = table_of(l);
  const std::vector<std::size_t> order = select_rows(t, o);
  const std::vector<std::string> extra = extra_columns(t, o, names_in(l, f));
  switch (f) {
    case QueryFormat::Json:
      write_json(l, t, order, extra);
      break;
    case QueryFormat::Csv:
      write_csv(l, t, order, extra);
      break;
    case QueryFormat::Table:
      write_table(l, t, order, extra);
      break;
  }
}

void write_entries(const std::vector<ReportEntry>& entries, QueryFormat f, int label_width) {
  if (f == QueryFormat::Json) {
    nlohmann::json j = nlohmann::json::object();
    for (const ReportEntry& e : entries)
      if (!e.key.empty()) j[e.key] = e.json();
    std::cout << j.dump(2) << "\n";
    return;
  }
  for (const ReportEntry& e : entries) {
    if (e.label.empty()) continue;
    const std::string text = e.text();
    if (!text.empty()) std::printf("%-*s%s\n", label_width, e.label.c_str(), text.c_str());
  }
}

}  // namespace lossland::cli
