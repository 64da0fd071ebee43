#pragma once
// Values read off the wire, made safe to use: roles::WorkerState <-> schema::WorkerState (the
// wire enum keeps 0 for "field missing"), and a peer's backlog estimate bounded.
#include <algorithm>
#include <cstdint>

#include "roles/common/worker_state.hpp"
#include "schemas/control_generated.h"

namespace pipescale::roles {

constexpr schema::WorkerState to_wire(WorkerState state) {
  switch (state) {
    case WorkerState::kOff: return schema::WorkerState::Off;
    case WorkerState::kWarming: return schema::WorkerState::WarmingUp;
    case WorkerState::kActive: return schema::WorkerState::Active;
    case WorkerState::kDraining: return schema::WorkerState::Draining;
  }
  return schema::WorkerState::Unknown;
}

// Unknown (a missing field) reads as off: a Worker never reported active is not sent batches.
constexpr WorkerState from_wire(schema::WorkerState state) {
  switch (state) {
    case schema::WorkerState::WarmingUp: return WorkerState::kWarming;
    case schema::WorkerState::Active: return WorkerState::kActive;
    case schema::WorkerState::Draining: return WorkerState::kDraining;
    default: return WorkerState::kOff;
  }
}

// A backlog_ns a peer reported (Response, BatchResponse, QueueInformation): untrusted, so bounded
// to [0, one hour], past any SLO a config accepts.
constexpr std::int64_t bounded_backlog_ns(std::int64_t reported_ns) {
  return std::clamp<std::int64_t>(reported_ns, 0, 3'600'000'000'000);
}

// A backlog is a wait: heard_ns later it has drained by as much, unless a newer report says it
// has not. Aging keeps a stale report from shedding forever: a stage that sheds everything sends
// the next stage nothing, and so hears nothing new from it.
constexpr std::int64_t aged_backlog_ns(std::int64_t backlog_ns, std::int64_t heard_ns, std::int64_t now_ns) {
  return std::max<std::int64_t>(0, backlog_ns - std::max<std::int64_t>(0, now_ns - heard_ns));
}

}  // namespace pipescale::roles
