#pragma once
// A move-only callable stored inline in a fixed number of bytes: never allocates.
//
// Why not std::function: it allocates once a capture outgrows its small buffer (16 bytes in
// libstdc++), silently, on the call path; it also demands copyable callables. (C++23's
// std::move_only_function has the same allocation rule.) Here a capture that does not fit is a
// compile error that says what to do, so "no allocation per call" is checked by the compiler.
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace pipescale::ipc {

template <class Signature, std::size_t CapacityBytes>
class InplaceFunction;

template <class R, class... Args, std::size_t CapacityBytes>
class InplaceFunction<R(Args...), CapacityBytes> {
 public:
  static constexpr std::size_t kCapacityBytes = CapacityBytes;

  InplaceFunction() noexcept = default;
  InplaceFunction(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)

  // Converts from a callable like std::function does; the constraint keeps it from hiding the move
  // constructor.
  template <class F, std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, InplaceFunction> &&
                                          std::is_invocable_r_v<R, F&, Args...>,
                                      int> = 0>
  InplaceFunction(F&& callable) {  // NOLINT(google-explicit-constructor)
    using Stored = std::remove_cvref_t<F>;
    static_assert(sizeof(Stored) <= CapacityBytes,
                  "capture too large for this InplaceFunction: capture a pointer to the state instead");
    static_assert(alignof(Stored) <= alignof(std::max_align_t), "over-aligned capture");
    static_assert(std::is_nothrow_move_constructible_v<Stored>, "the capture must be nothrow-movable");
    ::new (static_cast<void*>(storage_)) Stored(std::forward<F>(callable));
    invoke_ = [](void* self, Args... args) -> R { return (*static_cast<Stored*>(self))(std::forward<Args>(args)...); };
    manage_ = [](void* self, void* move_to) noexcept {
      auto* stored = static_cast<Stored*>(self);
      if (move_to != nullptr) ::new (move_to) Stored(std::move(*stored));
      stored->~Stored();
    };
  }

  InplaceFunction(InplaceFunction&& other) noexcept { take(other); }
  InplaceFunction& operator=(InplaceFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  InplaceFunction(const InplaceFunction&) = delete;
  InplaceFunction& operator=(const InplaceFunction&) = delete;
  ~InplaceFunction() { reset(); }

  R operator()(Args... args) { return invoke_(storage_, std::forward<Args>(args)...); }
  explicit operator bool() const noexcept { return invoke_ != nullptr; }

  void reset() noexcept {
    if (manage_ != nullptr) manage_(storage_, nullptr);
    invoke_ = nullptr;
    manage_ = nullptr;
  }

 private:
  void take(InplaceFunction& other) noexcept {
    if (other.manage_ == nullptr) return;
    other.manage_(other.storage_, storage_);  // moves into our storage, destroys theirs
    invoke_ = std::exchange(other.invoke_, nullptr);
    manage_ = std::exchange(other.manage_, nullptr);
  }

  alignas(std::max_align_t) std::byte storage_[CapacityBytes];
  R (*invoke_)(void*, Args...) = nullptr;
  void (*manage_)(void*, void*) noexcept = nullptr;
};

}  // namespace pipescale::ipc
