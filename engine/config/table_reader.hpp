#pragma once
// Reading one TOML table into a struct, key by key, with a typed, range-checked accessor per key.
// The keys a reader asks for are the section's schema: whatever else the table holds is reported
// as an unknown key, with the nearest valid key as a suggestion. A new section (a [placement]
// table, say) is one more reader function; nothing else needs to learn its keys.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/config/config_errors.hpp"
#include "engine/config/config_tree.hpp"

namespace pipescale::engine::config_detail {

// Keys nobody asked for, reported once every section has been read so that a key written in the
// wrong section ("seed" under [client]) can point at the section that has it.
class UnknownKeys {
 public:
  void know(const std::string& schema, std::string_view key);
  void add(const std::string& schema, const std::string& path, const ConfigNode& node);
  void report(ErrorList& errors) const;

 private:
  struct Unknown {
    std::string schema;  // "" (the top level), "run", "stages", ...
    std::string path;    // the dotted key of the table it sits in: "run", "stages.detect"
    const ConfigNode* node;
  };
  [[nodiscard]] std::string hint(const Unknown& unknown) const;
  std::map<std::string, std::vector<std::string>> known_;  // schema -> keys, in reading order
  std::vector<Unknown> unknown_;
};

// What every reader shares while one config is read.
struct ReadContext {
  ErrorList errors;
  UnknownKeys unknown;
  std::filesystem::path config_dir;  // relative paths in the file resolve against it
};

// A numeric rule: min < value (or min <= value when min_inclusive) and value <= max, finite.
struct NumberRule {
  double min;
  bool min_inclusive;
  double max;
  std::string_view expectation;  // "a positive number of milliseconds", used as "expected ..."
};

class TableReader {
 public:
  // `table` is null when the file has no such table; every key then keeps its default.
  // `schema` names the set of keys ("stages"), `path` the table in messages ("stages.detect").
  TableReader(const ConfigNode* table, std::string schema, std::string path, ReadContext& context);
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;
  // Reports the keys of the table that nobody asked for, so a reader cannot forget to.
  ~TableReader();

  void number(std::string_view key, double& out, const NumberRule& rule);
  void whole(std::string_view key, int& out, int min, int max, std::string_view expectation);
  void whole(std::string_view key, std::uint64_t& out, std::string_view expectation);
  void flag(std::string_view key, bool& out);
  void text(std::string_view key, std::string& out, std::string_view expectation);
  template <class Enum, std::size_t N>
  void choice(std::string_view key, Enum& out, const std::array<std::pair<std::string_view, Enum>, N>& options);
  // A name from `names` (a family of policies, say); an error lists them all.
  void name(std::string_view key, std::string& out, std::span<const std::string_view> names);
  // The node itself (null when absent), for keys that need more than one value.
  const ConfigNode* take(std::string_view key);

  void fail(std::string_view key, const ConfigNode& node, std::string_view expectation);
  // A required key that is absent, placed at the table's line when the file has the table.
  void missing(std::string_view key, std::string_view expectation);
  [[nodiscard]] std::string key_path(std::string_view key) const;
  [[nodiscard]] ReadContext& context() { return context_; }

 private:
  const ConfigNode* table_;
  std::string schema_;
  std::string path_;
  ReadContext& context_;
  std::vector<std::string> asked_;
  // The index in `names` of the key's string; -1 when the key is absent or (reported) none of them.
  int pick(std::string_view key, const std::vector<std::string_view>& names);
};

template <class Enum, std::size_t N>
void TableReader::choice(std::string_view key, Enum& out,
                         const std::array<std::pair<std::string_view, Enum>, N>& options) {
  std::vector<std::string_view> names;
  names.reserve(N);
  for (const auto& option : options) names.push_back(option.first);
  const int index = pick(key, names);
  if (index >= 0) out = options[static_cast<std::size_t>(index)].second;
}

}  // namespace pipescale::engine::config_detail
