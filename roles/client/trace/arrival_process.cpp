#include "roles/client/trace/arrival_process.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace pipescale::roles {

Result<ArrivalProcess> ArrivalProcess::create(const WorkloadTrace& trace, const ArrivalOptions& options) {
  if (!(std::isfinite(options.rate_scale) && options.rate_scale >= 0.0)) {
    return Error{"rate_scale " + std::to_string(options.rate_scale) + ": expected a finite value >= 0"};
  }
  if (options.kind == ArrivalKind::kGamma && !(options.gamma_cv > 0.0 && options.gamma_cv <= kMaxGammaCv)) {
    return Error{"gamma_cv " + std::to_string(options.gamma_cv) + ": expected a value in (0, " +
                 std::to_string(kMaxGammaCv) + "]"};
  }
  return ArrivalProcess(trace, options);
}

ArrivalProcess::ArrivalProcess(const WorkloadTrace& trace, const ArrivalOptions& options)
    : duration_s_(trace.duration_s()),
      duration_ns_(trace.duration_ns()),
      kind_(options.kind),
      random_(options.seed),
      repeat_(options.repeat) {
  if (kind_ == ArrivalKind::kGamma) gamma_shape_ = 1.0 / (options.gamma_cv * options.gamma_cv);
  double operational = 0.0;
  const auto& points = trace.points();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double rate = points[i].rate_rps * options.rate_scale;
    segments_.push_back({points[i].time_s, rate, operational});
    const double end_s = i + 1 < points.size() ? points[i + 1].time_s : duration_s_;
    operational += rate * (end_s - points[i].time_s);
  }
  cycle_operational_ = operational;
}

double ArrivalProcess::operational_end(std::size_t segment) const {
  if (segment + 1 < segments_.size()) return segments_[segment + 1].operational_start;
  const auto& last = segments_.back();
  return last.operational_start + last.rate_rps * (duration_s_ - last.start_s);
}

// An interval with mean 1 in operational time.
double ArrivalProcess::draw_interval() {
  switch (kind_) {
    case ArrivalKind::kPoisson: return random_.exponential();
    case ArrivalKind::kGamma: return random_.gamma(gamma_shape_) / gamma_shape_;
    case ArrivalKind::kUniform:
      // A random phase for the first arrival, so that clients seeded differently do not send in
      // lockstep; then exactly 1.
      return first_ ? random_.uniform_open() : 1.0;
  }
  return 1.0;
}

std::optional<std::int64_t> ArrivalProcess::next_ns() {
  if (ended_) return std::nullopt;
  operational_ += draw_interval();
  first_ = false;
  for (;;) {
    // Skip zero-rate segments and those the target lies beyond.
    while (segment_ < segments_.size() &&
           (segments_[segment_].rate_rps <= 0.0 || operational_ > operational_end(segment_))) {
      ++segment_;
    }
    if (segment_ < segments_.size()) break;
    if (!repeat_ || !(cycle_operational_ > 0.0) || duration_ns_ <= 0) {
      ended_ = true;
      return std::nullopt;
    }
    // Repeated: the same trace again, one duration later; the interval carries over, with no reset.
    operational_ -= cycle_operational_;
    segment_ = 0;
    cycle_start_ns_ += duration_ns_;
  }
  const Segment& seg = segments_[segment_];
  const double t_s = seg.start_s + (operational_ - seg.operational_start) / seg.rate_rps;
  const std::int64_t t_ns = std::llround(t_s * 1e9);
  if (t_ns >= duration_ns_ && !repeat_) {
    ended_ = true;
    return std::nullopt;
  }
  return cycle_start_ns_ + std::min(t_ns, duration_ns_);
}

}  // namespace pipescale::roles
