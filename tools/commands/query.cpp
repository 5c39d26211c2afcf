/// `lossland query DB minima|ts|show|path|stats`: tables for people, JSON and CSV for programs.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "commands/completeness_report.hpp"
#include "commands/query_table.hpp"
#include "commands/selection.hpp"
#include "lossland/graph/network.hpp"
#include "lossland/model/symmetry.hpp"

namespace lossland::cli {
namespace {

struct QueryArgs {
  std::string db;
  bool json = false;
  bool csv = false;
  ListOptions list;  ///< minima / ts: which rows, in which order, which extra columns
  // show / path
  std::string kind;
  std::int64_t id = -1, id2 = -1;
};

double column_value(const std::map<std::string, Eigen::MatrixXd>& cols, const std::string& name,
                    std::size_t row) {
  const auto& m = cols.at(name);
  return row < static_cast<std::size_t>(m.rows()) ? m(row, 0) : std::nan("");
}

/// Adds every 1-D stored column to the table's fields (counts and flags as integers).
void add_stored_fields(Table& t, const std::map<std::string, Eigen::MatrixXd>& cols) {
  for (const auto& [k, v] : cols)
    if (v.cols() == 1) {
      t.fields.push_back(k);
      if (is_count_column(k)) t.integers.insert(k);
    }
}

/// Numeric field as JSON: NaN becomes null, any other value a JSON number (a double; count
/// columns become integers in column_json, not here).
nlohmann::json jnum(double v) {
  if (std::isnan(v)) return nullptr;
  return v;
}

/// One value of stored column `name` as JSON: an integer for a count or flag column
/// (is_count_column), else as jnum.
nlohmann::json column_json(const std::string& name, double v) {
  if (is_count_column(name) && std::isfinite(v) && v == std::round(v))
    return static_cast<std::int64_t>(v);
  return jnum(v);
}

/// Reads the database; one without minima is an error (there is nothing to ask about).
db::Landscape open_nonempty(const std::string& path, const db::ReadParts& parts) {
  db::Landscape land = db::read(path, parts);
  if (land.minima.empty())
    throw std::invalid_argument("'" + path + "' holds no minima yet: run lossland bh " + path +
                                " first");
  return land;
}

struct Context {
  std::string path;
  db::Landscape land;
  graph::TransitionNetwork net;
  graph::Components comps;
  std::vector<graph::EscapeBarrier> escape;
  /// Reads what `parts` names (coordinates and spectra only where a command shows them);
  /// escape barriers only where asked (`with_escape`; empty otherwise).
  Context(const std::string& path, const db::ReadParts& parts, bool with_escape = true)
      : path(path),
        land(open_nonempty(path, parts)),
        net(land),
        comps(net.components()),
        escape(with_escape ? net.escape_barriers() : std::vector<graph::EscapeBarrier>{}) {}
};

/// Escape barrier as a number for tables: +inf where the minimum has no lower minimum to reach.
double barrier_of(const Context& ctx, std::size_t i) {
  return ctx.escape[i].barrier;
}

/// "none" where there is no escape, else the number with `digits` significant digits.
std::string barrier_text(double b, int digits = 6) {
  return std::isfinite(b) ? fmt_g(b, digits) : "none";
}

/// Reads the minima's energies and coordinates only: no spectra, no paths.
const db::ReadParts kNoSpectra{false, db::ReadParts::Spectrum::None, false};
/// The same plus each point's lowest Hessian eigenvalue (for the tables).
const db::ReadParts kLowestEigenvalue{false, db::ReadParts::Spectrum::Lowest, false};

/// Dataset-symmetry classes of the minima. Only minima that share an energy window with another
/// are ever aligned, so only their coordinates are read (from the file when the context was
/// read without coordinates).
std::vector<int> symmetry_classes(const Context& ctx) {
  const db::Landscape& land = ctx.land;
  std::vector<double> energies;
  for (const auto& m : land.minima) energies.push_back(m.energy);
  const std::vector<std::size_t> rows = energy_neighbours(energies);
  std::vector<Eigen::VectorXd> fetched;
  if (!rows.empty() && land.minima.front().coords.size() == 0)
    fetched = db::read_coords(ctx.path, db::PointTable::Minima, rows);
  const PointSource point = [&](std::size_t i) -> const Eigen::VectorXd& {
    if (fetched.empty()) return land.minima[i].coords;
    const auto at = std::lower_bound(rows.begin(), rows.end(), i);
    return fetched[static_cast<std::size_t>(at - rows.begin())];
  };
  return dataset_symmetry_classes(land.model, land.dataset, energies, point);
}

// ---- minima ----------------------------------------------------------------------------

void query_minima(const QueryArgs& a) {
  const Context ctx(a.db, kLowestEigenvalue);
  const db::Landscape& land = ctx.land;
  const std::vector<int> cls = symmetry_classes(ctx);
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < cls.size(); ++i) distinct += cls[i] == static_cast<int>(i);

