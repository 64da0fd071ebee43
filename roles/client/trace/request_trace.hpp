#pragma once
// A trace of individual requests: each one's send time, replayed exactly, and, when the file has
// them, its token counts (the Azure LLM layout, or `context_tokens`/`generated_tokens` columns of
// a `requests` file). The formats are in roles/client/trace/README.md.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace pipescale::roles {

// What an LLM request carries besides its time; -1 where the file does not say.
struct TokenCounts {
  std::int64_t context_tokens = -1;
  std::int64_t generated_tokens = -1;
  friend bool operator==(const TokenCounts&, const TokenCounts&) = default;
};

struct RequestTrace {
  std::vector<std::int64_t> times_ns;  // non-decreasing; relative to the trace's start
  std::vector<TokenCounts> tokens;     // empty, or one per time
  std::int64_t period_ns = 0;          // > 0: replayed cyclically, cycle k at k * period_ns (client.repeat)
};

// `requests`: a `time_s` column (the first, when there is no header) and any further columns;
// times are seconds >= 0 that never decrease.
Result<RequestTrace> parse_requests_trace(std::string_view text, std::string_view source_name);
// `azure_llm`: TIMESTAMP,ContextTokens,GeneratedTokens; times relative to the first row's.
Result<RequestTrace> parse_azure_llm_trace(std::string_view text, std::string_view source_name);

// "2023-11-16 18:15:46.6805900" (a 'T' may replace the space; a 'Z' or a "+HH:MM" offset may
// follow) as nanoseconds since 1970-01-01 UTC; or a plain number of seconds. nullopt otherwise.
std::optional<std::int64_t> parse_timestamp_ns(std::string_view text);

}  // namespace pipescale::roles
