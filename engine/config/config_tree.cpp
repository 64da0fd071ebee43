#include "engine/config/config_tree.hpp"

#include <charconv>
#include <cmath>

namespace pipescale::engine::config_detail {
namespace {

constexpr std::size_t kLongestQuotedText = 60;  // keeps one error on one readable line

std::string quote(const std::string& text) {
  std::string shown = text.size() > kLongestQuotedText ? text.substr(0, kLongestQuotedText) + "..." : text;
  std::string out = "\"";
  for (const char c : shown) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\t') ? ' ' : c;
  }
  return out + "\"";
}

}  // namespace

const ConfigNode* ConfigNode::find(std::string_view child_key) const {
  if (kind != Kind::kTable) return nullptr;
  for (const ConfigNode& child : children) {
    if (child.key == child_key) return &child;
  }
  return nullptr;
}

ConfigNode* ConfigNode::find(std::string_view child_key) {
  return const_cast<ConfigNode*>(static_cast<const ConfigNode&>(*this).find(child_key));
}

std::string describe(const ConfigNode& node) {
  using Kind = ConfigNode::Kind;
  switch (node.kind) {
    case Kind::kString: return "string " + quote(node.text);
    case Kind::kInteger: return std::to_string(node.integer);
    case Kind::kFloat: return format_double(node.floating);
    case Kind::kBoolean: return node.boolean ? "boolean true" : "boolean false";
    case Kind::kDateTime: return "date/time " + node.text;
    case Kind::kTable: return "a table";
    case Kind::kArray:
      if (node.children.empty()) return "an empty array";
      return "an array of " + std::to_string(node.children.size()) + (node.children.size() == 1 ? " item" : " items");
  }
  return "a value";
}

std::string format_double(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc{}) return std::to_string(value);
  return std::string(buffer, end);
}

}  // namespace pipescale::engine::config_detail
