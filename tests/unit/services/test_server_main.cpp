// A server process for the tests that kill one (server_death_test.cpp): serves FrontendService
// with the test handlers until it is killed (or its parent is gone), writing 's' to stdout once it
// serves and 'r' each time it takes a request it will never answer.
//
// usage: services_test_server shm SEGMENT CONNECTION
//        services_test_server grpc ADDRESS
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "ipc/common/clock.hpp"
#include "ipc/segment/segment.hpp"
#include "ipc/wait/wait_strategy.hpp"
#include "services/make_transport.hpp"
#include "tests/unit/services/service_fixtures.hpp"

namespace {

using namespace pipescale;

bool report(char what) { return write(STDOUT_FILENO, &what, 1) == 1; }

int serve(services::Transport& transport, test::TestHandlers& handlers, pid_t parent) {
  ipc::IdleStrategy idle(ipc::WaitOptions{ipc::WaitKind::kPark, 0, 5'000'000}, ipc::Doorbell(transport.doorbell()));
  int reported = 0;
  while (getppid() == parent) {
    const std::size_t work = transport.poll(ipc::monotonic_ns());
    for (; reported < handlers.deferred_forever(); ++reported) {
      if (!report('r')) return 3;
    }
    if (work == 0) idle.idle([&transport] { return transport.has_work(); }, transport.next_timer_ns());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const pid_t parent = getppid();
  const bool rings = argc == 4 && std::strcmp(argv[1], "shm") == 0;
  if (!rings && !(argc == 3 && std::strcmp(argv[1], "grpc") == 0)) {
    std::fprintf(stderr, "usage: %s shm SEGMENT CONNECTION | grpc ADDRESS\n", argv[0]);
    return 2;
  }
  std::optional<ipc::Segment> segment;
  services::TransportConfig config;
  config.kind = rings ? services::TransportKind::kShm : services::TransportKind::kGrpc;
  if (rings) {
    auto opened = ipc::Segment::open(argv[2]);
    if (!opened) {
      std::fprintf(stderr, "services_test_server: %s\n", opened.error().message.c_str());
      return 1;
    }
    segment.emplace(std::move(opened).value());
    config.shm = {.segment = &*segment, .process = "server"};
  }
  test::TestHandlers handlers;
  services::FrontendDispatcher frontend(handlers);
  auto transport = services::make_transport(config);
  if (!transport || !(*transport)->serve(frontend) || !(*transport)->listen(argv[rings ? 3 : 2])) {
    std::fprintf(stderr, "services_test_server: cannot serve at %s\n", argv[rings ? 3 : 2]);
    return 1;
  }
  if (!report('s')) return 3;
  return serve(**transport, handlers, parent);
}
