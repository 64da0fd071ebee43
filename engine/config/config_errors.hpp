#pragma once
// Collecting every problem of a config (not just the first) and printing each on its own line:
// "KEY in FILE line N: PROBLEM", "KEY in --set KEY=VALUE: PROBLEM" or "KEY in FILE: PROBLEM".
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config_tree.hpp"

namespace pipescale::engine::config_detail {

// "configs/x.toml line 4", "--set run.slo_ms=fast", or the label alone when the line is unknown.
std::string where(const Origin& origin);

class ErrorList {
 public:
  explicit ErrorList(std::string file_label) : file_label_(std::move(file_label)) {}

  // A problem with a value that is present: "KEY in WHERE: PROBLEM".
  void at(std::string_view key, const Origin& origin, std::string_view problem);
  // A problem with no single place (a missing key, an empty list): "KEY in FILE: PROBLEM".
  void in_file(std::string_view key, std::string_view problem);
  // A line already formatted (a TOML syntax error, a malformed --set argument).
  void add(std::string line);

  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] const std::string& file_label() const { return file_label_; }
  // --set problems first (the user just typed them), then the file's in line order, then the rest.
  [[nodiscard]] std::vector<std::string> lines() const;

 private:
  struct Entry {
    int rank;  // sort key; see lines()
    std::string text;
  };
  std::string file_label_;
  std::vector<Entry> entries_;
};

// The candidate closest to `word` when it is a plausible typo of it (a small edit distance, or
// `word` is the start of it, as in "slo" for "slo_ms"); nothing otherwise.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace pipescale::engine::config_detail
