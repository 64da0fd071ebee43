#pragma once
// How long each batch takes: a draw, per batch, from one of three models of a stage's latency.
//
//   fixed      every batch of size b takes the profile's L(b) (latency_profile.hpp);
//   lognormal  a profile row gives p99_ms beside latency_ms, which is then the median: a batch of
//              size b takes exp(mu_b + sigma_b Z), Z standard normal, with mu_b = ln(median_b) and
//              sigma_b = ln(p99_b / median_b) / z_0.99 (z_0.99 = 2.3263...), so that the draw's
//              median and 99th percentile are the row's. Medians and p99s are interpolated
//              linearly between rows, as the profile is;
//   samples    measured batch times (latency_samples.hpp): a batch of a listed size takes one of
//              that size's samples, each equally likely; between two listed sizes lo < b < hi it
//              takes q_lo(u) + f (q_hi(u) - q_lo(u)), f = (b - lo) / (hi - lo), the same uniform u
//              picking the quantile of both sets, which interpolates like the profile does.
//
// A model is seeded once (seed_stream) and then repeats exactly: the same seed gives the same
// sequence of draws, wherever it runs, because the variates come from std::mt19937_64 through
// transforms of our own (roles/client/trace/random_variates.hpp). Each Worker gets its own stream,
// derived from the run's seed and its worker id. draw_ns() allocates nothing: every table is
// built at construction.
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "roles/client/trace/random_variates.hpp"
#include "roles/common/latency_profile.hpp"
#include "roles/common/latency_samples.hpp"

namespace pipescale::roles {

// The standard normal's 99th percentile.
inline constexpr double kNormalP99 = 2.3263478740408408;

// A seed for one Worker's stream: the run's seed and the Worker's id mixed (splitmix64), so that
// Workers draw independent sequences and a run repeats exactly.
[[nodiscard]] std::uint64_t derived_seed(std::uint64_t run_seed, std::uint64_t stream);

class LatencyModel {
 public:
  enum class Kind : std::uint8_t { kFixed, kLognormal, kSamples };

  // Fixed: every draw of b is profile.latency_ns(b). Implicit, so a profile is a model.
  LatencyModel(LatencyProfile profile);  // NOLINT(google-explicit-constructor)
  // Lognormal around `median` with p99_ms[i] the 99th percentile at batch size batch_sizes[i]
  // (each >= the median there; interpolated between). `source_name` starts every error.
  static Result<LatencyModel> lognormal(LatencyProfile median, const std::vector<std::pair<int, double>>& p99_ms,
                                        std::string_view source_name);
  // From samples; the profile (for planning: the Frontend and Scheduler) is their medians.
  static Result<LatencyModel> from_samples(const LatencySamples& samples, std::string_view source_name,
                                           std::optional<int> max_batch = std::nullopt);

  void seed_stream(std::uint64_t seed) { variates_ = RandomVariates(seed); }
  // One batch's time, for 1 <= batch_size <= max_batch() (clamped into that range otherwise).
  [[nodiscard]] std::int64_t draw_ns(int batch_size);

  [[nodiscard]] Kind kind() const { return kind_; }
  // The planning profile: L(b) for fixed, the medians otherwise.
  [[nodiscard]] const LatencyProfile& profile() const { return profile_; }
  [[nodiscard]] int max_batch() const { return profile_.max_batch(); }

 private:
  // For a batch size between two listed sample sets: which two, and how far between.
  struct SampleBlend {
    std::uint32_t lower = 0;  // index into sample_sets_
    std::uint32_t upper = 0;
    double fraction = 0.0;
  };

  LatencyModel(Kind kind, LatencyProfile profile) : kind_(kind), profile_(std::move(profile)) {}
  [[nodiscard]] std::int64_t draw_sample_ns(int batch_size);

  Kind kind_ = Kind::kFixed;
  LatencyProfile profile_;
  std::vector<double> sigma_;                           // lognormal: [b - 1]
  std::vector<std::vector<std::int64_t>> sample_sets_;  // samples: sorted, one set per listed size
  std::vector<SampleBlend> blends_;                     // samples: [b - 1]
  RandomVariates variates_{1};
};

}  // namespace pipescale::roles
