/// \file
/// summary.md's completeness table (completeness_summary.hpp).

#include "survey/completeness_summary.hpp"

#include <fmt/format.h>

#include <cmath>

namespace lossland::survey {

namespace {
std::string number(double v, const char* spec) {
  return std::isfinite(v) ? fmt::format(spec, v) : std::string();
}
std::string count(std::int64_t v) {
  return v >= 0 ? std::to_string(v) : std::string();
}
std::string md_header() {
  return " | quenches | reached by quenches | Chao1 (95%) | est. unseen | P(new)";
}

std::string md_align() {
  return "---:|---:|---:|---:|---:|";
}

std::string md_cells(const CompletenessEstimate& e) {
  if (!std::isfinite(e.chao1))
    return fmt::format(" | {} | - | {} | - | -", e.quenches >= 0 ? count(e.quenches) : "-",
                       to_string(e.status));
  return fmt::format(" | {} | {} | {:.4g} ({:.4g}-{:.4g}){} | {:.3g} | {:.2g}",
                     e.quenches >= 0 ? count(e.quenches) : "-", count(e.observed), e.chao1,
                     e.chao1_low, e.chao1_high,
                     e.status == CompletenessStatus::Partial ? " partial" : "", e.unseen, e.p_new);
}

}  // namespace

std::string completeness_csv_header() {
  return "completeness,quenches,hit_singletons,hit_doubletons,chao1,chao1_low,chao1_high,"
         "unseen_minima,p_new";
}

std::string completeness_csv_fields(const CompletenessEstimate& e) {
  return fmt::format("{},{},{},{},{},{},{},{},{}", to_string(e.status), count(e.quenches),
                     count(e.singletons), count(e.doubletons), number(e.chao1, "{:.6g}"),
                     number(e.chao1_low, "{:.6g}"), number(e.chao1_high, "{:.6g}"),
                     number(e.unseen, "{:.6g}"), number(e.p_new, "{:.6g}"));
}

std::string completeness_table(const std::vector<LandscapeSummary>& rows) {
  std::string md = "\n## Completeness of basin-hopping\n\n| N_h | lambda | minima" + md_header() +
                   " |\n|---:|---:|---:|" + md_align() + "\n";
  for (const auto& s : rows)
    md += fmt::format("| {} | {:.0e} | {}{} |\n", s.hidden, s.lambda, s.minima,
                      md_cells(s.completeness));
  md +=
      "\n'Minima' counts every minimum in the database, including those that only transition-state "
      "descents (connect) or the all-zero check added; 'reached by quenches' (S_obs) counts those "
      "that some basin-hopping quench reached, the population the estimate is about. "
      "Chao1 (A. Chao, Scand. J. Statist. 11, 265 (1984)) estimates how many minima quenches "
      "can reach from how many were reached once (f1) and twice (f2), S_obs + f1 (f1 - 1) / "
      "(2 (f2 + 1)), with a 95% interval; 'est. unseen' is the part never reached; P(new) = "
      "f1 / n (I. J. Good, Biometrika 40, 237 (1953)) is the chance that the next quench finds a "
      "new minimum. Both treat quenches as independent draws; basin-hopping hits are not (each "
      "quench starts near the walker's current minimum), so read them as a guide, not a bound "
      "(docs/completeness.md).\n";
  return md;
}

}  // namespace lossland::survey
