#pragma once
// The parsed TOML document as a small tree of our own, each node remembering where it came from
// (a line of the config file, or a --set argument). toml++ is heavy to compile, so only
// toml_document.cpp includes it; the section readers, the overrides and the tests work on this.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pipescale::engine::config_detail {

struct Origin {
  std::string label;  // the config file as the user named it, or "--set KEY=VALUE"
  bool is_override = false;
  int line = 0;  // 1-based; 0 when unknown (a table the file never wrote)
  int column = 0;
};

struct ConfigNode {
  enum class Kind { kTable, kArray, kString, kInteger, kFloat, kBoolean, kDateTime };

  Kind kind = Kind::kTable;
  std::string key;   // this node's key in its parent table; empty for array items
  std::string text;  // a string's value, or a date/time as written
  std::int64_t integer = 0;
  double floating = 0.0;
  bool boolean = false;
  std::vector<ConfigNode> children;  // table entries in source order, or array items
  Origin origin;

  [[nodiscard]] bool is_table() const { return kind == Kind::kTable; }
  [[nodiscard]] bool is_array() const { return kind == Kind::kArray; }
  [[nodiscard]] const ConfigNode* find(std::string_view child_key) const;
  [[nodiscard]] ConfigNode* find(std::string_view child_key);
};

// "string \"fast\"", "-5", "2.5", "boolean true", "a table", "an array of 3 items": for "got ...".
std::string describe(const ConfigNode& node);

// The shortest text that reads back as the same double ("200", "0.1", "1e+300", "inf").
std::string format_double(double value);

}  // namespace pipescale::engine::config_detail
