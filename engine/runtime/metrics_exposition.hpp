#pragma once
// The run's live figures in the Prometheus text exposition format (version 0.0.4), read from the
// statistics board alone: the roles' relaxed counters and gauges, and the latency histogram the
// Client copies out once a second. Nothing here touches the data path. engine/runtime/README.md
// ("Live metrics") lists every metric.
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.hpp"
#include "engine/runtime/board.hpp"

namespace pipescale::engine {

// The upper bounds of the latency histogram's buckets, in seconds: fractions and multiples of
// the SLO, so that the bucket `le` = the SLO counts the completions within it.
std::vector<double> slo_bucket_bounds_s(double slo_ms);

// One scrape's body: every metric with its HELP and TYPE lines.
std::string prometheus_text(const Board& board, const PipelineConfig& config);

// Prometheus's escaping of a label value: backslash, double quote and line feed.
std::string escape_label_value(std::string_view value);

}  // namespace pipescale::engine
