#pragma once
/// Portable random streams: the same numbers for a seed on every platform and standard library
/// (std::*_distribution are implementation-defined), so runs reproduce exactly.

#include <cmath>
#include <cstdint>

namespace lossland::detail {

/// SplitMix64 (Steele, Lea & Flood 2014): a small, well-mixed 64-bit generator.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream)
      : state_(seed ^ (0x9E3779B97F4A7C15ULL * (stream + 1))) {
    next();
  }
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Everything that determines the numbers still to come, to save and restore a stream.
  struct State {
    std::uint64_t state = 0;
    double spare = 0.0;
    bool has_spare = false;
  };
  State state() const { return {state_, spare_, has_spare_}; }
  void set_state(const State& s) {
    state_ = s.state;
    spare_ = s.spare;
    has_spare_ = s.has_spare;
  }

  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [a, b).
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  /// Standard normal (Box-Muller).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2 * M_PI * u2);
    has_spare_ = true;
    return r * std::cos(2 * M_PI * u2);
  }

 private:
  std::uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace lossland::detail
