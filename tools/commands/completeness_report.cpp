/// \file
/// Completeness estimate output and the stop-rule flags (completeness_report.hpp).

#include "commands/completeness_report.hpp"

#include <cmath>
#include <cstdio>
#include <map>

namespace lossland::cli {
namespace {

nlohmann::json figure(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json completeness_json(const CompletenessEstimate& e) {
  return {{"status", to_string(e.status)},
          {"message", e.message},
          {"estimator", "Chao1 (bias-corrected) and Good-Turing; hits are correlated"},
          {"quenches", e.quenches},
          {"draws", e.draws},
          {"observed", e.observed},
          {"singletons", e.singletons},
          {"doubletons", e.doubletons},
          {"not_quenched", e.not_quenched},
          {"unknown_hits", e.unknown_hits},
          {"chao1", figure(e.chao1)},
          {"chao1_sd", figure(e.chao1_sd)},
          {"chao1_low", figure(e.chao1_low)},
          {"chao1_high", figure(e.chao1_high)},
          {"unseen", figure(e.unseen)},
          {"p_new", figure(e.p_new)}};
}

void print_completeness(const CompletenessEstimate& e) {
  const char* indent = "";
  std::printf("%scompleteness        %s: %s\n", indent, to_string(e.status).c_str(),
              e.message.c_str());
  if (e.quenches >= 0)
    std::printf("%squenches            %lld over the landscape's history\n", indent,
                static_cast<long long>(e.quenches));
  if (!std::isfinite(e.chao1)) return;
  std::printf("%sreached minima      %lld by %lld quenches (f1 = %lld once, f2 = %lld twice)%s\n",
              indent, static_cast<long long>(e.observed), static_cast<long long>(e.draws),
              static_cast<long long>(e.singletons), static_cast<long long>(e.doubletons),
              e.not_quenched ? ("; " + std::to_string(e.not_quenched) +
                                " more reached by no quench (the all-zero check, connect)")
                                   .c_str()
                             : "");
  std::printf("%sestimated total     %.4g (Chao1; sd %.3g, 95%% %.4g-%.4g): %.3g never reached\n",
              indent, e.chao1, e.chao1_sd, e.chao1_low, e.chao1_high, e.unseen);
  std::printf("%sP(next is new)      %.3g (Good-Turing f1/n)\n", indent, e.p_new);
  std::printf(
      "%s                    (hits are correlated, not independent draws: "
      "docs/completeness.md)\n",
      indent);
}

void add_stop_rule_options(CLI::App* c, BasinHoppingOptions& o, const std::string& prefix) {
  const std::map<std::string, BasinHoppingStopRule> rules{
      {"no-new", BasinHoppingStopRule::NoNew}, {"estimate", BasinHoppingStopRule::Estimate}};
  c->add_option("--stop-rule", o.stop_rule,
                prefix +
                    "Stop rule: no-new (after --stop-after quenches without a new minimum) or "
                    "estimate (Good-Turing P(new) < --stop-p-new and --stop-quiet quenches "
                    "without a new minimum; docs/completeness.md)")
      ->transform(CLI::CheckedTransformer(rules, CLI::ignore_case))
      ->option_text("no-new|estimate (default: no-new)");
  c->add_option("--stop-p-new", o.stop_p_new,
                prefix + "Estimate rule: stop when P(new) is below this, in (0, 1)")
      ->capture_default_str();
  c->add_option("--stop-quiet", o.stop_quiet,
                prefix + "Estimate rule: and at least this many quenches found no new minimum")
      ->capture_default_str();
}

}  // namespace lossland::cli
