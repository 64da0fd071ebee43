#include "engine/config/overrides.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "engine/config/toml_document.hpp"

namespace pipescale::engine::config_detail {
namespace {

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

std::vector<std::string> split_key(std::string_view key) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = key.find('.', start);
    parts.push_back(trim(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start)));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

bool is_position(const std::string& part) {
  return !part.empty() && part.size() < 9 &&
         std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string item_names(const ConfigNode& array) {
  std::string names;
  for (const ConfigNode& item : array.children) {
    const ConfigNode* name = item.find("name");
    if (name != nullptr && name->kind == ConfigNode::Kind::kString) names += (names.empty() ? "" : ", ") + name->text;
  }
  return names;
}

// An item of an array by its 1-based position or by the value of its "name" key.
ConfigNode* item(ConfigNode& array, const std::string& part, const std::string& path, std::string& problem) {
  if (is_position(part)) {
    const std::size_t position = std::stoul(part);
    if (position >= 1 && position <= array.children.size()) return &array.children[position - 1];
  }
  for (ConfigNode& candidate : array.children) {
    const ConfigNode* name = candidate.find("name");
    if (name != nullptr && name->kind == ConfigNode::Kind::kString && name->text == part) return &candidate;
  }
  const std::string names = item_names(array);
  problem = path + " has no item \"" + part + "\": expected a position from 1 to " +
            std::to_string(array.children.size()) + (names.empty() ? "" : " or one of the names " + names);
  return nullptr;
}

// The child `part` of `parent`, made (as an empty table from this --set) when a table lacks it.
ConfigNode* child(ConfigNode& parent, const std::string& part, const std::string& path, const Origin& origin,
                  std::string& problem) {
  if (parent.is_array()) return item(parent, part, path, problem);
  if (!parent.is_table()) {
    problem = path + " is " + describe(parent) + ", not a table";
    return nullptr;
  }
  if (ConfigNode* found = parent.find(part)) return found;
  ConfigNode table;
  table.key = part;
  table.origin = origin;
  parent.children.push_back(std::move(table));
  return &parent.children.back();
}

ConfigNode value_node(const std::string& text, const Origin& origin) {
  if (std::optional<ConfigNode> parsed = parse_toml_value(text, origin)) return std::move(*parsed);
  ConfigNode bare;  // not a TOML value: a bare word, taken as a string
  bare.kind = ConfigNode::Kind::kString;
  bare.text = text;
  bare.origin = origin;
  return bare;
}

// Puts `value` under `part` of `parent`: replaces a table's key or an array's item, or adds the key.
bool put(ConfigNode& parent, const std::string& part, const std::string& path, ConfigNode value, std::string& problem) {
  if (parent.is_array()) {
    ConfigNode* target = item(parent, part, path, problem);
    if (target != nullptr) *target = std::move(value);
    return target != nullptr;
  }
  if (!parent.is_table()) {
    problem = path + " is " + describe(parent) + ", not a table";
    return false;
  }
  value.key = part;
  if (ConfigNode* existing = parent.find(part)) {
    *existing = std::move(value);
  } else {
    parent.children.push_back(std::move(value));
  }
  return true;
}

void apply_one(ConfigNode& root, const std::string& argument, ErrorList& errors) {
  const std::string where = "--set " + argument;
  const std::size_t equals = argument.find('=');
  const std::vector<std::string> parts = split_key(argument.substr(0, equals));
  const bool empty_part = std::any_of(parts.begin(), parts.end(), [](const std::string& part) { return part.empty(); });
  if (equals == std::string::npos || empty_part) {
    return errors.add(where +
                      ": expected KEY=VALUE with a dotted KEY, as in run.slo_ms=200 or stages.detect.workers_max=4");
  }
  const Origin origin{where, true, 0, 0};
  ConfigNode* parent = &root;
  std::string path;  // the dotted key of `parent`
  std::string problem;
  for (std::size_t i = 0; i + 1 < parts.size() && parent != nullptr; ++i) {
    parent = child(*parent, parts[i], path, origin, problem);
    path += (path.empty() ? "" : ".") + parts[i];
  }
  if (parent == nullptr ||
      !put(*parent, parts.back(), path, value_node(trim(argument.substr(equals + 1)), origin), problem)) {
    errors.add(where + ": " + problem);
  }
}

}  // namespace

void apply_overrides(ConfigNode& root, const std::vector<std::string>& overrides, ErrorList& errors) {
  for (const std::string& argument : overrides) apply_one(root, argument, errors);
}

}  // namespace pipescale::engine::config_detail
