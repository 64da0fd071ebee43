#include "roles/common/latency_model.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/csv/numeric_csv.hpp"

namespace pipescale::roles {

namespace {

constexpr double kMaxDrawNs = kMaxLatencyMs * 1e6;  // a lognormal's far tail is cut at the profile's ceiling

// Linear interpolation of (batch size, value) points at every b from 1 to max_batch; the points
// start at 1 and increase (checked by the caller).
std::vector<double> interpolate(const std::vector<std::pair<int, double>>& points, int max_batch) {
  std::vector<double> table(static_cast<std::size_t>(max_batch));
  std::size_t upper = 0;
  for (int b = 1; b <= max_batch; ++b) {
    while (points[upper].first < b) ++upper;
    double value = points[upper].second;
    if (points[upper].first > b) {
      const auto& lo = points[upper - 1];
      const double fraction = static_cast<double>(b - lo.first) / static_cast<double>(points[upper].first - lo.first);
      value = lo.second + fraction * (points[upper].second - lo.second);
    }
    table[static_cast<std::size_t>(b - 1)] = value;
  }
  return table;
}

}  // namespace

std::uint64_t derived_seed(std::uint64_t run_seed, std::uint64_t stream) {
  std::uint64_t z = run_seed + (stream + 1) * 0x9E3779B97F4A7C15ULL;  // splitmix64
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

LatencyModel::LatencyModel(LatencyProfile profile) : profile_(std::move(profile)) {}

Result<LatencyModel> LatencyModel::lognormal(LatencyProfile median, const std::vector<std::pair<int, double>>& p99_ms,
                                             std::string_view source_name) {
  if (p99_ms.empty() || p99_ms.front().first != 1) {
    return Error{std::string(source_name) + ": expected a p99_ms at batch_size 1 (the first row)"};
  }
  for (std::size_t i = 1; i < p99_ms.size(); ++i) {
    if (p99_ms[i].first <= p99_ms[i - 1].first) {
      return Error{std::string(source_name) + ": expected the p99_ms rows' batch sizes to increase"};
    }
  }
  LatencyModel model(Kind::kLognormal, std::move(median));
  const int max_batch = model.profile_.max_batch();
  const std::vector<double> p99 = interpolate(p99_ms, std::min(max_batch, p99_ms.back().first));
  model.sigma_.resize(static_cast<std::size_t>(max_batch));
  for (int b = 1; b <= max_batch; ++b) {
    const double median_ns = static_cast<double>(model.profile_.latency_ns(b));
    const double p99_ns = p99[static_cast<std::size_t>(std::min(b, static_cast<int>(p99.size())) - 1)] * 1e6;
    if (!(p99_ns >= median_ns - 0.5)) {  // half a nanosecond: the median's rounding to whole ns
      return Error{std::string(source_name) + ": p99_ms " + format_number(p99_ns / 1e6) + " at batch_size " +
                   std::to_string(b) + ": expected at least the median latency_ms there (" +
                   format_number(median_ns / 1e6) + ")"};
    }
    model.sigma_[static_cast<std::size_t>(b - 1)] = std::max(0.0, std::log(p99_ns / median_ns)) / kNormalP99;
  }
  return model;
}

Result<LatencyModel> LatencyModel::from_samples(const LatencySamples& samples, std::string_view source_name,
                                                std::optional<int> max_batch) {
  auto profile = LatencyProfile::from_pairs(samples.medians(), source_name, max_batch);
  if (!profile) return profile.error();
  LatencyModel model(Kind::kSamples, std::move(profile).value());
  for (const LatencySampleSet& set : samples.sets) {
    std::vector<std::int64_t> ns;
    ns.reserve(set.latency_ms.size());
    for (const double ms : set.latency_ms) ns.push_back(std::llround(ms * 1e6));
    model.sample_sets_.push_back(std::move(ns));
  }
  std::uint32_t upper = 0;
  for (int b = 1; b <= model.max_batch(); ++b) {
    while (samples.sets[upper].batch_size < b) ++upper;
    SampleBlend blend{upper, upper, 0.0};
    if (samples.sets[upper].batch_size > b) {
      blend.lower = upper - 1;
      const int lo = samples.sets[blend.lower].batch_size;
      blend.fraction = static_cast<double>(b - lo) / static_cast<double>(samples.sets[upper].batch_size - lo);
    }
    model.blends_.push_back(blend);
  }
  return model;
}

std::int64_t LatencyModel::draw_ns(int batch_size) {
  const int b = std::clamp(batch_size, 1, max_batch());
  switch (kind_) {
    case Kind::kFixed: return profile_.latency_ns(b);
    case Kind::kLognormal: {
      const double sigma = sigma_[static_cast<std::size_t>(b - 1)];
      const double median_ns = static_cast<double>(profile_.latency_ns(b));
      const double draw = median_ns * std::exp(sigma * variates_.standard_normal());
      return std::llround(std::clamp(draw, 1.0, kMaxDrawNs));
    }
    case Kind::kSamples: return draw_sample_ns(b);
  }
  return profile_.latency_ns(b);
}

std::int64_t LatencyModel::draw_sample_ns(int batch_size) {
  const SampleBlend& blend = blends_[static_cast<std::size_t>(batch_size - 1)];
  const double u = variates_.uniform_open();
  const auto quantile = [u](const std::vector<std::int64_t>& set) {
    const auto index = static_cast<std::size_t>(u * static_cast<double>(set.size()));
    return set[std::min(index, set.size() - 1)];
  };
  const std::int64_t low = quantile(sample_sets_[blend.lower]);
  if (blend.lower == blend.upper) return low;
  const std::int64_t high = quantile(sample_sets_[blend.upper]);
  return low + std::llround(blend.fraction * static_cast<double>(high - low));
}

}  // namespace pipescale::roles
