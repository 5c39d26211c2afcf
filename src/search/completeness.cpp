/// \file
/// Completeness estimates from hit counts (lossland/search/completeness.hpp;
/// docs/completeness.md).

#include "lossland/search/completeness.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace lossland {

std::string to_string(CompletenessStatus s) {
  switch (s) {
    case CompletenessStatus::Ok:
      return "ok";
    case CompletenessStatus::NoHits:
      return "no-hits";
    case CompletenessStatus::Partial:
      return "partial";
    case CompletenessStatus::Unknown:
      return "unknown";
  }
  return "unknown";
}

CompletenessEstimate estimate_from_counts(const std::vector<std::int64_t>& counts) {
  CompletenessEstimate e;
  e.draws = e.observed = e.singletons = e.doubletons = 0;
  for (const std::int64_t c : counts) {
    if (c <= 0) continue;
    e.draws += c;
    ++e.observed;
    e.singletons += c == 1;
    e.doubletons += c == 2;
  }
  if (e.draws == 0) {
    e.status = CompletenessStatus::NoHits;
    e.message = "no quench has reached a minimum yet: nothing to estimate from";
    return e;
  }
  e.status = CompletenessStatus::Ok;
  const double f1 = static_cast<double>(e.singletons), f2 = static_cast<double>(e.doubletons);
  const double s_obs = static_cast<double>(e.observed);
  // Bias-corrected Chao1 (Chao 1984; Chao 2005) and its variance.
  e.unseen = f1 > 1 ? f1 * (f1 - 1) / (2 * (f2 + 1)) : 0.0;  // no -0 for f1 = 0
  e.chao1 = s_obs + e.unseen;
  const double var = f1 * (f1 - 1) / (2 * (f2 + 1)) +
                     f1 * (2 * f1 - 1) * (2 * f1 - 1) / (4 * (f2 + 1) * (f2 + 1)) +
                     f1 * f1 * f2 * (f1 - 1) * (f1 - 1) / (4 * std::pow(f2 + 1, 4));
  e.chao1_sd = std::sqrt(var);
  // Log-normal interval (Chao 1987): S_obs + T / C .. S_obs + T C.
  const double T = e.unseen;
  if (T > 0) {
    const double C = std::exp(1.96 * std::sqrt(std::log(1 + var / (T * T))));
    e.chao1_low = s_obs + T / C;
    e.chao1_high = s_obs + T * C;
  } else {
    e.chao1_low = e.chao1_high = s_obs;
  }
  e.p_new = f1 / static_cast<double>(e.draws);  // Good-Turing (Good 1953)
  e.message = fmt::format(
      "from {} quenches that reached a minimum, as if they were independent draws (they are "
      "not: basin-hopping hits are correlated)",
      e.draws);
  return e;
}

CompletenessEstimate estimate_completeness(const db::Landscape& land) {
  const std::int64_t quenches = count_note(land, kQuenchesNote);
  const auto it = land.minima_columns.find(db::kHitsColumn);
  if (it == land.minima_columns.end() || it->second.cols() != 1 ||
      it->second.rows() != static_cast<Eigen::Index>(land.minima.size())) {
    CompletenessEstimate e;
    e.quenches = quenches;
    e.message =
        "this landscape keeps no hit statistics (/minima/hits: written before they were kept, "
        "or by another program); run bh on it to start counting";
    return e;
  }
  std::vector<std::int64_t> counts;
  std::int64_t unknown = 0, zero = 0;
  for (Eigen::Index r = 0; r < it->second.rows(); ++r) {
    const double v = it->second(r, 0);
    if (!std::isfinite(v) || v < 0) {
      ++unknown;
      continue;
    }
    const auto c = static_cast<std::int64_t>(std::llround(v));
    zero += c == 0;
    counts.push_back(c);
  }
  CompletenessEstimate e = estimate_from_counts(counts);
  e.quenches = quenches;
  e.not_quenched = zero;
  e.unknown_hits = unknown;
  if (unknown > 0) {
    e.status = CompletenessStatus::Partial;
    e.message = fmt::format(
        "{} minima were stored before hit statistics were kept (hits unknown) and are left "
        "out, so is every quench that reached them: the figures describe the rest only; {}",
        unknown, e.message);
  }
  return e;
}

std::string describe(const CompletenessEstimate& e) {
  if (e.status == CompletenessStatus::Unknown || e.status == CompletenessStatus::NoHits)
    return fmt::format("completeness {}: {}", to_string(e.status), e.message);
  return fmt::format(
      "Chao1 {:.4g} minima reachable by quenches (95%: {:.4g}-{:.4g}; {:.3g} never reached); "
      "P(new) = {:.3g} (Good-Turing; f1 = {}, f2 = {}, n = {}){}{}. Hits are correlated, not "
      "independent draws: a guide, not a bound (docs/completeness.md)",
      e.chao1, e.chao1_low, e.chao1_high, e.unseen, e.p_new, e.singletons, e.doubletons, e.draws,
      e.not_quenched > 0
          ? fmt::format("; {} minima reached by no quench (the all-zero check, connect)",
                        e.not_quenched)
          : "",
      e.status == CompletenessStatus::Partial
          ? fmt::format("; PARTIAL: {} minima have unknown hits", e.unknown_hits)
          : "");
}

void add_to_count_note(db::Landscape& land, const char* name, std::int64_t by) {
  const std::int64_t had = count_note(land, name);
  land.notes[name] = std::to_string((had < 0 ? 0 : had) + by);
}

void record_connect_run(db::Landscape& land, std::int64_t attempts) {
  add_to_count_note(land, kConnectRunsNote, 1);
  add_to_count_note(land, kConnectAttemptsNote, attempts);
}

std::int64_t count_note(const db::Landscape& land, const char* name) {
  const auto it = land.notes.find(name);
  if (it == land.notes.end()) return -1;
  std::int64_t v = 0;
  const char* end = it->second.data() + it->second.size();
  const auto [ptr, ec] = std::from_chars(it->second.data(), end, v);
  return ec == std::errc() && ptr == end && v >= 0 ? v : -1;
}

}  // namespace lossland
