#pragma once
// A test world per carrier (transport_world.hpp) with one stub of each service on its channel.
#include <gtest/gtest.h>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

#include "services/stubs.hpp"
#include "tests/unit/services/transport_world.hpp"

namespace pipescale::test {

// The outcome of one asynchronous call, as the test saw it.
struct Answer {
  int completions = 0;
  ipc::StatusCode status = ipc::StatusCode::kUnknown;
  std::string fields;  // render() of the response, empty unless kOk
};

// A completion that fills `answer`.
template <class Method>
services::Done<Method> record(Answer& answer) {
  return [&answer](ipc::StatusCode status, const typename Method::Response* response) {
    ++answer.completions;
    answer.status = status;
    answer.fields = response != nullptr ? render(*response) : std::string();
  };
}

struct Stubs {
  explicit Stubs(ipc::Channel& channel) : client(channel), frontend(channel), worker(channel), scheduler(channel) {}
  services::ClientStub client;
  services::FrontendStub frontend;
  services::WorkerStub worker;
  services::SchedulerStub scheduler;
};

class TransportTest : public ShmTest, public ::testing::WithParamInterface<Carrier> {
 protected:
  void start(Served served = {}) {
    world_ = std::make_unique<World>();
    ASSERT_TRUE(make_world(*world_, GetParam(), names_, served));
    stubs_.emplace(*world_->channel);
  }
  void TearDown() override {
    stubs_.reset();
    world_.reset();
    ShmTest::TearDown();
  }

  static std::int64_t soon() { return ipc::monotonic_ns() + 5000 * kMs; }

  bool pump_until_answered(std::initializer_list<const Answer*> answers) {
    return pump(*world_->client, [answers] {
      for (const Answer* answer : answers) {
        if (answer->completions == 0) return false;
      }
      return true;
    });
  }

  std::unique_ptr<World> world_;
  std::optional<Stubs> stubs_;
};

}  // namespace pipescale::test
