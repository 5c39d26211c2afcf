#include "commands/selection.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "lossland/graph/disconnectivity.hpp"

namespace lossland::cli {

bool Condition::holds(double v) const {
  if (op == "<") return v < value;
  if (op == "<=") return v <= value;
  if (op == ">") return v > value;
  if (op == ">=") return v >= value;
  if (op == "==") return v == value;
  return v != value;
}

Condition parse_condition(const std::string& s, const std::vector<std::string>& fields,
                          const std::string& flag) {
  for (const char* op : {"<=", ">=", "==", "!=", "<", ">"}) {
    const auto pos = s.find(op);
    if (pos == std::string::npos) continue;
    Condition c{s.substr(0, pos), op, 0};
    const std::string rhs = s.substr(pos + std::string(op).size());
    std::size_t used = 0;
    try {
      c.value = std::stod(rhs, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (rhs.empty() || used != rhs.size())
      throw std::invalid_argument(flag + " '" + s + "': '" + rhs + "' is not a number");
    if (std::find(fields.begin(), fields.end(), c.field) == fields.end()) {
      std::string list;
      for (const auto& x : fields) list += (list.empty() ? "" : ", ") + x;
      throw std::invalid_argument(flag + " '" + s + "': no field '" + c.field +
                                  "'; the fields are: " + list);
    }
    return c;
  }
  throw std::invalid_argument(flag + " '" + s +
                              "': expected FIELD OP VALUE with OP one of < <= > >= == != "
                              "(e.g. " +
                              flag + " 'energy<0.01')");
}

std::vector<std::int64_t> select_minima(const db::Landscape& land, const std::string& spec,
                                        const std::string& flag) {
  const auto M = static_cast<std::int64_t>(land.minima.size());
  if (M == 0) throw std::invalid_argument("the database holds no minima: run lossland bh first");
  std::vector<std::string> fields{"id", "energy"};
  for (const auto& [k, v] : land.minima_columns)
    if (v.cols() == 1) fields.push_back(k);
  std::vector<std::int64_t> ids;
  std::stringstream ss(spec);
  std::string item;
  bool any = false;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    any = true;
    if (item == "global") {
      std::int64_t g = 0;
      for (std::int64_t i = 1; i < M; ++i)
        if (land.minima[i].energy < land.minima[g].energy) g = i;
      ids.push_back(g);
      continue;
    }
    if (item == "zero") {
      bool found = false;
      for (std::int64_t i = 0; i < M; ++i)
        if (graph::is_all_zero(land.minima[i].coords, 1e-6)) {
          ids.push_back(i);
          found = true;
        }
      if (!found)
        throw std::invalid_argument(flag + " zero: the database holds no all-zero minimum");
      continue;
    }
    if (std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const long long v = std::stoll(item);
      if (v >= M)
        throw std::invalid_argument(flag + ": minimum " + item +
                                    " does not exist (the database has " + std::to_string(M) +
                                    " minima, ids 0.." + std::to_string(M - 1) + ")");
      ids.push_back(v);
      continue;
    }
    if (item.find_first_of("<>=!") == std::string::npos)
      throw std::invalid_argument(flag + " '" + item +
                                  "': give minimum ids, global, zero or a condition such as "
                                  "auc<1 or energy<=0.05, separated by commas");
    const Condition c = parse_condition(item, fields, flag);
    for (std::int64_t i = 0; i < M; ++i) {
      double v;
      if (c.field == "id")
        v = static_cast<double>(i);
      else if (c.field == "energy")
        v = land.minima[i].energy;
      else
        v = land.minima_columns.at(c.field)(i, 0);
      if (c.holds(v)) ids.push_back(i);
    }
  }
  if (!any) throw std::invalid_argument(flag + " is empty: name at least one minimum");
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace lossland::cli
