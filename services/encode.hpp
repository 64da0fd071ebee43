#pragma once
// How stubs and response writers turn a caller's build function into finished bytes, with the
// message type checked at compile time: a build function for SendFeedback must return
// flatbuffers::Offset<schema::Feedback>, or the call does not compile.
#include <cstddef>
#include <flatbuffers/flatbuffer_builder.h>
#include <span>
#include <type_traits>

namespace pipescale::services::detail {

// Finished bytes pass through as they are.
template <class Table, class Build>
constexpr bool kIsFinishedBytes = std::is_convertible_v<Build, std::span<const std::byte>>;

template <class Table, class Build>
constexpr bool kIsBuildFunction = std::is_invocable_v<Build&, flatbuffers::FlatBufferBuilder&>&&
    std::is_same_v<std::invoke_result_t<Build&, flatbuffers::FlatBufferBuilder&>, flatbuffers::Offset<Table>>;

// builder is Clear()ed and reused: it grows to the largest message and then stops allocating.
// The bytes are valid until the builder's next use.
template <class Table, class Build>
std::span<const std::byte> encode(flatbuffers::FlatBufferBuilder& builder, Build& build) {
  if constexpr (kIsFinishedBytes<Table, Build>) {
    return std::span<const std::byte>(build);
  } else {
    static_assert(kIsBuildFunction<Table, Build>,
                  "pass finished bytes (std::span<const std::byte>) or a function "
                  "(flatbuffers::FlatBufferBuilder&) -> flatbuffers::Offset<T> of this rpc's message type T");
    builder.Clear();
    builder.Finish(build(builder));
    return {reinterpret_cast<const std::byte*>(builder.GetBufferPointer()), builder.GetSize()};
  }
}

}  // namespace pipescale::services::detail
