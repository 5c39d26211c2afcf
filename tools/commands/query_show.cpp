/// `lossland query DB show min|ts I` and `query DB path I J`: one point in full, and the minimax
/// path between two minima.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/common.hpp"
#include "commands/query_context.hpp"

namespace lossland::cli {
namespace {

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

}  // namespace

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

}  // namespace lossland::cli
