#pragma once
// roles::WorkerState <-> schema::WorkerState (the wire enum keeps 0 for "field missing").
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

}  // namespace pipescale::roles