  Table t;
  t.rows = land.minima.size();
  t.fields = {"id",    "energy",    "grad_rms", "min_eigenvalue",
              "class", "component", "degree",   "barrier"};
  t.integers = {"id", "class", "component", "degree"};
  add_stored_fields(t, land.minima_columns);
  std::vector<std::size_t> degree(t.rows, 0);
  for (const auto& ts : land.transition_states) {
    ++degree[ts.min1];
    if (ts.min2 != ts.min1) ++degree[ts.min2];
  }
  t.value = [&](std::size_t r, const std::string& f) -> double {
    const auto& m = land.minima[r];
    if (f == "id") return static_cast<double>(r);
    if (f == "energy") return m.energy;
    if (f == "grad_rms") return m.grad_rms;
    if (f == "min_eigenvalue") return m.eigenvalues.size() ? m.eigenvalues[0] : 0.0;
    if (f == "class") return cls[r];
    if (f == "component") return ctx.comps.of_minimum[r];
    if (f == "degree") return static_cast<double>(degree[r]);
    if (f == "barrier") return barrier_of(ctx, r);
    return column_value(land.minima_columns, f, r);
  };
  const std::vector<std::size_t> order = select_rows(t, a.list);
  // CSV carries every field above, JSON all but class (as dataset_symmetry_class), the table
  // for people a narrower set; the extra columns are the others named.
  const std::vector<std::string> extra_csv =
      extra_columns(t, a.list, {t.fields.begin(), t.fields.begin() + 8});
  const std::vector<std::string> extra_json = extra_columns(
      t, a.list, {"id", "energy", "grad_rms", "min_eigenvalue", "component", "degree", "barrier"});
  const std::vector<std::string> extra_text =
      extra_columns(t, a.list, {"id", "energy", "grad_rms", "min_eigenvalue", "class", "barrier"});

