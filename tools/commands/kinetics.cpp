/// `lossland kinetics DB --from A --to B --temperature T`: first-passage times, rate constants,
/// committors and the fastest path between two sets of minima (graph transformation).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "commands/selection.hpp"
#include "lossland/kinetics/ngt.hpp"

namespace lossland::cli {
namespace {

struct KineticsArgs {
  std::string db, from, to, dynamics = "overdamped";
  double temperature = std::nan("");
  bool json = false;
};

/// exp(x) as JSON: null where it overflows (the log is always given alongside).
nlohmann::json jexp(double log_value) {
  const double v = std::exp(log_value);
  if (!std::isfinite(v)) return nullptr;
  return v;
}

std::string ids_text(const std::vector<std::int64_t>& ids) {
  std::string s;
  for (auto i : ids) s += (s.empty() ? "" : ",") + std::to_string(i);
  return s;
}

/// A number that may overflow double: printed from its natural log.
std::string exp_text(double log_value) {
  const double v = std::exp(log_value);
  if (std::isfinite(v) && v > 0) return fmt_g(v, 6);
  const double l10 = log_value / std::log(10.0);
  const double e = std::floor(l10);
  return fmt_g(std::pow(10.0, l10 - e), 6) + "e" + fmt_g(e, 10);
}

void run_kinetics(const KineticsArgs& a) {
  if (std::isnan(a.temperature))
    throw std::invalid_argument("give --temperature T (loss units, > 0)");
  kinetics::check_temperature(a.temperature, "--temperature");
  if (a.from.empty() || a.to.empty())
    throw std::invalid_argument("give both --from A and --to B (ids, global, zero or FIELD<V)");
  const kinetics::Dynamics dyn = kinetics::parse_dynamics(a.dynamics);
  const db::Landscape land = open_harmonic_landscape(a.db);
  const auto A = select_minima(land, a.from, "--from");
  const auto B = select_minima(land, a.to, "--to");
  if (A.empty()) throw std::invalid_argument("--from '" + a.from + "' selects no minimum");
  if (B.empty()) throw std::invalid_argument("--to '" + a.to + "' selects no minimum");
  const kinetics::HarmonicLandscape h = kinetics::harmonic_landscape(land);
  const kinetics::RateNetwork net = kinetics::rate_network(h, a.temperature, dyn);
  const kinetics::SetKinetics k = kinetics::set_kinetics(net, A, B);
  const auto& path = k.fastest_path;
  const char* unit = dyn == kinetics::Dynamics::Overdamped
                         ? "t of dw = -grad E dt + sqrt(2T) dW"
                         : "t of Newton's equations with unit masses";
  if (a.json) {
    nlohmann::json occ = nlohmann::json::object(), com = nlohmann::json::object();
    for (std::size_t i = 0; i < h.minima.size(); ++i) {
      occ[std::to_string(i)] = std::exp(net.log_occupation[i]);
      com[std::to_string(i)] = std::isnan(k.log_committor[i])
                                   ? nlohmann::json(nullptr)
                                   : nlohmann::json(std::exp(k.log_committor[i]));
    }
    nlohmann::json mfpt = nlohmann::json::object(), lmfpt = nlohmann::json::object();
    for (std::size_t n = 0; n < k.a.size(); ++n) {
      mfpt[std::to_string(k.a[n])] = jexp(k.log_mfpt_ab[n]);
      lmfpt[std::to_string(k.a[n])] = k.log_mfpt_ab[n];
    }
    nlohmann::json mfpt_ba = nlohmann::json::object();
    for (std::size_t n = 0; n < k.b.size(); ++n)
      mfpt_ba[std::to_string(k.b[n])] = jexp(k.log_mfpt_ba[n]);
    nlohmann::json j = {
        {"database", a.db},
        {"temperature", a.temperature},
        {"dynamics", kinetics::to_string(dyn)},
        {"time_unit", unit},
        {"A", k.a},
        {"B", k.b},
        {"occupation", occ},
        {"mfpt", mfpt},
        {"log_mfpt", lmfpt},
        {"mfpt_mean", jexp(k.log_mean_mfpt_ab)},
        {"log_mfpt_mean", k.log_mean_mfpt_ab},
        {"mfpt_BA", mfpt_ba},
        {"mfpt_BA_mean", jexp(k.log_mean_mfpt_ba)},
        {"p_A", std::exp(k.log_p_a)},
        {"p_B", std::exp(k.log_p_b)},
        {"log_p_A", k.log_p_a},
        {"log_p_B", k.log_p_b},
        {"k_AB_NSS", jexp(k.log_k_ab_nss)},
        {"k_BA_NSS", jexp(k.log_k_ba_nss)},
        {"k_AB_SS", jexp(k.log_k_ab_ss)},
        {"k_BA_SS", jexp(k.log_k_ba_ss)},
        {"log_k",
         {{"AB_NSS", k.log_k_ab_nss},
          {"BA_NSS", k.log_k_ba_nss},
          {"AB_SS", k.log_k_ab_ss},
          {"BA_SS", k.log_k_ba_ss}}},
        {"rate_definitions",
         "k_AB is the rate from A to B. NSS: (1/p_A) sum_a p_a / T_B<-a. SS: (1/p_A) sum_a p_a "
         "sum_j k(a->j) q_j with q the committor to B (Wales, J. Chem. Phys. 130, 204111 "
         "(2009))"},
        {"committor", com},
        {"degenerate_transition_states", net.degenerate_transition_states}};
    j["fastest_path"] = {{"found", path.found},
                         {"minima", path.minima},
                         {"transition_states", path.transition_states},
                         {"log_branching", path.log_branching},
                         {"probability", std::exp(path.log_probability)},
                         {"log_probability", path.log_probability}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("%s at T = %g, %s dynamics (times in units of %s)\n", a.db.c_str(), a.temperature,
              kinetics::to_string(dyn).c_str(), unit);
  std::printf("  A = {%s} (p_A = %s), B = {%s} (p_B = %s)\n", ids_text(k.a).c_str(),
              exp_text(k.log_p_a).c_str(), ids_text(k.b).c_str(), exp_text(k.log_p_b).c_str());
  std::printf("  mean first-passage time to B:\n");
  for (std::size_t n = 0; n < k.a.size(); ++n)
    std::printf("    from %lld: %s\n", static_cast<long long>(k.a[n]),
                exp_text(k.log_mfpt_ab[n]).c_str());
  std::printf("    equilibrium-weighted mean over A: %s\n", exp_text(k.log_mean_mfpt_ab).c_str());
  std::printf("  mean first-passage time B -> A (weighted mean): %s\n",
              exp_text(k.log_mean_mfpt_ba).c_str());
  std::printf("  rate constants (Wales 2009; k_AB = A to B):\n");
  std::printf("    NSS  k_AB = %s   k_BA = %s\n", exp_text(k.log_k_ab_nss).c_str(),
              exp_text(k.log_k_ba_nss).c_str());
  std::printf("    SS   k_AB = %s   k_BA = %s\n", exp_text(k.log_k_ab_ss).c_str(),
              exp_text(k.log_k_ba_ss).c_str());
  std::printf("  committor q_i = P(reach B before A):\n");
  for (std::size_t i = 0; i < h.minima.size(); ++i)
    if (!std::isnan(k.log_committor[i]))
      std::printf("    %4zu  E = %-16.10g q = %.6g\n", i, h.minima[i].energy,
                  std::exp(k.log_committor[i]));
  if (path.found) {
    std::printf("  fastest path (product of branching probabilities %s):\n",
                exp_text(path.log_probability).c_str());
    std::printf("    minimum %lld (E = %.10g)\n", static_cast<long long>(path.minima[0]),
                h.minima[path.minima[0]].energy);
    for (std::size_t s = 0; s < path.transition_states.size(); ++s)
      std::printf("      ts %lld (E = %.10g, P = %.4g) -> minimum %lld (E = %.10g)\n",
                  static_cast<long long>(path.transition_states[s]),
                  h.transition_states[path.transition_states[s]].energy,
                  std::exp(path.log_branching[s]), static_cast<long long>(path.minima[s + 1]),
                  h.minima[path.minima[s + 1]].energy);
  }
  if (net.degenerate_transition_states)
    std::printf("  note: %d degenerate transition states (min1 == min2) add no rate\n",
                net.degenerate_transition_states);
}

Registrar reg("kinetics", 57, [](CLI::App& app) {
  auto a = std::make_shared<KineticsArgs>();
  auto* c = app.add_subcommand(
      "kinetics",
      "First-passage kinetics between two sets of minima A and B at temperature T, by graph\n"
      "transformation (Wales, J. Chem. Phys. 130, 204111 (2009)) on the harmonic rates:\n"
      "  overdamped (default, Langer): k = (O_i/O_s) (|kappa_s|/2pi) sqrt(det H_i/|det H_s|)\n"
      "                                    exp(-(E_s - E_i)/T)\n"
      "  inertial (harmonic TST, unit masses, as PATHSAMPLE):\n"
      "    k = (O_i/O_s) (1/2pi) prod sqrt(kappa_i) / prod' sqrt(kappa_s) exp(-(E_s - E_i)/T)\n"
      "summed over the transition states of each pair. Reports the mean first-passage time\n"
      "(MFPT) from each minimum of A to B and its equilibrium-weighted mean, k_AB and k_BA\n"
      "(A to B and B to A; NSS and SS definitions of Wales 2009), committors q_i = P(reach B\n"
      "before A), and the fastest path (largest product of branching probabilities, Dijkstra\n"
      "on -ln P). A and B: comma-separated ids, global, zero, or conditions on /minima columns\n"
      "such as auc<1 (after lossland analyze). Times are in units of t of\n"
      "dw = -grad E dt + sqrt(2T) dW (overdamped) or of Newton's equations with unit masses\n"
      "(inertial). See docs/kinetics.md.\n"
      "Examples:\n"
      "  lossland kinetics x3.h5 --from zero --to 'auc>=1' --temperature 1e-3\n"
      "  lossland kinetics x3.h5 --from 2,5 --to global -T 2e-3 --dynamics inertial --json");
  c->add_option("db", a->db, "Database file")->required();
  c->add_option("--from", a->from, "The set A");
  c->add_option("--to", a->to, "The set B");
  c->add_option("--temperature,-T", a->temperature, "Temperature T > 0 (loss units)");
  c->add_option("--dynamics", a->dynamics, "overdamped (Langer) or inertial (harmonic TST)")
      ->check(CLI::IsMember({"overdamped", "inertial"}))
      ->capture_default_str();
  c->add_flag("--json", a->json,
              "Print JSON: occupation (id -> p_i), mfpt (id in A -> MFPT to B), rates, "
              "committor, fastest_path");
  c->callback([a] { run_kinetics(*a); });
});

}  // namespace
}  // namespace lossland::cli
