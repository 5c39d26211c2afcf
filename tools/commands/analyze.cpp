/// `lossland analyze DB [--report DIR]`: per-point metrics (Mehta et al. 2018, Sec. IV) as columns
/// of DB, and optionally an HTML report with sensitivity maps and network diagrams.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/analysis/metrics.hpp"
#include "lossland/analysis/report.hpp"
#include "lossland/analysis/sensitivity.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/db/lock.hpp"

namespace lossland::cli {
namespace {

struct AnalyzeArgs {
  std::string db;
  std::string report;
  int max_pictures = 60;
  bool json = false;
  analysis::MetricsOptions metrics;
};

nlohmann::json point_json(std::size_t id, double energy, const analysis::PointMetrics& m) {
  auto nan_null = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
  return {{"id", id},
          {"energy", energy},
          {"auc", nan_null(m.auc)},
          {"p_correct_min", m.p_correct_min},
          {"p_correct_max", m.p_correct_max},
          {"nonzero_weights", m.nonzero_weights},
          {"connected_hidden", m.connected_hidden},
          {"robustness", nan_null(m.robustness)}};
}

/// Refuses, before DB is touched, a --report target that is an existing file (the report is a
/// directory of pages and pictures) or the database itself.
void check_report_target(const std::string& report, const std::string& db_path) {
  std::error_code ec;
  if (std::filesystem::exists(report, ec) && !std::filesystem::is_directory(report, ec))
    throw std::invalid_argument(
        "--report " + report + ": '" + report +
        "' is an existing file, but the report is a directory (index.html and pictures): give "
        "a new or existing directory; nothing was changed" +
        (std::filesystem::equivalent(report, db_path, ec) ? " (it is the database itself)" : ""));
}

void run_analyze(const AnalyzeArgs& a) {
  a.metrics.validate();
  if (!a.report.empty()) check_report_target(a.report, a.db);
  const db::WriterLock lock(a.db);
  db::Landscape land = open_landscape(a.db);
  const std::vector<analysis::PointMetrics> minima = analysis::analyze_landscape(land, a.metrics);
  db::fill_horder(land);  // symmetry factors of points stored before they were kept
  db::write(a.db, land);
  // The transition states' metrics as stored, for the JSON output.
  std::vector<analysis::PointMetrics> ts(land.transition_states.size());
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const auto& c = land.ts_columns;
    ts[i].auc = c.at("auc")(i, 0);
    ts[i].p_correct_min = c.at("p_correct_min")(i, 0);
    ts[i].p_correct_max = c.at("p_correct_max")(i, 0);
    ts[i].nonzero_weights = static_cast<int>(c.at("nonzero_weights")(i, 0));
    ts[i].connected_hidden = static_cast<int>(c.at("connected_hidden")(i, 0));
    ts[i].robustness = c.at("robustness")(i, 0);
  }
  analysis::ReportResult report;
  if (!a.report.empty()) {
    analysis::ReportOptions ro;
    ro.metrics = a.metrics;
    ro.max_pictures = a.max_pictures;
    ro.title = "lossland report: " + a.db;
    report = analysis::write_report(land, a.report, ro);
  }
  int bad = 0, sparse = 0;
  for (const auto& m : minima) {
    bad += m.auc < 1.0 - 1e-12;
    sparse += m.connected_hidden < land.model.hidden();
  }
  if (a.json) {
    nlohmann::json j = {{"database", a.db},
                        {"zero_threshold", a.metrics.zero_threshold},
                        {"bad_minima", bad},
                        {"sparse_minima", sparse}};
    j["minima"] = nlohmann::json::array();
    for (std::size_t i = 0; i < minima.size(); ++i)
      j["minima"].push_back(point_json(i, land.minima[i].energy, minima[i]));
    j["transition_states"] = nlohmann::json::array();
    for (std::size_t i = 0; i < ts.size(); ++i)
      j["transition_states"].push_back(point_json(i, land.transition_states[i].energy, ts[i]));
    if (!a.report.empty()) {
      j["report"] = report.html_path;
      j["report_note"] = report.note;
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  const bool xor_data = analysis::is_xor_dataset(land.dataset);
  std::printf("%s: %zu minima, %zu transition states analysed; columns %s written\n", a.db.c_str(),
              land.minima.size(), land.transition_states.size(),
              "auc p_correct_min p_correct_max nonzero_weights connected_hidden robustness");
  std::printf("%5s %18s %7s %9s %9s %8s %9s %10s\n", "id", "energy", "auc", "p_min", "p_max",
              "nonzero", "conn_hid", "robustness");
  for (std::size_t i = 0; i < minima.size(); ++i) {
    const auto& m = minima[i];
    std::printf("%5zu %18.12g %7.4g %9.4f %9.4f %8d %9d %10s\n", i, land.minima[i].energy, m.auc,
                m.p_correct_min, m.p_correct_max, m.nonzero_weights, m.connected_hidden,
                std::isnan(m.robustness) ? "-" : fmt_g(m.robustness, 4).c_str());
  }
  std::printf("bad minima (AUC < 1): %d of %zu; sparse minima (a disconnected hidden node): %d\n",
              bad, minima.size(), sparse);
  if (!xor_data)
    std::printf("robustness: not defined for this dataset (the ideal rule is XOR's)\n");
  if (!a.report.empty()) {
    std::printf("report: %s (%zu pictures)\n", report.html_path.c_str(), report.images.size());
    if (!report.note.empty()) std::printf("  note: %s\n", report.note.c_str());
  }
}

Registrar reg("analyze", 50, [](CLI::App& app) {
  auto args = std::make_shared<AnalyzeArgs>();
  auto* c = app.add_subcommand(
      "analyze",
      "Judge every minimum (Mehta et al. 2018, Sec. IV): training AUC, probability of the correct\n"
      "class, non-zero weights, connected hidden nodes, XOR robustness. Stores them as columns\n"
      "of DB (re-running replaces them); --report DIR writes an HTML page with pictures.");
  c->add_option("db", args->db, "Database file")->required();
  c->add_option("--zero-threshold", args->metrics.zero_threshold,
                "A weight with |w| <= this counts as zero")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.999));
  c->add_option("--report", args->report, "Write DIR/index.html with maps and diagrams");
  c->add_option("--max-pictures", args->max_pictures,
                "Pictures for at most this many lowest minima in the report")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  c->add_flag("--json", args->json, "Print the metrics as JSON");
  c->callback([args] { run_analyze(*args); });
});

}  // namespace
}  // namespace lossland::cli
