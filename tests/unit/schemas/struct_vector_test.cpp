// schemas/struct_vector.hpp: a vector of structs built in place is the vector
// CreateVectorOfStructs builds, byte for byte.
#include "schemas/struct_vector.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <flatbuffers/flatbuffers.h>
#include <gtest/gtest.h>
#include <new>
#include <span>
#include <vector>

#include "schemas/services_generated.h"
#include "schemas/verify.hpp"

namespace pipescale::schema {
namespace {

StageVisit visit(std::size_t k) {
  const auto base = static_cast<std::int64_t>(1'000 * (k + 1));
  return StageVisit(StageTimestamps(base, base + 1, base + 2, base + 3), 7 + k, 9 + k, static_cast<std::uint32_t>(k));
}

// A Request with `count` visits and a field after the vector, finished.
template <class AddStages>
std::vector<std::uint8_t> request_bytes(AddStages&& add_stages) {
  flatbuffers::FlatBufferBuilder builder(64);  // small: the builder grows while building
  const auto stages = add_stages(builder);
  RequestBuilder request(builder);
  request.add_request_id(42);
  request.add_stage(1);
  request.add_stages(stages);
  builder.Finish(request.Finish());
  return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

class StructVectorInPlace : public ::testing::TestWithParam<std::size_t> {};

TEST_P(StructVectorInPlace, EncodesTheSameBytesAsCreateVectorOfStructs) {
  const std::size_t count = GetParam();
  std::vector<StageVisit> visits;
  for (std::size_t k = 0; k < count; ++k) visits.push_back(visit(k));
  const auto copied = request_bytes(
      [&](flatbuffers::FlatBufferBuilder& builder) { return builder.CreateVectorOfStructs(visits.data(), count); });

  const auto in_place = request_bytes([&](flatbuffers::FlatBufferBuilder& builder) {
    StageVisit* elements = nullptr;
    const auto stages = create_struct_vector_in_place(builder, count, elements);
    for (std::size_t k = 0; k < count; ++k) new (elements + k) StageVisit(visit(k));
    return stages;
  });

  EXPECT_EQ(in_place, copied);
  std::vector<std::uint64_t> aligned((in_place.size() + 7) / 8);  // a ring payload is 8-byte aligned
  std::memcpy(aligned.data(), in_place.data(), in_place.size());
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(aligned.data()), in_place.size());
  const Request* request = verified_root<Request>(bytes);
  ASSERT_NE(request, nullptr);
  ASSERT_NE(request->stages(), nullptr);
  ASSERT_EQ(request->stages()->size(), count);
  for (std::size_t k = 0; k < count; ++k) {
    EXPECT_EQ(request->stages()->Get(static_cast<flatbuffers::uoffset_t>(k))->batch_id(), 7 + k);
  }
}

INSTANTIATE_TEST_SUITE_P(Counts, StructVectorInPlace, ::testing::Values(0, 1, 3, 16, 100));

}  // namespace
}  // namespace pipescale::schema
