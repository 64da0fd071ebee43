#include "engine/config/toml_document.hpp"

#include <system_error>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>
#include <utility>

namespace pipescale::engine::config_detail {
namespace {

Origin origin_of(const toml::source_region& source, const std::string& label) {
  return Origin{label, false, static_cast<int>(source.begin.line), static_cast<int>(source.begin.column)};
}

ConfigNode convert(const toml::node& node, std::string key, const std::string& label);

void convert_table(const toml::table& table, ConfigNode& out, const std::string& label) {
  out.kind = ConfigNode::Kind::kTable;
  for (const auto& [child_key, child] : table) {
    out.children.push_back(convert(child, std::string(child_key.str()), label));
  }
  // toml++ keeps a table sorted by key; messages and the writer want the order of the file.
  std::stable_sort(out.children.begin(), out.children.end(), [](const ConfigNode& a, const ConfigNode& b) {
    return std::pair(a.origin.line, a.origin.column) < std::pair(b.origin.line, b.origin.column);
  });
}

void convert_value(const toml::node& node, ConfigNode& out) {
  using Kind = ConfigNode::Kind;
  if (const auto* text = node.as_string()) {
    out.kind = Kind::kString;
    out.text = text->get();
  } else if (const auto* integer = node.as_integer()) {
    out.kind = Kind::kInteger;
    out.integer = integer->get();
  } else if (const auto* floating = node.as_floating_point()) {
    out.kind = Kind::kFloat;
    out.floating = floating->get();
  } else if (const auto* boolean = node.as_boolean()) {
    out.kind = Kind::kBoolean;
    out.boolean = boolean->get();
  } else {
    out.kind = Kind::kDateTime;  // a date, a time or both, kept as written for messages
    std::ostringstream written;
    if (const auto* date = node.as_date()) written << date->get();
    if (const auto* time = node.as_time()) written << time->get();
    if (const auto* date_time = node.as_date_time()) written << date_time->get();
    out.text = written.str();
  }
}

ConfigNode convert(const toml::node& node, std::string key, const std::string& label) {
  ConfigNode out;
  out.key = std::move(key);
  out.origin = origin_of(node.source(), label);
  if (const toml::table* table = node.as_table()) {
    convert_table(*table, out, label);
  } else if (const toml::array* array = node.as_array()) {
    out.kind = ConfigNode::Kind::kArray;
    for (const toml::node& item : *array) out.children.push_back(convert(item, {}, label));
  } else {
    convert_value(node, out);
  }
  return out;
}

void set_origin(ConfigNode& node, const Origin& origin) {
  node.origin = origin;
  for (ConfigNode& child : node.children) set_origin(child, origin);
}

Result<std::string> read_file(const std::filesystem::path& path, const std::string& label) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  const std::string resolved = std::filesystem::absolute(path, error).lexically_normal().string();
  if (!std::filesystem::exists(status)) {
    return Error{label + ": cannot read the config file: no such file (" + resolved + ")"};
  }
  if (std::filesystem::is_directory(status)) {
    return Error{label + ": expected a TOML file, got a directory (" + resolved + ")"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return Error{label + ": cannot open the config file for reading (" + resolved + ")"};
  std::ostringstream content;
  content << in.rdbuf();  // an empty file leaves `content` failed and empty, which is fine
  return content.str();
}

}  // namespace

Result<ConfigNode> parse_toml_file(const std::filesystem::path& path, const std::string& label) {
  Result<std::string> content = read_file(path, label);
  if (!content) return content.error();
  try {
    const toml::table document = toml::parse(content.value(), std::string_view{label});
    ConfigNode root = convert(document, {}, label);
    root.origin.line = root.origin.column = 0;  // the file as a whole, not its first line
    return root;
  } catch (const toml::parse_error& error) {
    const toml::source_position& at = error.source().begin;
    return Error{label + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                 ": TOML syntax error: " + std::string(error.description())};
  }
}

std::optional<ConfigNode> parse_toml_value(std::string_view text, const Origin& origin) {
  toml::table document;
  try {
    document = toml::parse("v = " + std::string(text) + "\n");
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
  if (document.size() != 1 || !document.contains("v")) return std::nullopt;
  ConfigNode value = convert(*document.get("v"), {}, origin.label);
  set_origin(value, origin);
  return value;
}

}  // namespace pipescale::engine::config_detail
