// The method ids generated from schemas/services.fbs: unique, stable, and describing the right
// message types.
#include "schemas/method_ids.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <initializer_list>
#include <set>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace pipescale::schema::rpc {
namespace {

// Calls body(Method{}) for every method of Service.
template <class Service, class Body>
void for_each_method(Body body) {
  std::apply([&](auto... method) { (body(method), ...); }, typename Service::Methods{});
}

template <class Body>
void for_each_method_of_every_service(Body body) {
  for_each_method<ClientService>(body);
  for_each_method<FrontendService>(body);
  for_each_method<WorkerService>(body);
  for_each_method<SchedulerService>(body);
}

TEST(MethodIds, AreUniqueAndNeverZero) {
  std::set<std::uint16_t> seen;
  for (const MethodInfo& method : kMethods) {
    EXPECT_NE(method.id, 0) << method.service << "." << method.method;
    EXPECT_TRUE(seen.insert(method.id).second) << "duplicate id " << method.id;
  }
}

// These ids are on the wire. A failure here means an rpc was renumbered: give a changed rpc a
// new method_id and leave the old one retired instead (schemas/README.md).
TEST(MethodIds, KeepTheIdsAlreadyInUse) {
  EXPECT_EQ(ClientService::SendRequest::kId, 0x0101);
  EXPECT_EQ(FrontendService::SendRequest::kId, 0x0201);
  EXPECT_EQ(FrontendService::SendFeedback::kId, 0x0202);
  EXPECT_EQ(FrontendService::SendQueueInformation::kId, 0x0203);
  EXPECT_EQ(FrontendService::SendBatchSize::kId, 0x0204);
  EXPECT_EQ(WorkerService::SendBatch::kId, 0x0301);
  EXPECT_EQ(WorkerService::SendOrder::kId, 0x0302);
  EXPECT_EQ(SchedulerService::SendFrontendInformation::kId, 0x0401);
  EXPECT_EQ(kMethods.size(), 8U) << "a new rpc: pin its id above";
}

TEST(MethodIds, CarryTheirServiceIdInTheHighByte) {
  const auto expect_service = [](auto service) {
    using Service = decltype(service);
    for_each_method<Service>([](auto method) {
      EXPECT_EQ(service_id_of(decltype(method)::kId), Service::kServiceId) << decltype(method)::kName;
    });
  };
  expect_service(ClientService{});
  expect_service(FrontendService{});
  expect_service(WorkerService{});
  expect_service(SchedulerService{});
}

TEST(MethodIds, FindEveryMethodWithItsMessageTypes) {
  for_each_method_of_every_service([](auto method) {
    using Method = decltype(method);
    const MethodInfo* info = find_method(Method::kId);
    ASSERT_NE(info, nullptr) << Method::kName;
    EXPECT_EQ(info->method, Method::kName);
    EXPECT_EQ(info->request, Method::Request::GetFullyQualifiedName());
    EXPECT_EQ(info->response, Method::Response::GetFullyQualifiedName());
    EXPECT_STREQ(info->grpc_path, Method::kGrpcPath);
  });
}

TEST(MethodIds, FindNothingForAnUnknownId) {
  for (const std::uint16_t id : std::initializer_list<std::uint16_t>{0x0000, 0x0100, 0x0205, 0x0303, 0x0501, 0xFFFF}) {
    EXPECT_EQ(find_method(id), nullptr) << id;
  }
}

TEST(MethodIds, NameTheGrpcPathOfTheirServiceAndMethod) {
  EXPECT_STREQ(FrontendService::SendBatchSize::kGrpcPath, "/pipescale.schema.FrontendService/SendBatchSize");
  EXPECT_STREQ(WorkerService::SendBatch::kGrpcPath, "/pipescale.schema.WorkerService/SendBatch");
}

static_assert(std::is_same_v<WorkerService::SendBatch::Request, schema::Batch>);
static_assert(std::is_same_v<WorkerService::SendBatch::Response, schema::BatchResponse>);
static_assert(find_method(FrontendService::SendFeedback::kId)->request == "pipescale.schema.Feedback");

}  // namespace
}  // namespace pipescale::schema::rpc
