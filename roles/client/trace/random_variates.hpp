#pragma once
// Random variates for arrival processes, drawn from std::mt19937_64 with transforms written here.
//
// Why not std::exponential_distribution and friends: the standard fixes mt19937_64's output
// sequence but not the algorithms of its distributions, so the same seed gives different arrival
// times under libstdc++, libc++ and MSVC. libstdc++ is deterministic on its own, but a trace of
// arrivals is an experiment's input, and it should reproduce wherever the code is built. The
// transforms below depend only on the engine's output and on <cmath> (log, sqrt, pow), whose
// results agree across platforms to the last bit or so.
#include <cmath>
#include <cstdint>
#include <random>

namespace pipescale::roles {

class RandomVariates {
 public:
  explicit RandomVariates(std::uint64_t seed) : engine_(seed) {}

  // Uniform on the open interval (0, 1), from the top 53 bits: never exactly 0 or 1, so log()
  // and division by it are always defined.
  double uniform_open();
  // Exponential with mean 1 (inversion).
  double exponential() { return -std::log(uniform_open()); }
  // Standard normal (Marsaglia's polar method; the second value of each pair is kept).
  double standard_normal();
  // Gamma with the given shape (> 0) and scale 1 (Marsaglia and Tsang, 2000; for shape < 1 the
  // boost shape + 1 then multiply by U^(1/shape)).
  double gamma(double shape);

 private:
  std::mt19937_64 engine_;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

}  // namespace pipescale::roles
