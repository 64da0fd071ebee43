#include "base/metrics/confidence_interval.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace pipescale {

double student_t_quantile(double probability, double degrees_of_freedom) {
  // Boost.Math inverts the regularised incomplete beta function: exact to double precision for
  // every df, where a table would stop at 30 and an approximation would be off in the third digit.
  const boost::math::students_t distribution(degrees_of_freedom);
  return boost::math::quantile(distribution, probability);
}

MeanInterval mean_interval(std::span<const double> sample, double confidence) {
  MeanInterval result;
  result.count = sample.size();
  if (sample.empty()) return result;
  double sum = 0.0;
  for (const double value : sample) sum += value;
  const double n = static_cast<double>(sample.size());
  result.mean = sum / n;
  if (sample.size() < 2) return result;
  double squares = 0.0;
  for (const double value : sample) squares += (value - result.mean) * (value - result.mean);
  const double standard_error = std::sqrt(squares / (n - 1.0) / n);
  const double half_width = student_t_quantile(0.5 + confidence / 2.0, n - 1.0) * standard_error;
  result.low = result.mean - half_width;
  result.high = result.mean + half_width;
  return result;
}

}  // namespace pipescale
