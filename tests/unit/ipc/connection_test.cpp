// Setting up connections: the regions and doorbells a connection consists of, finding them from
// another mapping, and binding each side.
#include "ipc/rpc/connection.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/unit/ipc/rpc_test_support.hpp"

namespace pipescale::test {
namespace {

class ConnectionTest : public ShmTest {
 protected:
  ipc::Segment create() {
    auto segment = ipc::Segment::create({names_.next(), "rpc-test", 2u << 20, 32});
    if (!segment) throw std::runtime_error(segment.error().message);
    return std::move(segment).value();
  }
  static ipc::ConnectionSpec spec(const std::string& name, const std::string& client) {
    ipc::ConnectionSpec shape;
    shape.name = name;
    shape.server_process = "frontend";
    shape.client_process = client;
    shape.request_ring_bytes = 4096;
    shape.response_ring_bytes = 2048;
    return shape;
  }
};

TEST_F(ConnectionTest, NamesItsRegionsAfterTheConnectionAndItsDoorbellsAfterTheProcesses) {
  ipc::Segment segment = create();
  ASSERT_TRUE(ipc::create_connection(segment, spec("a", "client")).ok());
  const auto names = segment.region_names();
  for (const char* expected : {"a.req", "a.rsp", "a.ctl", "frontend.bell", "client.bell"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST_F(ConnectionTest, SharesOneDoorbellPerProcessAcrossItsConnections) {
  ipc::Segment segment = create();
  ASSERT_TRUE(ipc::create_connection(segment, spec("a", "worker0")).ok());
  ASSERT_TRUE(ipc::create_connection(segment, spec("b", "worker1")).ok());
  segment.publish();
  auto a = ipc::find_connection(segment, "a");
  auto b = ipc::find_connection(segment, "b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->server_bell, b->server_bell);
  EXPECT_NE(a->client_bell, b->client_bell);
}

TEST_F(ConnectionTest, IsFoundByNameThroughAnotherMappingOfThePublishedSegment) {
  ipc::Segment segment = create();
  ASSERT_TRUE(ipc::create_connection(segment, spec("a", "client")).ok());
  segment.publish();
  auto opened = ipc::Segment::open(segment.name());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto regions = ipc::find_connection(*opened, "a");
  ASSERT_TRUE(regions.ok()) << regions.error().message;
  EXPECT_EQ(regions->requests->config.capacity_bytes, 4096u);
  EXPECT_EQ(regions->responses->config.capacity_bytes, 2048u);
}

TEST_F(ConnectionTest, SaysWhichConnectionIsMissing) {
  ipc::Segment segment = create();
  segment.publish();
  auto regions = ipc::find_connection(segment, "nowhere");
  ASSERT_FALSE(regions.ok());
  EXPECT_NE(regions.error().message.find("nowhere"), std::string::npos) << regions.error().message;
}

TEST_F(ConnectionTest, RefusesANameTooLongForTheDirectory) {
  ipc::Segment segment = create();
  auto created = ipc::create_connection(segment, spec(std::string(ipc::kMaxConnectionNameBytes + 1, 'n'), "client"));
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("characters"), std::string::npos) << created.error().message;
}

TEST_F(ConnectionTest, RefusesAConnectionFromAProcessToItself) {
  ipc::Segment segment = create();
  EXPECT_FALSE(ipc::create_connection(segment, spec("a", "frontend")).ok());
}

TEST_F(ConnectionTest, GivesEachAttachingClientANewEpoch) {
  ipc::Segment segment = create();
  ASSERT_TRUE(ipc::create_connection(segment, spec("a", "client")).ok());
  segment.publish();
  auto regions = ipc::find_connection(segment, "a");
  ASSERT_TRUE(regions.ok());
  auto first = ipc::bind_client(*regions->control, "a");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(ipc::bind_client(*regions->control, "a").ok());  // still held
  ipc::unbind_client(*regions->control, *first);
  auto second = ipc::bind_client(*regions->control, "a");
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *first);
  EXPECT_NE(*second, 0u);
}

TEST_F(ConnectionTest, RecordsTheServingProcessAndForgetsItWhenItLetsGo) {
  ipc::Segment segment = create();
  ASSERT_TRUE(ipc::create_connection(segment, spec("a", "client")).ok());
  segment.publish();
  auto regions = ipc::find_connection(segment, "a");
  ASSERT_TRUE(regions.ok());
  ASSERT_TRUE(ipc::bind_server(*regions->control, "a").ok());
  EXPECT_EQ(regions->control->server.pid.load(std::memory_order_relaxed), getpid());  // relaxed: this thread wrote it
  ipc::unbind_server(*regions->control);
  EXPECT_EQ(regions->control->server.pid.load(std::memory_order_relaxed), 0);
}

}  // namespace
}  // namespace pipescale::test
