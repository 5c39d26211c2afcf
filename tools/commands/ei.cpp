/// `lossland ei DB` / `lossland ei --survey DIR`: the landscape against the extrema predicted by
/// the extremum-increment equations (Chen, ChinaXiv 202507.00082 (2025); docs/ei.md).
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/analysis/ei.hpp"
#include "lossland/analysis/ei_survey.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/db/lock.hpp"

namespace lossland::cli {
namespace {

using namespace lossland::analysis;

struct EiArgs {
  std::string db;
  std::string survey;
  std::string figure;
  bool json = false;
  bool no_store = false;
  int show = -1;
  int train = 0;
  bool train_minima = false;
  std::uint64_t seed = 1;
  double hidden_scale = 1.0;
  EiOptions options;
  EiTrainOptions train_options;
};

/// JSON null for NaN/inf (JSON has no such numbers).
nlohmann::json num(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

std::map<std::string, int> kind_counts(const EiAnalysis& r) {
  std::map<std::string, int> c{{"maximum", 0}, {"minimum", 0}, {"saddle", 0}, {"degenerate", 0}};
  for (const auto& p : r.stationary_points) ++c[to_string(p.kind)];
  return c;
}

double relative_smallest(const RankReport& r) {
  const auto& s = r.singular_values;
  return s.size() && s[0] > 0 ? s[s.size() - 1] / s[0] : 0.0;
}

nlohmann::json point_json(const InputStationaryPoint& p) {
  return {{"x", std::vector<double>(p.x.data(), p.x.data() + p.x.size())},
          {"kind", to_string(p.kind)},
          {"f", p.value},
          {"p1", p.probability},
          {"hessian_eigenvalues",
           std::vector<double>(p.hessian_eigenvalues.data(),
                               p.hessian_eigenvalues.data() + p.hessian_eigenvalues.size())}};
}

nlohmann::json input_json(const TrainingInputReport& t) {
  return {
      {"sample", t.sample},
      {"label", t.label},
      {"predicted_kind", to_string(t.predicted)},
      {"residual", t.residual},
      {"stationary", t.stationary},
      {"distance_to_predicted", num(t.distance_to_predicted)},
      {"at_predicted_extremum", t.at_predicted_extremum},
      {"nearest_kind", std::isfinite(t.nearest_distance) ? nlohmann::json(to_string(t.nearest_kind))
                                                         : nlohmann::json()},
      {"nearest_distance", num(t.nearest_distance)},
      {"p1", t.probability},
      {"correct_side", t.correct_side}};
}

/// Where the stationary points of f lie from one training input, for --show: the nearest of the
/// kind EI predicts for it ("nearest maximum at 0.309", or "no maximum in the box"), then the
/// nearest of any kind only when that is of another kind (it is then nearer).
std::string nearest_text(const TrainingInputReport& t) {
  if (!std::isfinite(t.nearest_distance)) return "no stationary point of f in the box";
  const std::string want = to_string(t.predicted);
  std::string s = std::isfinite(t.distance_to_predicted)
                      ? "nearest " + want + " at " + fmt_g(t.distance_to_predicted, 3)
                      : "no " + want + " in the box";
  if (t.nearest_kind != t.predicted)
    s += "; nearest stationary point: " + to_string(t.nearest_kind) + " at " +
         fmt_g(t.nearest_distance, 3);
  return s;
}

void show_detail(const db::Landscape& land, const EiAnalysis& r, int id) {
  std::printf("\nminimum %d: E = %.15g\n", id, land.minima[id].energy);
  std::printf("  singular values of A (%d x %d):",
              static_cast<int>(land.dataset.num_samples() * land.dataset.num_inputs()),
              land.model.hidden());
  for (int k = 0; k < r.rank.singular_values.size(); ++k)
    std::printf(" %.4g", r.rank.singular_values[k]);
  std::printf("\n  rank %d, nullity %d, EI residual %.4g\n", r.rank.rank, r.rank.nullity,
              r.residual);
  std::printf("  stationary points of f = y1 - y0 in the box (%zu):\n", r.stationary_points.size());
  for (const auto& p : r.stationary_points) {
    std::printf("    (");
    for (int k = 0; k < p.x.size(); ++k) std::printf("%s%8.4f", k ? ", " : "", p.x[k]);
    std::printf(")  %-10s  f = %10.4g  p1 = %.4f\n", to_string(p.kind).c_str(), p.value,
                p.probability);
  }
  std::printf("  training inputs:\n");
  for (const auto& t : r.inputs)
    std::printf("    x%d (class %d, wants %s): residual %.3g, p1 %.4f, %s\n", t.sample, t.label,
                to_string(t.predicted).c_str(), t.residual, t.probability, nearest_text(t).c_str());
}

void run_db(const EiArgs& a) {
  std::optional<db::WriterLock> lock;  // only when the columns are stored
  if (!a.no_store) lock.emplace(a.db);
  db::Landscape land = open_landscape(a.db);
  if (land.minima.empty())
    throw std::invalid_argument("database '" + a.db +
                                "' holds no minima; run `lossland bh` on it first");
  if (a.show >= static_cast<int>(land.minima.size()))
    throw std::invalid_argument("--show " + std::to_string(a.show) + ": the database has " +
                                std::to_string(land.minima.size()) + " minima (ids 0.." +
                                std::to_string(land.minima.size() - 1) + ")");
  const std::vector<EiAnalysis> res = ei_analyze_landscape(land, a.options);
  const MlpLoss loss(land.dataset, land.model);
  const bool two = land.model.outputs() == 2;
  if (!a.no_store) {
    ei_store_columns(land, res);
    db::write(a.db, land);
  }
  if (a.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < res.size(); ++i) {
      const EiAnalysis& r = res[i];
      nlohmann::json pts = nlohmann::json::array(), ins = nlohmann::json::array();
      for (const auto& p : r.stationary_points) pts.push_back(point_json(p));
      for (const auto& t : r.inputs) ins.push_back(input_json(t));
      rows.push_back(
          {{"id", i},
           {"energy", land.minima[i].energy},
           {"auc", two ? num(ei_training_auc(loss, land.minima[i].coords)) : nlohmann::json()},
           {"rank", r.rank.rank},
           {"nullity", r.rank.nullity},
           {"singular_values",
            std::vector<double>(r.rank.singular_values.data(),
                                r.rank.singular_values.data() + r.rank.singular_values.size())},
           {"residual", r.residual},
           {"predicted_solution", r.predicted_solution},
           {"stationary_points", r.stationary_points_computed
                                     ? nlohmann::json(r.stationary_points.size())
                                     : nlohmann::json()},
           {"stationary_point_kinds", kind_counts(r)},
           {"training_inputs_at_extrema",
            r.stationary_points_computed ? nlohmann::json(r.inputs_at_extrema) : nlohmann::json()},
           {"training_inputs_stationary", r.inputs_stationary},
           {"training_inputs_correct_side", r.inputs_correct_side},
           {"stationary_point_list", pts},
           {"training_inputs", ins}});
    }
    nlohmann::json j = {{"database", a.db},
                        {"layers", land.model.layers},
                        {"lambda", land.model.lambda},
                        {"threshold", land.dataset.num_samples() * land.dataset.num_inputs()},
                        {"rank_rtol", a.options.rank_rtol},
                        {"box", {a.options.box_low, a.options.box_high}},
                        {"extremum_distance", a.options.extremum_distance},
                        {"stored", !a.no_store},
                        {"minima", rows}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  const int N = land.dataset.num_samples(), I = land.dataset.num_inputs();
  const int H = land.model.hidden();
  std::printf(
      "%s: %zu minima, N_h = %d, lambda = %g; A is %d x %d (N*I x N_h); EI predicts a "
      "non-trivial u with A u = 0 iff rank(A) < N_h (generically N_h > %d)\n",
      a.db.c_str(), land.minima.size(), H, land.model.lambda, N * I, H, N * I);
  std::printf(
      "rank: singular values > %g * s_1; residual |A u| / (|A|_2 |u|), u = V_1 - V_0; "
      "stationary points of f = y_1 - y_0 in [%g, %g]^%d\n",
      a.options.rank_rtol, a.options.box_low, a.options.box_high, I);
  std::printf("%5s  %18s  %5s  %4s  %4s  %9s  %9s  %4s  %13s  %5s  %5s  %5s\n", "id", "energy",
              "auc", "rank", "null", "s_min/s_1", "residual", "pred", "max/min/sad/dg", "stat",
              "atext", "side");
  int fit = 0, pred = 0;
  long at = 0, inputs = 0;
  for (std::size_t i = 0; i < res.size(); ++i) {
    const EiAnalysis& r = res[i];
    const double auc = two ? ei_training_auc(loss, land.minima[i].coords) : NAN;
    fit += auc == 1.0;
    pred += r.predicted_solution;
    at += r.inputs_at_extrema;
    inputs += static_cast<long>(r.inputs.size());
    auto kc = kind_counts(r);
    const std::string kinds = r.stationary_points_computed
                                  ? fmt::format("{}/{}/{}/{}", kc["maximum"], kc["minimum"],
                                                kc["saddle"], kc["degenerate"])
                                  : "-";
    std::printf(
        "%5zu  %18.12g  %5.3f  %4d  %4d  %9.2e  %9.2e  %4s  %13s  %2d/%-2d  %2d/%-2d  "
        "%2d/%-2d\n",
        i, land.minima[i].energy, auc, r.rank.rank, r.rank.nullity, relative_smallest(r.rank),
        r.residual, r.predicted_solution ? "yes" : "no", kinds.c_str(), r.inputs_stationary, N,
        r.inputs_at_extrema, N, r.inputs_correct_side, N);
  }
  std::printf(
      "summary: %d/%zu minima fit (AUC = 1); %d/%zu have rank(A) < N_h; %ld/%ld training "
      "inputs within %g of a stationary point of EI's kind\n",
      fit, res.size(), pred, res.size(), at, inputs, a.options.extremum_distance);
  std::printf(
      "columns: stat = inputs whose own residual <= %g; atext = inputs at an extremum of "
      "the predicted kind (class 1 maximum, class 0 minimum); side = p1 > 0.5 iff class 1\n",
      a.options.stationary_input_rtol);
  if (!a.no_store) std::printf("stored /minima/ei_* columns in %s\n", a.db.c_str());
  if (a.show >= 0) show_detail(land, res[a.show], a.show);
}

void run_train(const EiArgs& a) {
  db::Landscape land = open_landscape(a.db);
  if (land.model.outputs() != 2)
    throw std::invalid_argument("--train: EI training is implemented for two-class data only");
  const MlpLoss loss(land.dataset, land.model);
  db::LandscapeIndex index(land);
  struct Trial {
    std::string source;
    EiTrainResult r;
  };
  std::vector<Trial> trials;
  const ParamLayout L(land.model);
  for (int k = 0; k < a.train; ++k) {
    EiTrainOptions o = a.train_options;
    o.seed = a.seed + static_cast<std::uint64_t>(k);
    const Eigen::VectorXd hidden = random_hidden_layer(land.model, o.seed, a.hidden_scale);
    trials.push_back(
        {"random seed " + std::to_string(o.seed), ei_train_last_layer(loss, hidden, o, &index)});
  }
  if (a.train_minima)
    for (std::size_t m = 0; m < land.minima.size(); ++m) {
      const Eigen::VectorXd hidden = land.minima[m].coords.head(L.H * (L.I + 1));
      trials.push_back({"minimum " + std::to_string(m),
                        ei_train_last_layer(loss, hidden, a.train_options, &index)});
    }
  if (a.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& t : trials) {
      const EiTrainResult& r = t.r;
      rows.push_back(
          {{"hidden_layer", t.source},
           {"rank", r.rank.rank},
           {"nullity", r.rank.nullity},
           {"status", to_string(r.status)},
           {"message", r.message},
           {"start_residual", r.start_residual},
           {"start_samples_polarized", r.start_samples_polarized},
           {"start_termination", r.start_termination},
           {"start_energy", r.start_energy},
           {"quench_status", to_string(r.quench.status)},
           {"quench_energy", r.quench.energy},
           {"database_minimum",
            r.database_minimum >= 0 ? nlohmann::json(r.database_minimum) : nlohmann::json("new")}});
    }
    std::cout << nlohmann::json({{"database", a.db}, {"train", rows}}).dump(2) << "\n";
    return;
  }
  const int N = land.dataset.num_samples();
  std::printf("%s: EI last-layer training (Algorithm 1: u in null(A), polarize), then quench\n",
              a.db.c_str());
  std::printf("%-16s  %4s  %4s  %-15s  %9s  %5s  %4s  %12s  %18s  %s\n", "hidden layer", "rank",
              "null", "status", "residual", "polar", "term", "start E", "quenched E", "minimum");
  for (const auto& t : trials) {
    const EiTrainResult& r = t.r;
    const std::string found = !r.quench.converged()     ? "(" + to_string(r.quench.status) + ")"
                              : r.database_minimum >= 0 ? std::to_string(r.database_minimum)
                                                        : "new";
    std::printf("%-16s  %4d  %4d  %-15s  %9.2e  %2d/%-2d  %4s  %12.6g  %18.12g  %s\n",
                t.source.c_str(), r.rank.rank, r.rank.nullity, to_string(r.status).c_str(),
                r.start_residual, r.start_samples_polarized, N, r.start_termination ? "yes" : "no",
                r.start_energy, r.quench.energy, found.c_str());
  }
  std::printf(
      "status: polarized = EI solution found; not-polarizable = null space but no "
      "direction makes the classes maxima/minima and meets p1 > 0.5 iff class 1; "
      "no-null-space = rank(A) = N_h, started from A's least singular direction\n");
}

void run_survey(const EiArgs& a) {
  const std::vector<EiSurveyRow> rows = ei_survey(a.survey, a.options);
  const std::string fig =
      a.figure.empty() ? (std::filesystem::path(a.survey) / "ei_survey.svg").string() : a.figure;
  draw_ei_survey(rows, fig);
  if (a.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows)
      j.push_back({{"file", r.file},
                   {"layers", r.layers},
                   {"hidden", r.hidden},
                   {"lambda", r.lambda},
                   {"threshold", r.threshold},
                   {"ei_capacity", r.ei_capacity},
                   {"minima", r.minima},
                   {"fraction_fit", num(r.fraction_fit)},
                   {"fraction_predicted_solution", num(r.fraction_predicted_solution)},
                   {"median_residual", num(r.median_residual)},
                   {"median_residual_fit", num(r.median_residual_fit)},
                   {"fraction_inputs_at_extrema", num(r.fraction_inputs_at_extrema)},
                   {"fraction_inputs_at_extrema_fit", num(r.fraction_inputs_at_extrema_fit)},
                   {"fraction_inputs_stationary", num(r.fraction_inputs_stationary)}});
    std::cout << nlohmann::json({{"survey", a.survey}, {"figure", fig}, {"rows", j}}).dump(2)
              << "\n";
    return;
  }
  std::printf(
      "EI survey of %s (%zu landscapes); EI predicts non-trivial output weights with all "
      "training inputs stationary only for N_h > N*I\n",
      a.survey.c_str(), rows.size());
  std::printf("%4s  %8s  %6s  %6s  %5s  %6s  %7s  %10s  %10s  %8s  %8s  %s\n", "N_h", "lambda",
              "N*I", "EI>thr", "min", "fit", "rank<H", "med.resid", "res(fit)", "at.ext",
              "ext(fit)", "file");
  auto f = [](double v) { return std::isfinite(v) ? fmt_g(v, 3) : std::string("-"); };
  for (const auto& r : rows)
    std::printf("%4d  %8g  %6d  %6s  %5d  %6s  %7s  %10s  %10s  %8s  %8s  %s\n", r.hidden, r.lambda,
                r.threshold, r.ei_capacity ? "yes" : "no", r.minima, f(r.fraction_fit).c_str(),
                f(r.fraction_predicted_solution).c_str(), f(r.median_residual).c_str(),
                f(r.median_residual_fit).c_str(), f(r.fraction_inputs_at_extrema).c_str(),
                f(r.fraction_inputs_at_extrema_fit).c_str(),
                std::filesystem::path(r.file).filename().string().c_str());
  std::printf(
      "fit = fraction of minima with AUC = 1; rank<H = fraction with a non-trivial null "
      "space; at.ext = fraction of training inputs within %g of a stationary point of "
      "EI's kind (fit: over fitting minima)\nfigure: %s\n",
      a.options.extremum_distance, fig.c_str());
}

Registrar reg("ei", 70, [](CLI::App& app) {
  auto a = std::make_shared<EiArgs>();
  auto* c = app.add_subcommand(
      "ei",
      "Compare minima with the extrema predicted by the EI equations (Chen 2025;\n"
      "ChinaXiv 202507.00082; docs/ei.md)\n"
      "  lossland ei DB [--json] [--show ID]    per-minimum table, stored as /minima/ei_* columns\n"
      "  lossland ei DB --train K [--seed S]    EI last-layer training from K random hidden "
      "layers\n"
      "  lossland ei --survey DIR [-o fig.svg]  table and figure over a directory of databases");
  c->add_option("db", a->db, "Database file");
  c->add_option("--survey", a->survey, "Directory of *.h5 databases (N_h x lambda survey)");
  c->add_option("-o,--out", a->figure,
                "Survey figure (.svg, .png or .pdf; default DIR/ei_survey.svg)");
  c->add_flag("--json", a->json, "JSON for programs");
  c->add_flag("--no-store", a->no_store, "Do not write the ei_* columns into the database");
  c->add_option("--show", a->show,
                "Also print the stationary points and inputs of minimum ID (default: none)");
  c->add_option("--train", a->train, "EI training from K random hidden layers (0: off)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  c->add_flag("--train-minima", a->train_minima,
              "EI training from the hidden layer of every minimum in the database");
  c->add_option("--seed", a->seed, "First seed of --train (trial k uses seed + k)")
      ->capture_default_str();
  c->add_option("--hidden-scale", a->hidden_scale,
                "Random hidden weights and biases are this times standard normal")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c->add_option("--directions", a->train_options.random_directions,
                "Random null-space directions tried by polarize")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000000));
  c->add_option("--rank-rtol", a->options.rank_rtol,
                "Singular values above this times the largest count toward rank(A)")
      ->capture_default_str();
  c->add_option("--box-low", a->options.box_low, "Lower edge of the input box searched")
      ->capture_default_str();
  c->add_option("--box-high", a->options.box_high, "Upper edge of the input box searched")
      ->capture_default_str();
  c->add_option("--grid", a->options.grid_per_dim, "Newton starts per input dimension")
      ->capture_default_str();
  c->add_option("--extremum-distance", a->options.extremum_distance,
                "A training input within this distance of an extremum of EI's kind sits at it")
      ->capture_default_str();
  c->callback([a] {
    if (a->db.empty() == a->survey.empty())
      throw std::invalid_argument(
          "give either a database (lossland ei DB) or a directory (lossland ei --survey DIR)");
    if (!a->survey.empty() && (a->train > 0 || a->train_minima))
      throw std::invalid_argument("--train/--train-minima work on one database, not --survey");
    if (a->show >= 0 && (a->json || a->train > 0 || a->train_minima))
      throw std::invalid_argument("--show prints a table for people: drop --json/--train");
    a->options.validate();
    a->train_options.analysis = a->options;
    a->train_options.validate();
    if (!a->survey.empty())
      run_survey(*a);
    else if (a->train > 0 || a->train_minima)
      run_train(*a);
    else
      run_db(*a);
  });
});

}  // namespace
}  // namespace lossland::cli
