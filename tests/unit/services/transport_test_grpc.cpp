// The transport tests over gRPC: on a unix socket and on a loopback TCP port.
#include "tests/unit/services/transport_test_fixture.hpp"

namespace pipescale::test {

INSTANTIATE_TEST_SUITE_P(Grpc, TransportTest, ::testing::Values(Carrier::kGrpcUnix, Carrier::kGrpcTcp),
                         carrier_test_name);

}  // namespace pipescale::test
