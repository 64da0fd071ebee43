#pragma once
// A vector of FlatBuffers structs built in place: the caller constructs each element straight
// in the builder's buffer, instead of in a local array that CreateVectorOfStructs then copies.
// For a Request with three StageVisits that is a third of the encoding: the local array's
// initialisation and the copy, which stalls on store forwarding (bench/README.md, rpc).
//
// Why not FlatBufferBuilder::CreateUninitializedVectorOfStructs: in FlatBuffers 2.0 it aligns the
// vector to sizeof(T) rather than alignof(T), which for a 56-byte StageVisit pads and aligns the
// buffer wrongly. This lays the vector out byte for byte as CreateVectorOfStructs does.
#include <cstddef>
#include <cstdint>
#include <flatbuffers/flatbuffer_builder.h>

namespace pipescale::schema {

// Reserves a vector of `count` T and points `elements` at them, uninitialised: construct every
// one (placement new; a generated struct's constructors zero its padding) before the builder's
// next call, which may move its buffer.
template <class T>
flatbuffers::Offset<flatbuffers::Vector<const T*>> create_struct_vector_in_place(
    flatbuffers::FlatBufferBuilder& builder, std::size_t count, T*& elements) {
  static_assert(sizeof(T) % alignof(T) == 0, "a FlatBuffers struct's size is a multiple of its alignment");
  // CreateVectorOfStructs starts the vector as count * sizeof(T) / alignof(T) elements of
  // alignof(T) bytes; so does this, and EndVector then records that element count...
  const std::size_t words = count * sizeof(T) / alignof(T);
  std::uint8_t* bytes = nullptr;
  const flatbuffers::uoffset_t vector = builder.CreateUninitializedVector(words, alignof(T), &bytes);
  // ...which is put right here: the length word is the last thing written, at the buffer's front.
  flatbuffers::WriteScalar(builder.GetCurrentBufferPointer(), static_cast<flatbuffers::uoffset_t>(count));
  elements = reinterpret_cast<T*>(bytes);
  return flatbuffers::Offset<flatbuffers::Vector<const T*>>(vector);
}

}  // namespace pipescale::schema
