#pragma once
// A small JSON emitter for results and benchmark reports: the output is a handful of numbers and
// names, not worth a dependency.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pipescale {

// Streams one JSON document. Keys and values alternate as the caller writes them; commas are
// placed automatically. No validation beyond that: the callers are a few fixed report shapes.
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(double number, int decimals = 3);  // NaN and infinities as null
  JsonWriter& value(bool flag);
  JsonWriter& value(const std::vector<int>& numbers);
  JsonWriter& null();
  [[nodiscard]] const std::string& str() const { return out_; }

 private:
  void separate();
  void append_string(std::string_view text);
  std::string out_;
  std::vector<bool> has_member_;  // per open object
  bool after_key_ = false;
};

}  // namespace pipescale
