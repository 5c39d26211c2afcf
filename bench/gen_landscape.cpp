/// \file
/// Writes a synthetic landscape (bench/synthetic_landscape.hpp) for the growth benchmark:
///   build/gen_landscape MODEL.h5 OUT.h5 M [TS_PER_MINIMUM (2)] [SEED (1)]
/// MODEL.h5 is a real database whose model and dataset the new file takes.
#include <cstdio>
#include <exception>
#include <string>

#include "synthetic_landscape.hpp"

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::fprintf(stderr, "usage: %s MODEL.h5 OUT.h5 M [TS_PER_MINIMUM] [SEED]\n", argv[0]);
    return 2;
  }
  try {
    lossland::bench::SyntheticOptions o;
    o.minima = std::stoll(argv[3]);
    if (argc > 4) o.ts_per_minimum = std::stod(argv[4]);
    if (argc > 5) o.seed = std::stoull(argv[5]);
    if (o.minima < 1 || !(o.ts_per_minimum >= 0 && o.ts_per_minimum <= 100)) {
      std::fprintf(stderr, "gen_landscape: M must be >= 1 and TS_PER_MINIMUM in [0, 100]\n");
      return 2;
    }
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