  if (a.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i : order) {
      const auto& m = land.minima[i];
      nlohmann::json r = {{"id", i},
                          {"energy", m.energy},
                          {"grad_rms", m.grad_rms},
                          {"min_eigenvalue", m.eigenvalues.size() ? m.eigenvalues[0] : 0.0},
                          {"dataset_symmetry_class", cls[i]},
                          {"component", ctx.comps.of_minimum[i]},
                          {"degree", degree[i]},
                          {"barrier", jnum(barrier_of(ctx, i))}};
      if (ctx.escape[i].escapes()) {
        r["escape_ts"] = ctx.escape[i].transition_state;
        r["escape_to"] = ctx.escape[i].lower_minimum;
      }
      for (const auto& c : extra_json) r[c] = t.json(i, c);
      rows.push_back(r);
    }
    nlohmann::json j = {{"database", a.db},
                        {"count", land.minima.size()},
                        {"count_up_to_dataset_symmetry", distinct},
                        {"shown", order.size()},
                        {"minima", rows}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  if (a.csv) {
    std::printf("id,energy,grad_rms,min_eigenvalue,class,component,degree,barrier");
    for (const auto& c : extra_csv) std::printf(",%s", c.c_str());
    std::printf("\n");
    for (std::size_t i : order) {
      std::printf("%zu,%.17g,%.6e,%.17g,%d,%d,%zu,%.17g", i, land.minima[i].energy,
                  land.minima[i].grad_rms, t.value(i, "min_eigenvalue"), cls[i],
                  ctx.comps.of_minimum[i], degree[i], barrier_of(ctx, i));
      for (const auto& c : extra_csv) std::printf(",%s", t.csv(i, c).c_str());
      std::printf("\n");
    }
    return;
  }
  std::printf("%s: %zu minima up to the network's symmetries; %zu up to the dataset's too\n",
              a.db.c_str(), land.minima.size(), distinct);
  std::printf("%6s  %22s  %11s  %13s  %6s  %12s", "id", "energy", "grad_rms", "min_eigval", "class",
              "barrier");
  for (const auto& c : extra_text) std::printf("  %12s", c.c_str());
  std::printf("\n");
  for (std::size_t i : order) {
    const auto& m = land.minima[i];
    std::printf("%6zu  %22.15g  %11.3e  %13.6e  %6d  %12s", i, m.energy, m.grad_rms,
                m.eigenvalues.size() ? m.eigenvalues[0] : 0.0, cls[i],
                barrier_text(barrier_of(ctx, i)).c_str());
    for (const auto& c : extra_text) std::printf("  %12s", t.text(i, c).c_str());
    std::printf("\n");
  }
}

// ---- transition states -----------------------------------------------------------------

void query_ts(const QueryArgs& a) {
  const Context ctx(a.db, kLowestEigenvalue);
  const db::Landscape& land = ctx.land;
  Table t;
  t.rows = land.transition_states.size();
  t.fields = {"id", "energy", "grad_rms", "neg_eigenvalue", "min1", "min2", "barrier1", "barrier2"};
  t.integers = {"id", "min1", "min2"};
  add_stored_fields(t, land.ts_columns);
  t.value = [&](std::size_t r, const std::string& f) -> double {
    const auto& s = land.transition_states[r];
    if (f == "id") return static_cast<double>(r);
    if (f == "energy") return s.energy;
    if (f == "grad_rms") return s.grad_rms;
    if (f == "neg_eigenvalue") return s.eigenvalues.size() ? s.eigenvalues[0] : 0.0;
    if (f == "min1") return static_cast<double>(s.min1);
    if (f == "min2") return static_cast<double>(s.min2);
    if (f == "barrier1") return s.energy - land.minima[s.min1].energy;
    if (f == "barrier2") return s.energy - land.minima[s.min2].energy;
    return column_value(land.ts_columns, f, r);
  };
  const std::vector<std::size_t> order = select_rows(t, a.list);
  const std::vector<std::string> extra =
      extra_columns(t, a.list, {t.fields.begin(), t.fields.begin() + 8});
  const std::vector<std::string> base = {"energy", "grad_rms", "neg_eigenvalue", "min1",
                                         "min2",   "barrier1", "barrier2"};
  if (a.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i : order) {
      nlohmann::json r = {{"id", i}};
      for (const auto& f : base) r[f] = t.value(i, f);
      r["min1"] = land.transition_states[i].min1;
      r["min2"] = land.transition_states[i].min2;
      for (const auto& c : extra) r[c] = t.json(i, c);
      rows.push_back(r);
    }
    nlohmann::json j = {{"database", a.db},
                        {"count", land.transition_states.size()},
                        {"shown", order.size()},
                        {"transition_states", rows}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  if (a.csv) {
    std::printf("id,energy,grad_rms,neg_eigenvalue,min1,min2,barrier1,barrier2");
    for (const auto& c : extra) std::printf(",%s", c.c_str());
    std::printf("\n");
    for (std::size_t i : order) {
      const auto& s = land.transition_states[i];
      std::printf("%zu,%.17g,%.6e,%.17g,%lld,%lld,%.17g,%.17g", i, s.energy, s.grad_rms,
                  t.value(i, "neg_eigenvalue"), static_cast<long long>(s.min1),
                  static_cast<long long>(s.min2), t.value(i, "barrier1"), t.value(i, "barrier2"));
      for (const auto& c : extra) std::printf(",%s", t.csv(i, c).c_str());
      std::printf("\n");
    }
    return;
  }
  std::printf("%s: %zu transition states joining %zu minima\n", a.db.c_str(),
              land.transition_states.size(), land.minima.size());
  if (land.transition_states.empty()) {
    std::printf("(none yet: run lossland connect %s --all)\n", a.db.c_str());
    return;
  }
  std::printf("%6s  %22s  %11s  %13s  %6s  %6s  %12s  %12s", "id", "energy", "grad_rms",
              "neg_eigval", "min1", "min2", "barrier1", "barrier2");
  for (const auto& c : extra) std::printf("  %12s", c.c_str());
  std::printf("\n");
  for (std::size_t i : order) {
    const auto& s = land.transition_states[i];
    std::printf("%6zu  %22.15g  %11.3e  %13.6e  %6lld  %6lld  %12.6g  %12.6g", i, s.energy,
                s.grad_rms, t.value(i, "neg_eigenvalue"), static_cast<long long>(s.min1),
                static_cast<long long>(s.min2), t.value(i, "barrier1"), t.value(i, "barrier2"));
    for (const auto& c : extra) std::printf("  %12s", t.text(i, c).c_str());
    std::printf("\n");
  }
}

// ---- show ------------------------------------------------------------------------------

/// The name of the hidden node in row `j` (0-based) of W: "h1" for j = 0, as the network
/// diagrams and sensitivity maps of `analyze` label them.
std::string hidden_node_name(int j) {
  return "h" + std::to_string(j + 1);
}

/// The canonical-layout blocks of a parameter vector: W (H x I), b (H), V (O x H), c (O), and
/// the names of the hidden nodes in order (hidden_nodes[j] is row j of W, entry j of b, column
/// j of V).
nlohmann::json blocks_json(const ModelSpec& spec, const Eigen::VectorXd& w) {
  const ParamLayout L(spec);
  nlohmann::json W = nlohmann::json::array(), V = nlohmann::json::array();
  std::vector<double> b, c;
  std::vector<std::string> names;  // row j of W is hidden node h(j+1)
  for (int j = 0; j < L.H; ++j) {
    names.push_back(hidden_node_name(j));
    std::vector<double> row;
    for (int k = 0; k < L.I; ++k) row.push_back(w[L.W(j, k)]);
    W.push_back(row);
    b.push_back(w[L.b(j)]);
  }
  for (int i = 0; i < L.O; ++i) {
    std::vector<double> row;
    for (int j = 0; j < L.H; ++j) row.push_back(w[L.V(i, j)]);
    V.push_back(row);
    c.push_back(w[L.c(i)]);
  }
  return {{"W", W}, {"b", b}, {"V", V}, {"c", c}, {"hidden_nodes", names}};
}

void print_blocks(const ModelSpec& spec, const Eigen::VectorXd& w) {
  const ParamLayout L(spec);
  std::printf(
      "coordinates (canonical layout; hidden node hj, j = 1..N_h, as in the network diagrams,\n"
      "is row j of W, b_j and column j of V):\n");
  std::printf("  %-4s %-40s %14s   %s\n", "node", "W (incoming weights)", "b", "V (outgoing)");
  for (int j = 0; j < L.H; ++j) {
    std::string ws, vs;
    for (int k = 0; k < L.I; ++k) ws += fmt_g(w[L.W(j, k)], 7) + "  ";
    for (int i = 0; i < L.O; ++i) vs += fmt_g(w[L.V(i, j)], 7) + "  ";
    std::printf("  %-4s %-40s %14s   %s\n", hidden_node_name(j).c_str(), ws.c_str(),
                fmt_g(w[L.b(j)], 7).c_str(), vs.c_str());
  }
  std::string cs;
  for (int i = 0; i < L.O; ++i) cs += fmt_g(w[L.c(i)], 7) + "  ";
  std::printf("  output biases c: %s\n", cs.c_str());
}

void check_id(std::int64_t id, std::size_t count, const char* what) {
  if (id < 0 || id >= static_cast<std::int64_t>(count))
    throw std::invalid_argument(std::string(what) + " " + std::to_string(id) +
                                " does not exist: the database has " + std::to_string(count) +
                                " (ids 0.." + std::to_string(static_cast<long long>(count) - 1) +
                                ")");
}

void query_show(const QueryArgs& a) {
  const Context ctx(a.db, kNoSpectra);
  const db::Landscape& land = ctx.land;
  const bool is_min = a.kind == "min" || a.kind == "minimum";
  if (!is_min && a.kind != "ts")
    throw std::invalid_argument("show " + a.kind + ": say `show min I` or `show ts I`");
  db::StoredPoint p = is_min
                          ? static_cast<const db::StoredPoint&>(
                                (check_id(a.id, land.minima.size(), "minimum"), land.minima[a.id]))
                          : static_cast<const db::StoredPoint&>(
                                (check_id(a.id, land.transition_states.size(), "transition state"),
                                 land.transition_states[a.id]));
  // The one point's coordinates and spectrum, read from the file alone.
  const auto table = is_min ? db::PointTable::Minima : db::PointTable::TransitionStates;
  const std::vector<std::size_t> row{static_cast<std::size_t>(a.id)};
  p.coords = db::read_coords(a.db, table, row)[0];
  p.eigenvalues = db::read_eigenvalues(a.db, table, row)[0];
  const auto& cols = is_min ? land.minima_columns : land.ts_columns;
  int negative = 0;
  for (Eigen::Index i = 0; i < p.eigenvalues.size(); ++i) negative += p.eigenvalues[i] < 0;
  nlohmann::json j = {
      {"database", a.db},
      {"kind", is_min ? "minimum" : "transition_state"},
      {"id", a.id},
      {"energy", p.energy},
      {"grad_rms", p.grad_rms},
      {"num_negative_eigenvalues", negative},
      {"eigenvalues",
       std::vector<double>(p.eigenvalues.data(), p.eigenvalues.data() + p.eigenvalues.size())},
      {"coords", std::vector<double>(p.coords.data(), p.coords.data() + p.coords.size())},
      {"blocks", blocks_json(land.model, p.coords)}};
  nlohmann::json colj = nlohmann::json::object();
  for (const auto& [k, m] : cols)
    if (a.id < m.rows()) {
      std::vector<double> row(m.cols());
      for (Eigen::Index c = 0; c < m.cols(); ++c) row[c] = m(a.id, c);
      colj[k] = row.size() == 1 ? column_json(k, row[0]) : nlohmann::json(row);
    }
  j["columns"] = colj;
  nlohmann::json links = nlohmann::json::array();
  if (is_min) {
    j["component"] = ctx.comps.of_minimum[a.id];
    for (std::int64_t t : ctx.net.transition_states_of(a.id)) {
      const auto& s = land.transition_states[t];
      const std::int64_t other = s.min1 == a.id ? s.min2 : s.min1;
      links.push_back({{"ts", t},
                       {"ts_energy", s.energy},
                       {"to_minimum", other},
                       {"barrier", s.energy - p.energy}});
    }
    j["transition_states"] = links;
    const graph::EscapeBarrier& esc = ctx.escape[a.id];
    j["escape"] = esc.escapes() ? nlohmann::json{{"barrier", esc.barrier},
                                                 {"saddle_energy", esc.saddle_energy},
                                                 {"ts", esc.transition_state},
                                                 {"to_minimum", esc.lower_minimum}}
                                : nlohmann::json(nullptr);
  } else {
    const auto& s = land.transition_states[a.id];
    j["min1"] = s.min1;
    j["min2"] = s.min2;
    j["barrier1"] = s.energy - land.minima[s.min1].energy;
    j["barrier2"] = s.energy - land.minima[s.min2].energy;
  }
  if (a.json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("%s %lld of %zu in %s\n", is_min ? "minimum" : "transition state",
              static_cast<long long>(a.id),
              is_min ? land.minima.size() : land.transition_states.size(), a.db.c_str());
  std::printf("energy         %.15g\n", p.energy);
  std::printf("grad_rms       %.3e\n", p.grad_rms);
  if (p.eigenvalues.size()) {
    const Eigen::Index n = p.eigenvalues.size();
    std::string low;
    for (Eigen::Index i = 0; i < std::min<Eigen::Index>(4, n); ++i)
      low += fmt_g(p.eigenvalues[i], 6) + " ";
    std::printf("eigenvalues    %d negative; lowest %s; highest %s\n", negative, low.c_str(),
                fmt_g(p.eigenvalues[n - 1], 6).c_str());
  }
  if (is_min) {
    std::printf("connected set  %d of %d (%d minima)\n", ctx.comps.of_minimum[a.id],
                ctx.comps.count, ctx.comps.sizes[ctx.comps.of_minimum[a.id]]);
    const graph::EscapeBarrier& esc = ctx.escape[a.id];
    if (esc.escapes())
      std::printf(
          "escape barrier %.6g (over ts %lld at E = %.15g into the basin of minimum %lld,\n"
          "               the lowest barrier to any lower minimum)\n",
          esc.barrier, static_cast<long long>(esc.transition_state), esc.saddle_energy,
          static_cast<long long>(esc.lower_minimum));
    else
      std::printf("escape barrier none (no lower minimum in its connected set)\n");
    if (links.empty())
      std::printf("transition states: none\n");
    else
      for (const auto& l : links)
        std::printf("  ts %-5lld E = %-22.15g -> minimum %-5lld barrier %.6g\n",
                    l["ts"].get<long long>(), l["ts_energy"].get<double>(),
                    l["to_minimum"].get<long long>(), l["barrier"].get<double>());
  } else {
    const auto& s = land.transition_states[a.id];
    std::printf("joins          minimum %lld (barrier %.6g) and minimum %lld (barrier %.6g)\n",
                static_cast<long long>(s.min1), s.energy - land.minima[s.min1].energy,
                static_cast<long long>(s.min2), s.energy - land.minima[s.min2].energy);
  }
  for (const auto& [k, v] : colj.items()) std::printf("%-14s %s\n", k.c_str(), v.dump().c_str());
  print_blocks(land.model, p.coords);
}

// ---- path ------------------------------------------------------------------------------

void query_path(const QueryArgs& a) {
  const Context ctx(a.db, kNoSpectra, false);
  const db::Landscape& land = ctx.land;
  check_id(a.id, land.minima.size(), "minimum");
  check_id(a.id2, land.minima.size(), "minimum");
  const graph::MinimaxPath p = ctx.net.minimax_path(a.id, a.id2);
  if (a.json) {
    nlohmann::json steps = nlohmann::json::array();
    for (std::size_t k = 0; k < p.minima.size(); ++k) {
      steps.push_back(
          {{"kind", "minimum"}, {"id", p.minima[k]}, {"energy", land.minima[p.minima[k]].energy}});
      if (k < p.transition_states.size())
        steps.push_back({{"kind", "transition_state"},
                         {"id", p.transition_states[k]},
                         {"energy", land.transition_states[p.transition_states[k]].energy}});
    }
    nlohmann::json j = {{"database", a.db},     {"from", a.id},
                        {"to", a.id2},          {"status", graph::to_string(p.status)},
                        {"message", p.message}, {"steps", steps}};
    if (p.status != graph::PathStatus::NotConnected) {
      j["highest_energy"] = p.highest_energy;
      j["barrier_from"] = p.highest_energy - land.minima[a.id].energy;
      j["barrier_to"] = p.highest_energy - land.minima[a.id2].energy;
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  if (p.status == graph::PathStatus::NotConnected) throw std::invalid_argument(p.message);
  std::printf("minimax path from minimum %lld to minimum %lld: %zu transition state(s)\n",
              static_cast<long long>(a.id), static_cast<long long>(a.id2),
              p.transition_states.size());
  std::printf("highest point  E = %.15g (barrier %.6g from %lld, %.6g from %lld)\n",
              p.highest_energy, p.highest_energy - land.minima[a.id].energy,
              static_cast<long long>(a.id), p.highest_energy - land.minima[a.id2].energy,
              static_cast<long long>(a.id2));
  std::printf("%6s  %-7s  %6s  %22s\n", "step", "kind", "id", "energy");
  int step = 0;
  for (std::size_t k = 0; k < p.minima.size(); ++k) {
    std::printf("%6d  %-7s  %6lld  %22.15g\n", step++, "min", static_cast<long long>(p.minima[k]),
                land.minima[p.minima[k]].energy);
    if (k < p.transition_states.size())
      std::printf("%6d  %-7s  %6lld  %22.15g%s\n", step++, "ts",
                  static_cast<long long>(p.transition_states[k]),
                  land.transition_states[p.transition_states[k]].energy,
                  static_cast<int>(k) == p.highest_step ? "  <- highest" : "");
  }
}

// ---- stats -----------------------------------------------------------------------------

void query_stats(const QueryArgs& a) {
  const Context ctx(a.db, kNoSpectra, false);
  const db::Landscape& land = ctx.land;
  const std::vector<int> cls = symmetry_classes(ctx);
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < cls.size(); ++i) distinct += cls[i] == static_cast<int>(i);
  const std::size_t M = land.minima.size(), T = land.transition_states.size();
  std::int64_t gmin = -1;
  for (std::size_t i = 0; i < M; ++i)
    if (gmin < 0 || land.minima[i].energy < land.minima[gmin].energy)
      gmin = static_cast<std::int64_t>(i);
  const int largest =
      ctx.comps.count ? *std::max_element(ctx.comps.sizes.begin(), ctx.comps.sizes.end()) : 0;
  const double ratio = M ? static_cast<double>(T) / static_cast<double>(M) : std::nan("");
  if (a.json) {
    nlohmann::json j = {{"database", a.db},
                        {"minima", M},
                        {"minima_up_to_dataset_symmetry", distinct},
                        {"transition_states", T},
                        {"ts_per_minimum", jnum(ratio)},
                        {"connected_sets", ctx.comps.count},
                        {"largest_connected_set", largest},
                        {"self_loop_transition_states", ctx.net.num_self_loops()},
                        {"global_minimum", nullptr},
                        {"completeness", completeness_json(estimate_completeness(land))}};
    if (gmin >= 0) {
      j["global_minimum"] = {{"id", gmin},
                             {"energy", land.minima[gmin].energy},
                             {"connected_set_size", ctx.comps.sizes[0]}};
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("database            %s\n", a.db.c_str());
  std::printf("minima              %zu (%zu up to the dataset's symmetries too)\n", M, distinct);
  std::printf("transition states   %zu", T);
  if (ctx.net.num_self_loops())
    std::printf(" (%d join a minimum to itself)", ctx.net.num_self_loops());
  std::printf("\n");
  if (M) std::printf("ts / minima         %.4g\n", ratio);
  std::printf("connected sets      %d (largest: %d minima)\n", ctx.comps.count, largest);
  if (gmin >= 0)
    std::printf("global minimum      id %lld, E = %.15g (its connected set: %d minima)\n",
                static_cast<long long>(gmin), land.minima[gmin].energy, ctx.comps.sizes[0]);
  print_completeness(estimate_completeness(land));
  if (T == 0 && M > 1)
    std::printf("note: no transition states yet; run lossland connect %s --all\n", a.db.c_str());
}

void add_list_options(CLI::App* c, QueryArgs& a, const std::string& what) {
  c->add_flag("--json", a.json, "JSON for programs");
  c->add_flag("--csv", a.csv, "CSV (header line, full precision)");
  c->add_option("--limit", a.list.limit, "Show at most N rows (0: all)")->capture_default_str();
  c->add_option("--sort", a.list.sort, "Sort by a field (energy, id, ... or an analysis column)")
      ->capture_default_str();
  c->add_flag("--desc", a.list.descending, "Sort descending");
  c->add_option("--emin", a.list.emin, "Only " + what + " with energy >= E");
  c->add_option("--emax", a.list.emax, "Only " + what + " with energy <= E");
  c->add_option("--where", a.list.where,
                "Filter FIELD OP VALUE, OP in < <= > >= == != (repeatable, all must hold), "
                "e.g. --where 'auc>=0.9'; the fields it names are printed too");
  c->add_option("--columns", a.list.columns,
                "Extra fields/columns to print, comma-separated (the fields of --where and --sort "
                "are printed too; fields already in the listing are not repeated)");
}

Registrar reg("query", 30, [](CLI::App& app) {
  auto* q = app.add_subcommand(
      "query",
      "Ask a database about its minima and transition states\n"
      "  lossland query DB minima [--sort F] [--where 'F<=V'] [--limit N] [--json|--csv]\n"
      "  lossland query DB ts     [same options]\n"
      "  lossland query DB show min I | show ts I  [--json]\n"
      "  lossland query DB path I J  [--json]   minimax path (lowest highest barrier)\n"
      "  lossland query DB stats [--json]");
  auto args = std::make_shared<QueryArgs>();
  q->add_option("db", args->db, "Database file")->required();
  q->require_subcommand(1);
  auto* m = q->add_subcommand(
      "minima",
      "List the minima, lowest first. Fields for --sort/--where/--columns: id, energy,\n"
      "grad_rms, min_eigenvalue, class (dataset-symmetry class), component (connected set),\n"
      "degree (transition states), barrier (escape barrier: E(t) - E(i) for the lowest\n"
      "transition state t over which minimum i reaches any lower minimum, i.e. the minimax\n"
      "barrier to a lower minimum; 'none'/null/inf for the lowest minimum of a connected set),\n"
      "and every 1-D /minima column (auc, ...)");
  add_list_options(m, *args, "minima");
  m->callback([args] {
    if (args->json && args->csv) throw std::invalid_argument("give --json or --csv, not both");
    query_minima(*args);
  });
  auto* t = q->add_subcommand("ts", "List the transition states, lowest first");
  add_list_options(t, *args, "transition states");
  t->callback([args] {
    if (args->json && args->csv) throw std::invalid_argument("give --json or --csv, not both");
    query_ts(*args);
  });
  auto* s = q->add_subcommand("show", "Everything about one point: show min I | show ts I");
  s->add_option("kind", args->kind, "min or ts")
      ->required()
      ->check(CLI::IsMember({"min", "minimum", "ts"}));
  s->add_option("id", args->id, "Row id (0-based)")->required();
  s->add_flag("--json", args->json, "JSON for programs");
  s->callback([args] { query_show(*args); });
  auto* p =
      q->add_subcommand("path",
                        "Minimax path between minima I and J: the chain of transition states whose "
                        "highest point is lowest (Dijkstra with max in place of +)");
  p->add_option("from", args->id, "Minimum id")->required();
  p->add_option("to", args->id2, "Minimum id")->required();
  p->add_flag("--json", args->json, "JSON for programs");
  p->callback([args] { query_path(*args); });
  auto* st = q->add_subcommand("stats", "Counts, TS/minima ratio, connected sets, global minimum");
  st->add_flag("--json", args->json, "JSON for programs");
  st->callback([args] { query_stats(*args); });
});

}  // namespace
}  // namespace lossland::cli
