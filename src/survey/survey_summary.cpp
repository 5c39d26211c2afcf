/// The survey's summary: one row per landscape read from its database (summarize), written as
/// summary.csv and summary.md from one list of columns (write_summary).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <vector>

#include "lossland/search/connect.hpp"
#include "survey/completeness_summary.hpp"
#include "survey/survey_detail.hpp"

namespace fs = std::filesystem;

namespace lossland::survey {

std::vector<LandscapeSummary> summarize(const SurveyOptions& o) {
  std::vector<LandscapeSummary> rows;
  for (int h : o.hidden) {
    for (double l : o.lambdas) {
      LandscapeSummary s;
      s.hidden = h;
      s.lambda = l;
      s.database = landscape_file(o, h, l);
      const std::string path = (fs::path(o.out_dir) / s.database).string();
      if (!db::exists(path)) {
        rows.push_back(s);
        continue;
      }
      const db::Landscape land = db::read(path);
      s.minima = land.minima.size();
      s.transition_states = land.transition_states.size();
      s.ts_per_minimum = s.minima ? static_cast<double>(s.transition_states) / s.minima : 0.0;
      std::vector<double> energies;
      for (const auto& m : land.minima) energies.push_back(m.energy);
      std::sort(energies.begin(), energies.end());
      s.global_minimum = energies.empty() ? std::nan("") : energies.front();
      for (std::size_t i = 0; i < energies.size(); ++i)
        if (i == 0 || energies[i] - energies[i - 1] > 1e-10 * std::max(1.0, std::abs(energies[i])))
          ++s.distinct_energies;
      if (auto it = land.minima_columns.find("auc"); it != land.minima_columns.end()) {
        s.bad_minima = 0;
        for (Eigen::Index r = 0; r < it->second.rows(); ++r)
          if (it->second(r, 0) < 1.0 - 1e-9) ++s.bad_minima;
      }
      if (auto it = land.minima_columns.find("connected_hidden"); it != land.minima_columns.end())
        for (Eigen::Index r = 0; r < it->second.rows(); ++r)
          ++s.by_connected_hidden[static_cast<int>(std::lround(it->second(r, 0)))];
      connected_components(land, &s.connected_sets);
      if (auto it = land.notes.find("survey_seconds"); it != land.notes.end())
        s.seconds = std::strtod(it->second.c_str(), nullptr);
      s.completeness = estimate_completeness(land);
      rows.push_back(s);
    }
  }
  return rows;
}

namespace {

/// One column of the survey summary: its CSV heading and value, and its heading and value in
/// the Markdown table (no heading: not in it). A new column is one more entry of kSummary.
struct SummaryColumn {
  std::string csv;  ///< CSV heading (several comma-separated headings for a group of cells)
  const char* md;   ///< Markdown heading; nullptr: CSV only
  bool number;      ///< right-aligned in the Markdown table
  std::function<std::string(const LandscapeSummary&)> csv_value;  ///< the CSV cell
  std::function<std::string(const LandscapeSummary&)> md_value;   ///< the Markdown cell
};

/// "nodes:count" pairs, space-separated.
std::string by_connected_hidden(const LandscapeSummary& s) {
  std::string out;
  for (const auto& [k, v] : s.by_connected_hidden)
    out += (out.empty() ? "" : " ") + std::to_string(k) + ":" + std::to_string(v);
  return out;
}

using Row = const LandscapeSummary&;

/// A column that writes `field` as fmt's format `csv_format` in CSV and `md_format` in Markdown.
template <class T>
SummaryColumn number(const char* csv, const char* md, T LandscapeSummary::*field,
                     const char* csv_format = "{}", const char* md_format = "{}") {
  return {std::string(csv), md, true,
          [=](Row s) { return fmt::format(fmt::runtime(csv_format), s.*field); },
          [=](Row s) { return fmt::format(fmt::runtime(md_format), s.*field); }};
}

/// The columns of summary.csv and summary.md, in order.
const std::vector<SummaryColumn>& summary_columns() {
  using S = LandscapeSummary;
  static const std::vector<SummaryColumn> columns = {
      number("hidden", "N_h", &S::hidden),
      number("lambda", "lambda", &S::lambda, "{:.6g}", "{:.0e}"),
      number("minima", "minima", &S::minima),
      number("distinct_energies", "distinct losses", &S::distinct_energies),
      number("transition_states", "transition states", &S::transition_states),
      number("ts_per_minimum", "TS/min", &S::ts_per_minimum, "{:.6g}", "{:.2f}"),
      number("global_minimum", "global minimum", &S::global_minimum, "{:.17g}", "{:.10g}"),
      {"bad_minima", "bad minima (AUC<1)", true,
       [](Row s) { return fmt::format("{}", s.bad_minima); },
       [](Row s) { return s.bad_minima < 0 ? std::string("-") : std::to_string(s.bad_minima); }},
      {"minima_by_connected_hidden", "minima by connected hidden nodes", false, by_connected_hidden,
       by_connected_hidden},
      number("connected_sets", "connected sets", &S::connected_sets),
      number("seconds", "wall s", &S::seconds, "{:.3f}", "{:.2f}"),
      {"database", nullptr, false, [](Row s) { return s.database; }, nullptr},
      // The completeness estimate: in summary.md as a table of its own (completeness_table).
      {completeness_csv_header(), nullptr, false,
       [](Row s) { return completeness_csv_fields(s.completeness); }, nullptr},
  };
  return columns;
}

/// The cells `cell` gives for each column with a Markdown heading (all of them for CSV),
/// joined by `sep`.
std::string joined(bool csv, const std::string& sep,
                   const std::function<std::string(const SummaryColumn&)>& cell) {
  std::string out;
  bool first = true;
  for (const SummaryColumn& c : summary_columns())
    if (csv || c.md) {
      out += (first ? "" : sep) + cell(c);
      first = false;
    }
  return out;
}

}  // namespace

void write_summary(const SurveyOptions& o, const std::vector<LandscapeSummary>& rows,
                   double total_seconds) {
  const fs::path dir(o.out_dir);
  {
    std::ofstream csv(dir / "summary.csv");
    csv << joined(true, ",", [](const SummaryColumn& c) { return c.csv; }) << "\n";
    for (const auto& s : rows)
      csv << joined(true, ",", [&](const SummaryColumn& c) { return c.csv_value(s); }) << "\n";
    if (!csv) throw std::runtime_error("cannot write " + (dir / "summary.csv").string());
  }
  std::ofstream md(dir / "summary.md");
  md << "# Landscape survey: " << o.dataset << ", " << to_string(o.activation)
     << " hidden units, L2 over " << to_string(o.regularize) << " parameters\n\n";
  md << "| " << joined(false, " | ", [](const SummaryColumn& c) { return std::string(c.md); })
     << " |\n";
  md << "|" << joined(false, "|", [](const SummaryColumn& c) {
    return std::string(c.number ? "---:" : "---");
  }) << "|\n";
  for (const auto& s : rows)
    md << "| " << joined(false, " | ", [&](const SummaryColumn& c) { return c.md_value(s); })
       << " |\n";
  md << completeness_table(rows);
  md << fmt::format("\nTotal wall time of this run: {:.1f} s.\n", total_seconds);
  md << "\nMinima are counted once up to the network's symmetries (hidden-node permutations and "
        "sign flips); 'distinct losses' merges minima whose losses agree to 1e-10 (e.g. copies "
        "under the dataset's own symmetries). 'Minima by connected hidden nodes' reads "
        "'nodes:count'. Graphs: one PNG per landscape beside its database.\n";
  if (!md) throw std::runtime_error("cannot write " + (dir / "summary.md").string());
}

}  // namespace lossland::survey
