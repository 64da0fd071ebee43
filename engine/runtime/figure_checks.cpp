#include "engine/runtime/figure_checks.hpp"

#include <array>
#include <cmath>
#include <cstdio>

#include "engine/runtime/results.hpp"

namespace pipescale::engine {

void check_count(FigureValidity& validity, const char* what, std::uint64_t count, const char* limit_name,
                 std::uint64_t limit) {
  if (count > limit) {
    validity.invalidate(std::string(what) + " " + std::to_string(count) + " exceeds " + limit_name + " " +
                        std::to_string(limit));
  }
}

void check_non_negative(FigureValidity& validity, const char* what, double value) {
  if (!std::isfinite(value) || value < 0.0) {
    char text[64];
    std::snprintf(text, sizeof text, "%g", value);
    validity.invalidate(std::string(what) + " is " + text + ", expected a finite figure >= 0");
  }
}

void check_latency(FigureValidity& validity, const char* what, const LatencySummary& summary, std::uint64_t most) {
  const std::string name(what);
  if (summary.count > most) {
    validity.invalidate(name + ".count " + std::to_string(summary.count) + " exceeds " + std::to_string(most));
  }
  if (summary.count == 0) return;
  const std::array<std::pair<const char*, std::int64_t>, 6> order{{{"min", summary.min_ns},
                                                                   {"p50", summary.p50_ns},
                                                                   {"p90", summary.p90_ns},
                                                                   {"p99", summary.p99_ns},
                                                                   {"p99.9", summary.p999_ns},
                                                                   {"max", summary.max_ns}}};
  if (order[0].second < 0) validity.invalidate(name + ".min is negative (" + std::to_string(order[0].second) + " ns)");
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (order[i].second < order[i - 1].second) {
      validity.invalidate(name + ": " + order[i].first + " " + std::to_string(order[i].second) + " ns is below " +
                          order[i - 1].first + " " + std::to_string(order[i - 1].second) + " ns");
    }
  }
  // The mean is a double sum over the count: allow for its rounding above the largest sample.
  const double max_ns = static_cast<double>(summary.max_ns);
  if (!std::isfinite(summary.mean_ns) || summary.mean_ns < 0.0 || summary.mean_ns > max_ns * (1.0 + 1e-9) + 1.0) {
    validity.invalidate(name + ".mean lies outside [0, max]");
  }
}

void check_summary(FigureValidity& validity, const Summary& summary, double elapsed_s) {
  const std::uint64_t sent = summary.sent;
  check_count(validity, "completed", summary.completed, "sent", sent);
  check_count(validity, "dropped", summary.dropped, "sent", sent);
  check_count(validity, "failed", summary.failed, "sent", sent);
  check_count(validity, "completed_within_slo", summary.completed_within_slo, "completed", summary.completed);
  // Each is at most sent (checked above), so the sum of three cannot overflow.
  const std::uint64_t accounted = summary.completed + summary.dropped + summary.failed;
  if (summary.completed <= sent && summary.dropped <= sent && summary.failed <= sent) {
    check_count(validity, "completed + dropped + failed", accounted, "sent", sent);
  }
  check_non_negative(validity, "elapsed_s", elapsed_s);
  check_non_negative(validity, "goodput_rps", summary.goodput_rps);
  check_non_negative(validity, "throughput_rps", summary.throughput_rps);
  if (!(summary.slo_attainment >= 0.0 && summary.slo_attainment <= 1.0)) {
    validity.invalidate("slo_attainment " + std::to_string(summary.slo_attainment) + " lies outside [0, 1]");
  }
  check_latency(validity, "latency", summary.latency, summary.completed);
  check_latency(validity, "hop_overhead", summary.hop, UINT64_MAX);
}

void validity_json(JsonWriter& json, const FigureValidity& validity) {
  json.key("valid").value(validity.valid());
  json.key("invalid_reasons").begin_array();
  for (const std::string& reason : validity.invalid_reasons) json.value(reason);
  json.end_array();
}

std::string validity_lines(const FigureValidity& validity) {
  std::string lines;
  for (const std::string& reason : validity.invalid_reasons) lines += "  INVALID figures: " + reason + "\n";
  return lines;
}

}  // namespace pipescale::engine
