/// \file
/// Writes a synthetic landscape (bench/synthetic_landscape.hpp) for the growth benchmark:
///   build/gen_landscape MODEL.h5 OUT.h5 M [TS_PER_MINIMUM (2)] [SEED (1)] [TOPOLOGY (random)]
/// MODEL.h5 is a real database whose model and dataset the new file takes. TOPOLOGY is random
/// (uniformly random pairs: an expander) or local[:D[:K]] (each extra edge joins a minimum to
/// one of its K (8) nearest neighbours in a D-dimensional (2) embedding).
#include <cstdio>
#include <exception>
#include <string>

#include "synthetic_landscape.hpp"

namespace {

/// "random" | "local" | "local:D" | "local:D:K" into o.
void parse_topology(const std::string& s, lossland::bench::SyntheticOptions& o) {
  if (s == "random") {
    o.topology = lossland::bench::Topology::Random;
    return;
  }
  if (s.rfind("local", 0) != 0 || (s.size() > 5 && s[5] != ':'))
    throw std::invalid_argument("TOPOLOGY '" + s + "': use random or local[:D[:K]]");
  o.topology = lossland::bench::Topology::Local;
  if (s.size() <= 5) return;
  const std::string rest = s.substr(6);
  const auto colon = rest.find(':');
  o.dimension = std::stoi(rest.substr(0, colon));
  if (colon != std::string::npos) o.neighbours = std::stoi(rest.substr(colon + 1));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 7) {
    std::fprintf(stderr, "usage: %s MODEL.h5 OUT.h5 M [TS_PER_MINIMUM] [SEED] [TOPOLOGY]\n",
                 argv[0]);
    return 2;
  }
  try {
    lossland::bench::SyntheticOptions o;
    o.minima = std::stoll(argv[3]);
    if (argc > 4) o.ts_per_minimum = std::stod(argv[4]);
    if (argc > 5) o.seed = std::stoull(argv[5]);
    if (argc > 6) parse_topology(argv[6], o);
    o.validate();
    const auto model = lossland::db::read(argv[1]);
    const auto ls = lossland::bench::synthetic_landscape(model, o);
    lossland::db::write(argv[2], ls);
    std::printf("%s: %zu minima, %zu transition states, P = %d\n", argv[2], ls.minima.size(),
                ls.transition_states.size(), ls.num_params());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gen_landscape: %s\n", e.what());
    return 2;
  }
  return 0;
}
