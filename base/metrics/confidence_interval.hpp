#pragma once
// The mean of a small sample and its two-sided Student's t confidence interval: what a sweep
// reports for each metric across the replications of one point, so that a difference between
// two settings can be told from the noise of the seed.
#include <optional>
#include <span>

namespace pipescale {

struct MeanInterval {
  std::size_t count = 0;       // the sample's size n
  double mean = 0.0;           // 0 when the sample is empty
  std::optional<double> low;   // mean - t * s / sqrt(n); none when n < 2 (no spread to estimate)
  std::optional<double> high;  // mean + t * s / sqrt(n)
};

// The quantile of Student's t distribution with `degrees_of_freedom` (>= 1) at `probability`
// (0 < p < 1): t_{0.975, 4} = 2.776445. Computed, not tabled, so every df is exact.
double student_t_quantile(double probability, double degrees_of_freedom);

// Mean and interval at `confidence` (0.95: the 95 % interval) of `sample`, with the unbiased
// sample standard deviation (divisor n - 1). A sample of equal values has a zero-width interval.
MeanInterval mean_interval(std::span<const double> sample, double confidence = 0.95);

}  // namespace pipescale
