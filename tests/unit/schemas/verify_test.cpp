// schemas/verify.hpp: what a receiver accepts from a peer, and what it refuses.
#include "schemas/verify.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <flatbuffers/flatbuffers.h>
#include <gtest/gtest.h>
#include <span>
#include <vector>

#include "schemas/services_generated.h"

namespace pipescale::schema {
namespace {

// The signature ipc's rpc layer takes for a payload verifier.
using PayloadVerifier = bool (*)(std::span<const std::byte>);
[[maybe_unused]] constexpr PayloadVerifier kRequestVerifier = &verify_message<Request>;

flatbuffers::Offset<Request> add_request(flatbuffers::FlatBufferBuilder& builder, std::uint64_t id) {
  const StageVisit visits[2] = {StageVisit(StageTimestamps(10, 20, 30, 40), 5, 6, 8),
                                StageVisit(StageTimestamps(50, 0, 0, 0), 0, 0, 0)};
  const auto stages = builder.CreateVectorOfStructs(visits, 2);
  RequestBuilder request(builder);
  request.add_request_id(id);
  request.add_deadline_ns(1'000'000);
  request.add_stage(1);
  request.add_stages(stages);
  return request.Finish();
}

// A finished message copied to storage aligned like a ring payload, at a chosen byte offset.
class Payload {
 public:
  explicit Payload(const flatbuffers::FlatBufferBuilder& builder, std::size_t offset = 0)
      : storage_((builder.GetSize() + offset) / sizeof(std::uint64_t) + 1), offset_(offset), size_(builder.GetSize()) {
    std::memcpy(bytes(), builder.GetBufferPointer(), size_);
  }
  std::byte* bytes() { return reinterpret_cast<std::byte*>(storage_.data()) + offset_; }
  [[nodiscard]] std::span<const std::byte> span() { return {bytes(), size_}; }
  [[nodiscard]] std::span<const std::byte> first(std::size_t count) { return {bytes(), count}; }

 private:
  std::vector<std::uint64_t> storage_;
  std::size_t offset_;
  std::size_t size_;
};

flatbuffers::FlatBufferBuilder request_message(std::uint64_t id) {
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(add_request(builder, id));
  return builder;
}

flatbuffers::FlatBufferBuilder batch_message(std::size_t requests) {
  flatbuffers::FlatBufferBuilder builder;
  std::vector<flatbuffers::Offset<Request>> offsets;
  for (std::size_t i = 0; i < requests; ++i) offsets.push_back(add_request(builder, i + 1));
  builder.Finish(CreateBatch(builder, 1, 0, BatchTrigger::Full, static_cast<std::uint32_t>(requests), 0,
                             builder.CreateVector(offsets)));
  return builder;
}

TEST(VerifyMessage, AcceptsAWellFormedRequestAndReadsIt) {
  Payload payload(request_message(42));
  const Request* request = verified_root<Request>(payload.span());
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->request_id(), 42U);
  ASSERT_EQ(request->stages()->size(), 2U);
  EXPECT_EQ(request->stages()->Get(0)->timestamps().finished_ns(), 40);
}

TEST(VerifyMessage, RejectsAnEmptyPayload) { EXPECT_FALSE(verify_message<Request>({})); }

TEST(VerifyMessage, RejectsEveryTruncationOfARequest) {
  Payload payload(request_message(42));
  for (std::size_t size = 0; size < payload.span().size(); ++size) {
    EXPECT_FALSE(verify_message<Request>(payload.first(size))) << "truncated to " << size << " bytes";
  }
}

TEST(VerifyMessage, RejectsARootOffsetPointingOutsideThePayload) {
  Payload payload(request_message(42));
  const std::uint32_t far_away = 1U << 20;
  std::memcpy(payload.bytes(), &far_away, sizeof far_away);
  EXPECT_EQ(verified_root<Request>(payload.span()), nullptr);
}

TEST(VerifyMessage, RejectsAPayloadAtAnAddressNoFlatBufferCanStartAt) {
  Payload payload(request_message(42), 1);
  EXPECT_FALSE(verify_message<Request>(payload.span()));
}

TEST(VerifyMessage, AcceptsABatchAtTheTableLimit) {
  Payload payload(batch_message(kVerifyMaxTables - 1));  // the requests and the Batch itself
  EXPECT_TRUE(verify_message<Batch>(payload.span()));
}

TEST(VerifyMessage, RejectsABatchWithMoreTablesThanTheLimit) {
  Payload payload(batch_message(kVerifyMaxTables));
  EXPECT_FALSE(verify_message<Batch>(payload.span()));
}

TEST(Realigned, ReturnsAnAlignedPayloadItself) {
  Payload payload(request_message(7));
  AlignedScratch scratch;
  EXPECT_EQ(realigned(payload.span(), scratch).data(), payload.span().data());
}

TEST(Realigned, CopiesAMisalignedPayloadToAnAlignedAddress) {
  Payload payload(request_message(7), 3);
  AlignedScratch scratch;
  const std::span<const std::byte> copy = realigned(payload.span(), scratch);
  EXPECT_TRUE(is_message_aligned(copy.data()));
  ASSERT_EQ(copy.size(), payload.span().size());
  EXPECT_EQ(std::memcmp(copy.data(), payload.span().data(), copy.size()), 0);
  const Request* request = verified_root<Request>(copy);
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->request_id(), 7U);
}

}  // namespace
}  // namespace pipescale::schema
