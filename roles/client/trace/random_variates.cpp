#include "roles/client/trace/random_variates.hpp"

#include <cmath>

namespace pipescale::roles {

double RandomVariates::uniform_open() {
  constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;
  const std::uint64_t top_bits = engine_() >> 11;
  return (static_cast<double>(top_bits) + 0.5) * kTwoToMinus53;
}

double RandomVariates::standard_normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double x = 0.0;
  double y = 0.0;
  double s = 0.0;
  do {
    x = 2.0 * uniform_open() - 1.0;
    y = 2.0 * uniform_open() - 1.0;
    s = x * x + y * y;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = y * factor;
  has_spare_normal_ = true;
  return x * factor;
}

double RandomVariates::gamma(double shape) {
  if (shape < 1.0) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a): keeps the squeeze below in its valid range (a >= 1).
    const double boosted = gamma(shape + 1.0);
    return boosted * std::pow(uniform_open(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    const double x = standard_normal();
    const double t = 1.0 + c * x;
    if (t <= 0.0) continue;
    const double v = t * t * t;
    const double u = uniform_open();
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;  // the cheap squeeze accepts most
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace pipescale::roles
