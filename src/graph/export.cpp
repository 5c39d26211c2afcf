#include "lossland/graph/export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace lossland::graph {

namespace {

/// A double as JSON: null where JSON has no number (NaN, +-inf).
nlohmann::json number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

nlohmann::json vector_json(const Eigen::VectorXd& v) {
  nlohmann::json a = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(number(v[i]));
  return a;
}

/// Row `row` of every named column: a number for a 1-D column, an array for a 2-D one.
nlohmann::json columns_json(const std::map<std::string, Eigen::MatrixXd>& cols, std::size_t row) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, m] : cols) {
    if (static_cast<Eigen::Index>(row) >= m.rows()) continue;
    if (m.cols() == 1) {
      j[name] = number(m(static_cast<Eigen::Index>(row), 0));
    } else {
      nlohmann::json a = nlohmann::json::array();
      for (Eigen::Index c = 0; c < m.cols(); ++c)
        a.push_back(number(m(static_cast<Eigen::Index>(row), c)));
      j[name] = a;
    }
  }
  return j;
}

nlohmann::json point_json(std::size_t id, const db::StoredPoint& p,
                          const std::map<std::string, Eigen::MatrixXd>& cols) {
  return {{"id", id},
          {"energy", number(p.energy)},
          {"grad_rms", number(p.grad_rms)},
          {"coords", vector_json(p.coords)},
          {"eigenvalues", vector_json(p.eigenvalues)},
          {"columns", columns_json(cols, id)}};
}

/// A dot string literal; quotes are escaped, backslash sequences such as \n (line break in a
/// label) pass through.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

std::string landscape_json(const db::Landscape& land, int indent) {
  nlohmann::json model = {{"layers", land.model.layers},
                          {"activation", to_string(land.model.activation)},
                          {"regularize", to_string(land.model.regularize)},
                          {"lambda", land.model.lambda},
                          {"num_params", land.model.num_params()}};
  nlohmann::json inputs = nlohmann::json::array();
  for (Eigen::Index r = 0; r < land.dataset.inputs.rows(); ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index c = 0; c < land.dataset.inputs.cols(); ++c)
      row.push_back(number(land.dataset.inputs(r, c)));
    inputs.push_back(row);
  }
  std::vector<int> labels(land.dataset.labels.data(),
                          land.dataset.labels.data() + land.dataset.labels.size());
  nlohmann::json dataset = {{"name", land.dataset.name},
                            {"num_classes", land.dataset.num_classes},
                            {"inputs", inputs},
                            {"labels", labels}};
  nlohmann::json minima = nlohmann::json::array();
  for (std::size_t i = 0; i < land.minima.size(); ++i)
    minima.push_back(point_json(i, land.minima[i], land.minima_columns));
  nlohmann::json ts = nlohmann::json::array();
  for (std::size_t i = 0; i < land.transition_states.size(); ++i) {
    nlohmann::json t = point_json(i, land.transition_states[i], land.ts_columns);
    t["min1"] = land.transition_states[i].min1;
    t["min2"] = land.transition_states[i].min2;
    ts.push_back(t);
  }
  nlohmann::json notes = nlohmann::json::object();
  for (const auto& [k, v] : land.notes) notes[k] = v;
  const nlohmann::json doc = {{"format", "lossland-json"},
                              {"format_version", 1},
                              {"created_by", land.created_by},
                              {"model", model},
                              {"dataset", dataset},
                              {"notes", notes},
                              {"minima", minima},
                              {"transition_states", ts}};
  return doc.dump(indent) + "\n";
}

std::string network_dot(const db::Landscape& land, const std::string& title) {
  std::ostringstream out;
  out << "// Transition network written by lossland: minima are nodes, transition states edges.\n"
      << "// Render with e.g.  neato -Tsvg network.dot -o network.svg  (or dot, sfdp).\n"
      << "graph landscape {\n";
  if (!title.empty()) out << "  label=" << quoted(title) << ";\n  labelloc=t;\n";
  out << "  overlap=false;\n  splines=true;\n"
      << "  node [shape=ellipse, style=filled, fontname=\"Helvetica\", fontsize=10];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];\n";
  // Shade by energy rank, not energy, so one very high minimum (the all-zero network) does not
  // wash the others out: rank 0 darkest.
  const std::size_t M = land.minima.size();
  std::vector<std::size_t> order(M), rank(M);
  for (std::size_t i = 0; i < M; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return land.minima[a].energy < land.minima[b].energy;
  });
  for (std::size_t r = 0; r < M; ++r) rank[order[r]] = r;
  for (std::size_t i = 0; i < M; ++i) {
    const double e = land.minima[i].energy;
    // Grey level 35% (lowest) .. 95% (highest); white text on the dark ones.
    const double t = M > 1 ? static_cast<double>(rank[i]) / static_cast<double>(M - 1) : 1.0;
    const int grey = static_cast<int>(std::lround(255 * (0.35 + 0.6 * t)));
    char colour[16];
    std::snprintf(colour, sizeof colour, "#%02x%02x%02x", grey, grey, grey);
    out << "  m" << i << " [label=" << quoted(std::to_string(i) + "\\n" + fmt("%.8g", e))
        << ", fillcolor=" << quoted(colour) << (t < 0.4 ? ", fontcolor=\"white\"" : "")
        << ", tooltip=" << quoted("minimum " + std::to_string(i) + ", E = " + fmt("%.17g", e))
        << "];\n";
  }
  for (std::size_t t = 0; t < land.transition_states.size(); ++t) {
    const auto& s = land.transition_states[t];
    out << "  m" << s.min1 << " -- m" << s.min2
        << " [label=" << quoted("ts " + std::to_string(t) + "\\n" + fmt("%.8g", s.energy))
        << ", tooltip="
        << quoted("transition state " + std::to_string(t) + ", E = " + fmt("%.17g", s.energy))
        << "];\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace lossland::graph
