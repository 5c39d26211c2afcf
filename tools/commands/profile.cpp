/// `lossland profile DB I J -o FILE`: the energy along the lowest-barrier pathway from I to J.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/analysis/profile.hpp"
#include "lossland/graph/network.hpp"
#include "lossland/model/mlp_loss.hpp"

namespace lossland::cli {
namespace {

struct ProfileArgs {
  std::string db, out;
  std::int64_t from = -1, to = -1;
  bool json = false;
  PathOptions path;
};

void run_profile(const ProfileArgs& a) {
  const db::Landscape land = open_landscape(a.db);
  const auto M = static_cast<std::int64_t>(land.minima.size());
  for (const std::int64_t id : {a.from, a.to})
    if (id < 0 || id >= M)
      throw std::invalid_argument("profile: minimum " + std::to_string(id) +
                                  " is not a row of /minima (0.." + std::to_string(M - 1) + ")");
  const graph::TransitionNetwork net(land);
  const graph::MinimaxPath p = net.minimax_path(a.from, a.to);
  if (p.status == graph::PathStatus::NotConnected)
    throw std::invalid_argument("profile: " + p.message +
                                " (run `lossland connect DB --pair I J` first)");
  const MlpLoss loss(land.dataset, land.model);
  const PathwayProfile prof = pathway_profile(loss, land, p.minima, p.transition_states, a.path);
  if (!a.out.empty())
    draw_profile(prof, a.out,
                 "lowest-barrier pathway, minimum " + std::to_string(a.from) + " to " +
                     std::to_string(a.to));
  if (a.json) {
    nlohmann::json pts = nlohmann::json::array(), marks = nlohmann::json::array();
    for (const auto& q : prof.points) pts.push_back({q.s, q.energy});
    for (const auto& m : prof.markers)
      marks.push_back({{"kind", m.is_minimum ? "minimum" : "transition_state"},
                       {"id", m.id},
                       {"s", m.s},
                       {"energy", m.energy}});
    const nlohmann::json j = {{"database", a.db},
                              {"from", a.from},
                              {"to", a.to},
                              {"highest_energy", p.highest_energy},
                              {"length", prof.length()},
                              {"recomputed_transition_states", prof.recomputed},
                              {"stationary_points", marks},
                              {"points", pts},
                              {"points_columns", {"s", "energy"}},
                              {"output", a.out}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("pathway from minimum %lld to minimum %lld: %zu transition state(s), length %.6g\n",
              static_cast<long long>(a.from), static_cast<long long>(a.to),
              p.transition_states.size(), prof.length());
  std::printf("%-17s %6s %14s %22s\n", "kind", "id", "s", "energy");
  for (const auto& m : prof.markers)
    std::printf("%-17s %6lld %14.6g %22.15g\n", m.is_minimum ? "minimum" : "transition_state",
                static_cast<long long>(m.id), m.s, m.energy);
  if (prof.recomputed > 0)
    std::printf("(%d transition state(s) had no stored paths; followed now)\n", prof.recomputed);
  if (!a.out.empty()) std::printf("wrote %s\n", a.out.c_str());
}

Registrar reg("profile", 36, [](CLI::App& app) {
  auto a = std::make_shared<ProfileArgs>();
  auto* c = app.add_subcommand(
      "profile",
      "Draw the loss against integrated path length along the lowest-barrier pathway from\n"
      "minimum I to minimum J: each transition state's two steepest-descent paths stitched\n"
      "together (from /paths, or followed now when not stored), minima and transition states\n"
      "marked.");
  c->add_option("db", a->db, "Database file")->required();
  c->add_option("from", a->from, "First minimum (0-based row of /minima)")->required();
  c->add_option("to", a->to, "Last minimum")->required();
  c->add_option("-o,--out", a->out, "Picture to write: .svg, .png or .pdf");
  c->add_flag("--json", a->json, "Print the profile (points and stationary points) as JSON");
  c->add_option("--path-tolerance", a->path.step_tolerance,
                "Step tolerance of the path follower, for paths not stored")
      ->capture_default_str();
  c->callback([a] {
    if (a->out.empty() && !a->json)
      throw std::invalid_argument("profile: give -o FILE.svg|png|pdf, --json, or both");
    run_profile(*a);
  });
});

}  // namespace
}  // namespace lossland::cli
