#pragma once
// The bytes every transport benchmark carries. The sender writes all of them and the receiver
// reads all of them: a benchmark that moves untouched bytes measures nothing a user will see.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace pipescale::bench {

// Keeps the compiler from discarding a computed value (the same idea as benchmark::DoNotOptimize,
// for the harnesses that do not link Google Benchmark).
template <class T>
inline void do_not_optimize(const T& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

inline constexpr std::uint64_t kPatternStep = 0x9E3779B97F4A7C15ULL;

// Fills `out`: the sequence number in the first 8 bytes, then words derived from it. Messages are
// at least 8 bytes long (the harnesses refuse shorter ones).
inline void write_payload(std::span<std::byte> out, std::uint64_t sequence) {
  std::uint64_t word = sequence;
  std::size_t at = 0;
  for (; at + sizeof word <= out.size(); at += sizeof word) {
    std::memcpy(out.data() + at, &word, sizeof word);
    word += kPatternStep;
  }
  for (; at < out.size(); ++at) out[at] = static_cast<std::byte>(sequence);
}

struct PayloadRead {
  std::uint64_t sequence = 0;
  std::uint64_t checksum = 0;  // a sum of every byte's word: proof that all of them were read
};

inline PayloadRead read_payload(std::span<const std::byte> in) {
  PayloadRead result;
  std::memcpy(&result.sequence, in.data(), std::min(in.size(), sizeof result.sequence));
  std::size_t at = 0;
  for (; at + sizeof(std::uint64_t) <= in.size(); at += sizeof(std::uint64_t)) {
    std::uint64_t word = 0;
    std::memcpy(&word, in.data() + at, sizeof word);
    result.checksum += word;
  }
  for (; at < in.size(); ++at) result.checksum += static_cast<std::uint64_t>(in[at]);
  return result;
}

}  // namespace pipescale::bench
