/// The columns of `lossland query minima` and `query ts` and the entries of `query stats`: one
/// descriptor per column or entry, printed by the writers of query_write.hpp.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "commands/common.hpp"
#include "commands/completeness_report.hpp"
#include "commands/query_context.hpp"
#include "commands/query_write.hpp"

namespace lossland::cli {
namespace {

/// The columns every listing of points starts with: id, energy, grad_rms and the lowest Hessian
/// eigenvalue (0 where none is stored) as field `eigenvalue` under heading `header`.
std::vector<QueryColumn> point_columns(const std::function<const db::StoredPoint&(std::size_t)>& p,
                                       const std::string& eigenvalue, const std::string& header) {
  // name, header, width, text format, CSV format, integer, shown in, JSON key, text if not finite
  return {{"id", "", 6, "", "", true, kInAll, "", "", [](std::size_t r) { return double(r); }},
          {"energy", "", 22, "%.15g", "%.17g", false, kInAll, "", "",
           [=](std::size_t r) { return p(r).energy; }},
          {"grad_rms", "", 11, "%.3e", "%.6e", false, kInAll, "", "",
           [=](std::size_t r) { return p(r).grad_rms; }},
          {eigenvalue, header, 13, "%.6e", "%.17g", false, kInAll, "", "", [=](std::size_t r) {
             const auto& e = p(r).eigenvalues;
             return e.size() ? e[0] : 0.0;
           }}};
}

}  // namespace

void query_minima(const QueryArgs& a) {
  const QueryFormat format = format_of(a.json, a.csv);
  const Context ctx(a.db, kLowestEigenvalue);
  const db::Landscape& land = ctx.land;
  const std::vector<int> cls = symmetry_classes(ctx);
  std::vector<std::size_t> degree(land.minima.size(), 0);
  for (const auto& ts : land.transition_states) {
    ++degree[ts.min1];
    if (ts.min2 != ts.min1) ++degree[ts.min2];
  }
  const auto& m = land.minima;
  QueryListing l;
  l.rows = m.size();
  l.columns = point_columns([&](std::size_t r) -> const db::StoredPoint& { return m[r]; },
                            "min_eigenvalue", "min_eigval");
  // name, header, width, text format, CSV format, integer, shown in, JSON key, text if not finite
  l.columns.insert(l.columns.end(),
                   {
                       {"class", "", 6, "", "", true, kInAll, "dataset_symmetry_class", "",
                        [&](std::size_t r) { return double(cls[r]); }},
                       {"component", "", 6, "", "", true, kInCsvJson, "", "",
                        [&](std::size_t r) { return double(ctx.comps.of_minimum[r]); }},
                       {"degree", "", 6, "", "", true, kInCsvJson, "", "",
                        [&](std::size_t r) { return double(degree[r]); }},
                       {"barrier", "", 12, "", "%.17g", false, kInAll, "", "none",
                        [&](std::size_t r) { return ctx.escape[r].barrier; }},
                   });
  l.stored = &land.minima_columns;
  l.title = a.db + ": " + std::to_string(m.size()) + " minima up to the network's symmetries; " +
            std::to_string(count_classes(cls)) + " up to the dataset's too";
  l.json_rows = "minima";
  l.json_head = {{"database", a.db},
                 {"count", m.size()},
                 {"count_up_to_dataset_symmetry", count_classes(cls)}};
  l.json_row = [&](std::size_t i, nlohmann::json& r) {
    if (ctx.escape[i].escapes()) {
      r["escape_ts"] = ctx.escape[i].transition_state;
      r["escape_to"] = ctx.escape[i].lower_minimum;
    }
  };
  write_listing(l, a.list, format);
}

void query_ts(const QueryArgs& a) {
  const QueryFormat format = format_of(a.json, a.csv);
  const Context ctx(a.db, kLowestEigenvalue);
  const db::Landscape& land = ctx.land;
  const auto& ts = land.transition_states;
  const auto barrier = [&](std::size_t r, std::int64_t min) {
    return ts[r].energy - land.minima[min].energy;
  };
  QueryListing l;
  l.rows = ts.size();
  l.columns = point_columns([&](std::size_t r) -> const db::StoredPoint& { return ts[r]; },
                            "neg_eigenvalue", "neg_eigval");
  // name, header, width, text format, CSV format, integer, shown in, JSON key, text if not finite
  l.columns.insert(l.columns.end(), {
                                        {"min1", "", 6, "", "", true, kInAll, "", "",
                                         [&](std::size_t r) { return double(ts[r].min1); }},
                                        {"min2", "", 6, "", "", true, kInAll, "", "",
                                         [&](std::size_t r) { return double(ts[r].min2); }},
                                        {"barrier1", "", 12, "%.6g", "%.17g", false, kInAll, "", "",
                                         [&](std::size_t r) { return barrier(r, ts[r].min1); }},
                                        {"barrier2", "", 12, "%.6g", "%.17g", false, kInAll, "", "",
                                         [&](std::size_t r) { return barrier(r, ts[r].min2); }},
                                    });
  l.stored = &land.ts_columns;
  l.title = a.db + ": " + std::to_string(ts.size()) + " transition states joining " +
            std::to_string(land.minima.size()) + " minima";
  l.empty_note = "(none yet: run lossland connect " + a.db + " --all)";
  l.json_rows = "transition_states";
  l.json_head = {{"database", a.db}, {"count", ts.size()}};
  write_listing(l, a.list, format);
}

void query_stats(const QueryArgs& a) {
  const Context ctx(a.db, kNoSpectra, false);
  const db::Landscape& land = ctx.land;
  const std::size_t distinct = count_classes(symmetry_classes(ctx));
  const std::size_t M = land.minima.size(), T = land.transition_states.size();
  std::int64_t gmin = -1;
  for (std::size_t i = 0; i < M; ++i)
    if (gmin < 0 || land.minima[i].energy < land.minima[gmin].energy)
      gmin = static_cast<std::int64_t>(i);
  const int largest =
      ctx.comps.count ? *std::max_element(ctx.comps.sizes.begin(), ctx.comps.sizes.end()) : 0;
  const double ratio = M ? static_cast<double>(T) / static_cast<double>(M) : std::nan("");
  const int loops = ctx.net.num_self_loops();
  const CompletenessEstimate completeness = estimate_completeness(land);
  using J = nlohmann::json;
  using S = std::string;
  const auto num = [](auto v) { return std::to_string(v); };
  // JSON key, text label, JSON value, text ("" leaves the line out)
  const std::vector<ReportEntry> entries = {
      {"database", "database", [&] { return J(a.db); }, [&] { return a.db; }},
      {"minima", "minima", [&] { return J(M); },
       [&] { return num(M) + " (" + num(distinct) + " up to the dataset's symmetries too)"; }},
      {"minima_up_to_dataset_symmetry", "", [&] { return J(distinct); }, nullptr},
      {"transition_states", "transition states", [&] { return J(T); },
       [&] { return num(T) + (loops ? " (" + num(loops) + " join a minimum to itself)" : S()); }},
      {"ts_per_minimum", "ts / minima", [&] { return jnum(ratio); },
       [&] { return M ? printf_double("%.4g", ratio) : S(); }},
      {"connected_sets", "connected sets", [&] { return J(ctx.comps.count); },
       [&] { return num(ctx.comps.count) + " (largest: " + num(largest) + " minima)"; }},
      {"largest_connected_set", "", [&] { return J(largest); }, nullptr},
      {"self_loop_transition_states", "", [&] { return J(loops); }, nullptr},
      {"global_minimum", "global minimum",
       [&] {
         if (gmin < 0) return J(nullptr);
         return J{{"id", gmin},
                  {"energy", land.minima[gmin].energy},
                  {"connected_set_size", ctx.comps.sizes[0]}};
       },
       [&] {
         if (gmin < 0) return S();
         return "id " + num(gmin) + ", E = " + printf_double("%.15g", land.minima[gmin].energy) +
                " (its connected set: " + num(ctx.comps.sizes[0]) + " minima)";
       }},
      // The text form is several aligned lines (print_completeness), printed below.
      {"completeness", "", [&] { return completeness_json(completeness); }, nullptr},
  };
  const QueryFormat format = a.json ? QueryFormat::Json : QueryFormat::Table;
  write_entries(entries, format, 20);
  if (format == QueryFormat::Table) print_completeness(completeness);
  if (format == QueryFormat::Table && T == 0 && M > 1)
    std::printf("note: no transition states yet; run lossland connect %s --all\n", a.db.c_str());
}

}  // namespace lossland::cli
