#pragma once
// The checks every summary passes before it is written: no figure may be impossible (a count
// above `sent`, a negative time, quantiles out of order, a fraction outside [0, 1]). The
// statistics board lives in shared memory that any process of the run, or a stray write, can
// scribble on; a figure read from it is never believed unchecked. A failed check does not hide
// the figure: the summary is marked invalid, with one reason per failure, on screen and in
// summary.json ("valid", "invalid_reasons"), and the command exits with kExitInvalidFigures.
// Other causes that make figures untrustworthy (data lost on a corrupt ring, a role's death)
// add their reason through the same list.
#include <cstdint>
#include <string>
#include <vector>

#include "base/metrics/json_writer.hpp"
#include "base/metrics/latency_histogram.hpp"

namespace pipescale::engine {

struct Summary;

// The reasons found so far; valid while empty.
struct FigureValidity {
  std::vector<std::string> invalid_reasons;
  [[nodiscard]] bool valid() const { return invalid_reasons.empty(); }
  void invalidate(std::string reason) { invalid_reasons.push_back(std::move(reason)); }
};

// `count` of `what` must not exceed `limit` (named `limit_name`): "completed 1234 exceeds sent 1000".
void check_count(FigureValidity& validity, const char* what, std::uint64_t count, const char* limit_name,
                 std::uint64_t limit);
// A latency summary: every figure non-negative, p50 <= p90 <= p99 <= p99.9 <= max, the mean
// within [0, max], at most `most` samples. `what` names it in a reason ("latency_ms").
void check_latency(FigureValidity& validity, const char* what, const LatencySummary& summary, std::uint64_t most);
// A time or rate: finite and not negative.
void check_non_negative(FigureValidity& validity, const char* what, double value);

// Every check above, on the totals of a summary (elapsed_s is the run's).
void check_summary(FigureValidity& validity, const Summary& summary, double elapsed_s);

// summary.json's "valid": true|false and "invalid_reasons": [...].
void validity_json(JsonWriter& json, const FigureValidity& validity);
// The summary table's lines: "  INVALID figures: <reason>" each; empty when valid.
std::string validity_lines(const FigureValidity& validity);

}  // namespace pipescale::engine
