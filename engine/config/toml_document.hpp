#pragma once
// The only door to toml++: parses a config file or a --set value into a ConfigNode tree.
// Kept to one translation unit because toml++'s headers are slow to compile.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "engine/config/config_tree.hpp"

namespace pipescale::engine::config_detail {

// Reads and parses the file; `label` (the path as the user wrote it) names it in messages and
// origins. The error is one line: "LABEL:LINE:COLUMN: TOML syntax error: ...", or why the file
// could not be read.
Result<ConfigNode> parse_toml_file(const std::filesystem::path& path, const std::string& label);

// Parses `text` as a single TOML value (200, 1.5, false, "x", [1, 2], { a = 1 }); every node of
// the result carries `origin`. Nothing when `text` is not exactly one TOML value.
std::optional<ConfigNode> parse_toml_value(std::string_view text, const Origin& origin);

}  // namespace pipescale::engine::config_detail
