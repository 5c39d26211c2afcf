/// `lossland thermo DB --temperature T | --scan T1:T2`: harmonic superposition thermodynamics.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/kinetics/thermo.hpp"
#include "lossland/kinetics/thermo_plot.hpp"

namespace lossland::cli {
namespace {

struct ThermoArgs {
  std::string db, scan, out;
  double temperature = std::nan("");
  int points = 41;
  int top = 8;
  bool json = false;
};

/// T1:T2 as two positive numbers.
std::pair<double, double> parse_scan(const std::string& s) {
  const auto colon = s.find(':');
  auto bad = [&] {
    return std::invalid_argument("--scan '" + s +
                                 "': give T1:T2 with 0 < T1 < T2, e.g. --scan 1e-4:1e-1");
  };
  if (colon == std::string::npos) throw bad();
  try {
    std::size_t u1 = 0, u2 = 0;
    const std::string a = s.substr(0, colon), b = s.substr(colon + 1);
    const double t1 = std::stod(a, &u1), t2 = std::stod(b, &u2);
    if (u1 != a.size() || u2 != b.size() || !(t1 > 0) || !(t1 < t2) || !std::isfinite(t2))
      throw bad();
    return {t1, t2};
  } catch (const std::invalid_argument&) {
    throw bad();
  } catch (const std::out_of_range&) {
    throw bad();
  }
}

nlohmann::json result_json(const kinetics::ThermoResult& r, bool per_minimum) {
  nlohmann::json j = {{"temperature", r.temperature},
                      {"free_energy", r.free_energy_total},
                      {"mean_energy", r.mean_energy},
                      {"mean_minimum_energy", r.mean_minimum_energy},
                      {"heat_capacity", r.heat_capacity},
                      {"entropy", r.entropy},
                      {"log_z", r.log_z_total}};
  nlohmann::json occ = nlohmann::json::object();
  for (std::size_t i = 0; i < r.occupation.size(); ++i) occ[std::to_string(i)] = r.occupation[i];
  j["occupation"] = occ;
  if (per_minimum) {
    nlohmann::json f = nlohmann::json::object(), lz = nlohmann::json::object();
    for (std::size_t i = 0; i < r.occupation.size(); ++i) {
      f[std::to_string(i)] = r.free_energy[i];
      lz[std::to_string(i)] = r.log_z[i];
    }
    j["minimum_free_energy"] = f;
    j["minimum_log_z"] = lz;
  }
  return j;
}

void run_thermo(const ThermoArgs& a) {
  const bool single = !std::isnan(a.temperature);
  if (single == !a.scan.empty())
    throw std::invalid_argument("give exactly one of --temperature T and --scan T1:T2");
  if (!a.out.empty() && single)
    throw std::invalid_argument("-o draws p_i(T) and C(T) over a scan: give --scan T1:T2");
  if (single) kinetics::check_temperature(a.temperature, "--temperature");
  if (a.top < 1) throw std::invalid_argument("--top must be >= 1");
  const db::Landscape land = open_harmonic_landscape(a.db);
  if (land.minima.empty())
    throw std::invalid_argument("'" + a.db + "' holds no minima: run lossland bh first");
  const kinetics::HarmonicLandscape h = kinetics::harmonic_landscape(land);
  if (single) {
    const kinetics::ThermoResult r = kinetics::thermodynamics(h, a.temperature);
    if (a.json) {
      nlohmann::json j = result_json(r, true);
      j["database"] = a.db;
      j["parameters"] = h.dimension;
      j["log_group_order"] = h.log_group_order;
      std::cout << j.dump(2) << "\n";
      return;
    }
    std::printf("%s at T = %g (harmonic superposition, P = %d, |G| = e^%.4g)\n", a.db.c_str(),
                r.temperature, h.dimension, h.log_group_order);
    std::printf("  F = %.10g  <E> = %.10g  C = %.6g  S = %.6g\n", r.free_energy_total,
                r.mean_energy, r.heat_capacity, r.entropy);
    std::printf("  %8s %18s %7s %12s %18s\n", "minimum", "energy", "horder", "p_i", "F_i");
    for (std::size_t i = 0; i < r.occupation.size(); ++i)
      std::printf("  %8zu %18.12g %7.0f %12.5g %18.12g\n", i, h.minima[i].energy,
                  std::exp(h.minima[i].log_order), r.occupation[i], r.free_energy[i]);
    return;
  }
  const auto [t1, t2] = parse_scan(a.scan);
  const auto scan = kinetics::thermo_scan(h, t1, t2, a.points);
  const std::vector<int> shown = kinetics::most_occupied(scan, a.top);
  if (!a.out.empty()) kinetics::draw_thermo_scan(scan, shown, a.out);
  if (a.json) {
    nlohmann::json j = {{"database", a.db}, {"parameters", h.dimension}};
    j["scan"] = nlohmann::json::array();
    for (const auto& r : scan) j["scan"].push_back(result_json(r, false));
    if (!a.out.empty()) j["plot"] = a.out;
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("%s: %zu temperatures from %g to %g (log-spaced)\n", a.db.c_str(), scan.size(), t1,
              t2);
  std::printf("  %12s %16s %16s %12s", "T", "F", "<E>", "C");
  for (int i : shown) std::printf(" %9s", ("p_" + std::to_string(i)).c_str());
  std::printf("\n");
  for (const auto& r : scan) {
    std::printf("  %12.5g %16.9g %16.9g %12.6g", r.temperature, r.free_energy_total, r.mean_energy,
                r.heat_capacity);
    for (int i : shown) std::printf(" %9.4f", r.occupation[i]);
    std::printf("\n");
  }
  if (!a.out.empty()) std::printf("wrote %s\n", a.out.c_str());
}

Registrar reg("thermo", 56, [](CLI::App& app) {
  auto a = std::make_shared<ThermoArgs>();
  auto* c = app.add_subcommand(
      "thermo",
      "Harmonic superposition thermodynamics of the canonical distribution exp(-E/T) over the\n"
      "parameters (T in loss units; the distribution noisy gradient descent\n"
      "dw = -grad E dt + sqrt(2T) dW samples). Minimum i has\n"
      "  Z_i = (|G|/O_i) exp(-E_i/T) (2 pi T)^(P/2) / sqrt(det H_i)\n"
      "(|G| = N_h! 2^N_h for tanh, N_h! for sigmoid; O_i = /minima/horder, the stabiliser\n"
      "order). Prints p_i = Z_i / sum Z, F_i = -T ln Z_i, F, <E> = sum p_i (E_i + P T/2) and\n"
      "C = d<E>/dT = P/2 + sum p_i (E_i - <E_min>)^2 / T^2.\n"
      "Examples:\n"
      "  lossland thermo x3.h5 --temperature 1e-3 --json\n"
      "  lossland thermo x3.h5 --scan 1e-4:1e-1 --points 61 -o x3_thermo.png");
  c->add_option("db", a->db, "Database file")->required();
  c->add_option("--temperature,-T", a->temperature, "Temperature T > 0 (loss units)");
  c->add_option("--scan", a->scan, "Temperatures T1:T2 (log-spaced, both included)");
  c->add_option("--points", a->points, "Temperatures in a scan (2..100000)")->capture_default_str();
  c->add_option("--top", a->top, "Minima shown in the scan table and plot (most occupied)")
      ->capture_default_str();
  c->add_option("-o,--output", a->out, "Plot of p_i(T) and C(T) for a scan: .png, .svg or .pdf");
  c->add_flag("--json", a->json, "Print the results as JSON (occupation: id -> p_i)");
  c->callback([a] { run_thermo(*a); });
});

}  // namespace
}  // namespace lossland::cli
