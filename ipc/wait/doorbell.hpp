#pragma once
// One doorbell per receiving process, in shared memory, shared by all its inbound rings. The
// consumer parks on it with a futex; producers ring it only if the consumer announced that it is
// parking, so a busy pipeline makes no system calls at all. The protocol (ipc/README.md, "Waiting"):
//
//   consumer                                 producer
//   seq = sequence (acquire)                 commit record (release)
//   sleeping = 1                             fence(seq_cst)
//   fence(seq_cst)                           if sleeping.exchange(0):
//   if any ring has data: sleeping = 0, go       sequence += 1; futex_wake(sequence)
//   futex_wait(sequence, seq, timeout)
//   sleeping = 0
//
// The two seq_cst fences make a Dekker pair: either the consumer's re-check sees the record, or
// the producer sees `sleeping` and wakes it. The exchange lets exactly one producer of a burst
// make the wake call. The futex is shared (no FUTEX_PRIVATE_FLAG): the waiters are other processes.
#include <atomic>
#include <cstdint>

#include "ipc/common/constants.hpp"

namespace pipescale::ipc {

struct DoorbellLayout {
  struct alignas(kFalseSharingBytes) Words {
    std::atomic<std::uint32_t> sequence;  // the futex word
    std::atomic<std::uint32_t> sleeping;  // 1 while the consumer is parking or parked
  } words;
  struct alignas(kFalseSharingBytes) Counters {
    std::atomic<std::uint64_t> parks;       // consumer: futex waits entered
    std::atomic<std::uint64_t> wake_calls;  // producers: futex wake system calls made
  } counters;
};
static_assert(sizeof(DoorbellLayout) == 2 * kFalseSharingBytes);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

// The protocol's seq_cst fence. GCC's ThreadSanitizer does not model standalone fences and warns
// about each one (-Wtsan, an error under -Werror); every other access here is atomic, so TSan
// checks the same things with the warning silenced.
inline void doorbell_fence() {
#if defined(__SANITIZE_THREAD__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wtsan"
#endif
  std::atomic_thread_fence(std::memory_order_seq_cst);
#if defined(__SANITIZE_THREAD__)
#pragma GCC diagnostic pop
#endif
}

class Doorbell {
 public:
  Doorbell() = default;
  explicit Doorbell(DoorbellLayout* layout) : layout_(layout) {}

  // Producer side, after one or more commits to a ring that this doorbell covers.
  void notify() {
    // seq_cst fence pairs with the consumer's fence in park(): it orders our earlier commit
    // (a store) before the load of `sleeping` below.
    doorbell_fence();
    // relaxed: pairs with the store of 1 in park(), ordered by the two fences; a cheap check
    // that skips the exchange when nobody sleeps.
    if (layout_->words.sleeping.load(std::memory_order_relaxed) == 0) return;
    // acq_rel: of several producers in a burst, exactly one takes the flag and makes the call.
    if (layout_->words.sleeping.exchange(0, std::memory_order_acq_rel) == 0) return;
    wake();
  }

  // Consumer side: parks until notified or until timeout_ns passes, unless has_work() turns true
  // after the announcement. Returns true if it actually slept.
  template <class HasWork>
  bool park(HasWork&& has_work, std::int64_t timeout_ns) {
    // acquire pairs with the release increment in wake(); a wake after this load fails the wait.
    const std::uint32_t seq = layout_->words.sequence.load(std::memory_order_acquire);
    // relaxed: ordered before has_work() by the fence below; the producer's relaxed load and
    // exchange of `sleeping` in notify() read it, ordered by the fence there.
    layout_->words.sleeping.store(1, std::memory_order_relaxed);
    // seq_cst fence pairs with the producer's fence in notify(): see the protocol above.
    doorbell_fence();
    if (has_work()) {
      // relaxed: withdraws the announcement; a notify() that still takes the flag only makes a
      // spare wake() call.
      layout_->words.sleeping.store(0, std::memory_order_relaxed);
      return false;
    }
    layout_->counters.parks.fetch_add(1, std::memory_order_relaxed);  // diagnostics
    futex_wait(seq, timeout_ns);
    // relaxed: as above; the next park() announces again before its fence.
    layout_->words.sleeping.store(0, std::memory_order_relaxed);
    return true;
  }

  [[nodiscard]] bool attached() const { return layout_ != nullptr; }
  // relaxed: diagnostics counters, bumped relaxed in park() and wake(); they pair with nothing.
  [[nodiscard]] std::uint64_t parks() const { return layout_->counters.parks.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t wake_calls() const {
    return layout_->counters.wake_calls.load(std::memory_order_relaxed);
  }

 private:
  void wake();
  void futex_wait(std::uint32_t expected, std::int64_t timeout_ns);

  DoorbellLayout* layout_ = nullptr;
};

}  // namespace pipescale::ipc
