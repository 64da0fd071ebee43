#pragma once
// A Worker's life cycle, as the Worker runs it and as its Frontend tracks it from feedback:
//
//   off --Start--> warming --(warm-up done)--> active --Stop--> draining --(queue empty)--> off
//
// A Stop to a warming Worker cancels the warm-up (back to off). A draining Worker takes no new
// batch and is not restarted until it reports off.
#include <cstdint>

namespace pipescale::roles {

enum class WorkerState : std::uint8_t { kOff, kWarming, kActive, kDraining };

}  // namespace pipescale::roles
