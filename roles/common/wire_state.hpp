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

}  // namespace pipescale::roles
