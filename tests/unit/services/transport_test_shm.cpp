// The transport tests over the shared-memory rings, in a program without gRPC.
#include "tests/unit/services/transport_test_fixture.hpp"

namespace pipescale::test {

// This program has no gRPC: only the shared-memory world exists here.
bool make_world(World& world, Carrier carrier, ShmNames& names, Served served) {
  if (carrier != Carrier::kShm) {
    ADD_FAILURE() << "this program is built without gRPC";
    return false;
  }
  return make_shm_world(world, names, served);
}

INSTANTIATE_TEST_SUITE_P(Rings, TransportTest, ::testing::Values(Carrier::kShm), carrier_test_name);

}  // namespace pipescale::test
