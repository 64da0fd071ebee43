#include "ipc/wait/doorbell.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <ctime>

namespace pipescale::ipc {
namespace {

long futex(std::atomic<std::uint32_t>* word, int op, std::uint32_t value, const timespec* timeout) {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), op, value, timeout, nullptr, 0);
}

}  // namespace

void Doorbell::wake() {
  // release pairs with the acquire load of `sequence` in park(): a consumer that read the old
  // value sees its futex_wait fail or be woken.
  layout_->words.sequence.fetch_add(1, std::memory_order_release);
  layout_->counters.wake_calls.fetch_add(1, std::memory_order_relaxed);  // diagnostics
  futex(&layout_->words.sequence, FUTEX_WAKE, INT_MAX, nullptr);
}

void Doorbell::futex_wait(std::uint32_t expected, std::int64_t timeout_ns) {
  if (timeout_ns <= 0) return;
  timespec timeout{};
  timeout.tv_sec = static_cast<time_t>(timeout_ns / 1'000'000'000);
  timeout.tv_nsec = static_cast<long>(timeout_ns % 1'000'000'000);
  // EAGAIN (the sequence moved), EINTR and ETIMEDOUT all just return: the caller re-polls.
  futex(&layout_->words.sequence, FUTEX_WAIT, expected, &timeout);
}

}  // namespace pipescale::ipc
