#pragma once
// What the generic rpc layer needs to know about each rpc of the schemas: its stable id, its
// gRPC path and the verifiers of its request and response, all taken from the method
// descriptors that the build generates from services.fbs (schemas/method_ids.hpp). Nothing here
// is written per method by hand, so a new rpc in the schema is picked up by every transport.
#include <array>
#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ipc/rpc/method.hpp"
#include "schemas/method_ids.hpp"
#include "schemas/verify.hpp"

namespace pipescale::services {

namespace rpc = schema::rpc;

// The four services, as the generated descriptors name them.
using ClientRpc = rpc::ClientService;
using FrontendRpc = rpc::FrontendService;
using WorkerRpc = rpc::WorkerService;
using SchedulerRpc = rpc::SchedulerService;

template <class Method>
constexpr ipc::MethodSpec method_spec() {
  return ipc::MethodSpec{Method::kId, Method::kGrpcPath, &schema::verify_message<typename Method::Request>,
                         &schema::verify_message<typename Method::Response>};
}

namespace detail {
template <class Tuple>
struct SpecsOf;
template <class... Methods>
struct SpecsOf<std::tuple<Methods...>> {
  static constexpr std::array<ipc::MethodSpec, sizeof...(Methods)> kSpecs{method_spec<Methods>()...};
};

template <class Method, class Tuple>
struct IsOneOf;
template <class Method, class... Methods>
struct IsOneOf<Method, std::tuple<Methods...>> : std::bool_constant<(std::is_same_v<Method, Methods> || ...)> {};
}  // namespace detail

// Every method of Service, in declaration order.
template <class Service>
constexpr std::span<const ipc::MethodSpec> method_specs() {
  return detail::SpecsOf<typename Service::Methods>::kSpecs;
}

// True when Method is one of Service's rpcs: a stub or a writer for another service's method
// does not compile.
template <class Service, class Method>
inline constexpr bool kIsMethodOf = detail::IsOneOf<Method, typename Service::Methods>::value;

// Every rpc of every service: what a calling transport registers, so that any stub works on it.
inline constexpr std::size_t kRpcCount =
    std::tuple_size_v<ClientRpc::Methods> + std::tuple_size_v<FrontendRpc::Methods> +
    std::tuple_size_v<WorkerRpc::Methods> + std::tuple_size_v<SchedulerRpc::Methods>;
std::span<const ipc::MethodSpec> all_method_specs();

}  // namespace pipescale::services
