#include "roles/client/trace/request_source.hpp"

namespace pipescale::roles {

std::optional<std::int64_t> RequestSource::next_ns() {
  if (auto* arrivals = std::get_if<ArrivalProcess>(&source_)) return arrivals->next_ns();
  auto& replay = std::get<Replay>(source_);
  if (replay.next >= replay.trace.times_ns.size()) {
    if (replay.trace.period_ns <= 0 || replay.trace.times_ns.empty()) return std::nullopt;
    replay.next = 0;  // the trace again, one period later
    replay.cycle_start_ns += replay.trace.period_ns;
  }
  return replay.cycle_start_ns + replay.trace.times_ns[replay.next++];
}

std::optional<TokenCounts> RequestSource::tokens(std::uint64_t index) const {
  const auto* replay = std::get_if<Replay>(&source_);
  if (replay == nullptr || replay->trace.tokens.empty()) return std::nullopt;
  if (replay->trace.period_ns > 0) return replay->trace.tokens[index % replay->trace.tokens.size()];
  if (index >= replay->trace.tokens.size()) return std::nullopt;
  return replay->trace.tokens[index];
}

}  // namespace pipescale::roles
