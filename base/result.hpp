#pragma once
// The setup-path error channel: a value or an Error whose message names the input that was wrong.
// (std::expected is C++23; this is the small subset the project needs.) The hot path never uses
// it: it returns [[nodiscard]] status enums and never throws.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pipescale {

struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T* operator->() { return &value(); }
  T& operator*() & { return value(); }

  [[nodiscard]] const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// For setup steps that produce nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace pipescale
