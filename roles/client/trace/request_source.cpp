#include "roles/client/trace/request_source.hpp"

namespace pipescale::roles {

std::optional<std::int64_t> RequestSource::next_ns() {
  if (auto* arrivals = std::get_if<ArrivalProcess>(&source_)) return arrivals->next_ns();
  auto& replay = std::get<Replay>(source_);
  if (replay.next >= replay.trace.times_ns.size()) return std::nullopt;
  return replay.trace.times_ns[replay.next++];
}

std::optional<TokenCounts> RequestSource::tokens(std::uint64_t index) const {
  const auto* replay = std::get_if<Replay>(&source_);
  if (replay == nullptr || index >= replay->trace.tokens.size()) return std::nullopt;
  return replay->trace.tokens[index];
}

}  // namespace pipescale::roles
