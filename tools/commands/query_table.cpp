#include "commands/query_table.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "commands/common.hpp"
#include "commands/selection.hpp"
#include "lossland/db/database.hpp"

namespace lossland::cli {

bool Table::has(const std::string& f) const {
  return std::find(fields.begin(), fields.end(), f) != fields.end();
}

void Table::require(const std::string& f, const std::string& what) const {
  if (has(f)) return;
  std::string list;
  for (const auto& x : fields) list += (list.empty() ? "" : ", ") + x;
  throw std::invalid_argument(what + ": no field '" + f + "'; the fields are: " + list);
}

namespace {
bool whole(double v) {
  return std::isfinite(v) && v == std::round(v) && std::abs(v) < 9.0e15;
}
}  // namespace

nlohmann::json Table::json(std::size_t r, const std::string& f) const {
  const double v = value(r, f);
  if (!std::isfinite(v)) return nullptr;
  if (integers.count(f) && whole(v)) return static_cast<std::int64_t>(v);
  return v;
}

std::string Table::text(std::size_t r, const std::string& f) const {
  const double v = value(r, f);
  if (std::isnan(v)) return "-";
  if (std::isinf(v) && v > 0 && f == "barrier") return "none";
  if (integers.count(f) && whole(v)) return std::to_string(static_cast<long long>(v));
  return fmt_g(v, 6);
}

std::string Table::csv(std::size_t r, const std::string& f) const {
  const double v = value(r, f);
  if (integers.count(f) && whole(v)) return std::to_string(static_cast<long long>(v));
  return fmt_g(v, 17);
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string tok;
  while (std::getline(ss, tok, ','))
    if (!tok.empty()) out.push_back(tok);
  return out;
}

bool is_count_column(const std::string& name) {
  return db::is_integer_column(name);  // the one list: the file's schema (src/db/schema.cpp)
}

std::vector<std::size_t> select_rows(const Table& t, const ListOptions& a) {
  std::vector<Condition> conds;
  for (const auto& w : a.where) conds.push_back(parse_condition(w, t.fields, "--where"));
  t.require(a.sort, "--sort");
  if (a.limit < 0) throw std::invalid_argument("--limit must be >= 0 (0: all rows)");
  std::vector<std::size_t> order;
  for (std::size_t r = 0; r < t.rows; ++r) {
    const double e = t.value(r, "energy");
    if (e < a.emin || e > a.emax) continue;
    bool ok = true;
    for (const auto& c : conds) ok = ok && c.holds(t.value(r, c.field));
    if (ok) order.push_back(r);
  }
  // The sort key of each kept row, looked up once (not once per comparison).
  std::vector<double> key(t.rows);
  for (std::size_t r : order) key[r] = t.value(r, a.sort);
  // NaN (no value) sorts last in either direction, keeping the order a strict weak ordering.
  auto before = [&](std::size_t x, std::size_t y) {
    const double vx = key[x], vy = key[y];
    if (std::isnan(vx) || std::isnan(vy)) return !std::isnan(vx) && std::isnan(vy);
    return a.descending ? vx > vy : vx < vy;
  };
  if (a.limit > 0 && order.size() > static_cast<std::size_t>(a.limit)) {
    // The first `limit` rows of the stable sort: ties broken by position, as stable_sort does.
    auto stable = [&](std::size_t x, std::size_t y) {
      return before(x, y) || (!before(y, x) && x < y);
    };
    std::partial_sort(order.begin(), order.begin() + a.limit, order.end(), stable);
    order.resize(a.limit);
    return order;
  }
  std::stable_sort(order.begin(), order.end(), before);
  return order;
}

std::vector<std::string> extra_columns(const Table& t, const ListOptions& o,
                                       const std::vector<std::string>& shown) {
  std::vector<std::string> named = split_commas(o.columns);
  for (const auto& n : named) t.require(n, "--columns");
  for (const auto& w : o.where) named.push_back(parse_condition(w, t.fields, "--where").field);
  named.push_back(o.sort);
  std::vector<std::string> out;
  for (const auto& n : named)
    if (std::find(shown.begin(), shown.end(), n) == shown.end() &&
        std::find(out.begin(), out.end(), n) == out.end())
      out.push_back(n);
  return out;
}

}  // namespace lossland::cli
