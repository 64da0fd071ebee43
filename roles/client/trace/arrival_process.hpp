#pragma once
// The Client's open-loop arrival times: a renewal process (Poisson, evenly spaced, or gamma with
// a chosen coefficient of variation) whose rate follows a WorkloadTrace scaled by rate_scale.
//
// Rate changes are handled by time rescaling. Let Lambda(t) be the integral of the scaled rate
// from 0 to t (piecewise linear, flat where the rate is 0). Arrivals are drawn as a renewal
// process with mean interval 1 in "operational time" Lambda, and each is mapped back to real time
// by inverting Lambda. Within a constant-rate stretch this is exactly the requested process at
// that rate; an interval that spans a rate change is stretched or shrunk in proportion, so the
// expected number of arrivals in any window is the integral of the rate over it; nothing ever
// lands in a zero-rate stretch. For Poisson this is the exact non-homogeneous Poisson process
// (thinning would give the same law at more cost); for the other kinds it is the standard
// time-rescaled renewal process. See roles/client/trace/README.md.
#include <cstdint>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "roles/client/trace/random_variates.hpp"
#include "roles/client/trace/workload_trace.hpp"

namespace pipescale::roles {

// engine/config's `Arrival` names the same three kinds as the TOML spells them.
enum class ArrivalKind {
  kPoisson,  // exponential intervals (coefficient of variation 1)
  kUniform,  // evenly spaced (CV 0); the seed only sets the phase of the first arrival
  kGamma,    // gamma intervals with the CV asked for: > 1 burstier than Poisson, < 1 smoother
};

struct ArrivalOptions {
  ArrivalKind kind = ArrivalKind::kPoisson;
  double gamma_cv = 1.0;  // used by kGamma only; in (0, kMaxGammaCv]
  std::uint64_t seed = 1;
  double rate_scale = 1.0;  // multiplies every rate of the trace; >= 0
  // Replays the trace cyclically (client.repeat): after its end it starts again, one trace
  // duration later, and the sequence never ends (the run's length ends it).
  bool repeat = false;
};

class ArrivalProcess {
 public:
  static constexpr double kMaxGammaCv = 10.0;  // beyond this, gamma intervals underflow to 0

  static Result<ArrivalProcess> create(const WorkloadTrace& trace, const ArrivalOptions& options);

  // The next intended send time in ns after the trace's start, non-decreasing; std::nullopt once
  // the trace has ended (and on every call after). Never allocates.
  std::optional<std::int64_t> next_ns();

 private:
  struct Segment {
    double start_s = 0.0;
    double rate_rps = 0.0;           // scaled
    double operational_start = 0.0;  // Lambda(start_s)
  };

  ArrivalProcess(const WorkloadTrace& trace, const ArrivalOptions& options);
  double draw_interval();
  [[nodiscard]] double operational_end(std::size_t segment) const;

  std::vector<Segment> segments_;
  double duration_s_ = 0.0;
  std::int64_t duration_ns_ = 0;
  ArrivalKind kind_;
  double gamma_shape_ = 1.0;
  RandomVariates random_;
  double operational_ = 0.0;  // Lambda of the last arrival
  std::size_t segment_ = 0;   // the segment of the last arrival; only moves forward
  bool first_ = true;
  bool ended_ = false;
  bool repeat_ = false;
  double cycle_operational_ = 0.0;   // Lambda over one whole trace
  std::int64_t cycle_start_ns_ = 0;  // where the current repetition starts
};

}  // namespace pipescale::roles
