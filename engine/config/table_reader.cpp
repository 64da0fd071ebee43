#include "engine/config/table_reader.hpp"

#include <algorithm>
#include <cmath>

namespace pipescale::engine::config_detail {
namespace {

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : std::string(separator)) + word;
  return out;
}

std::string dotted(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

}  // namespace

void UnknownKeys::know(const std::string& schema, std::string_view key) {
  std::vector<std::string>& keys = known_[schema];
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.emplace_back(key);
}

void UnknownKeys::add(const std::string& schema, const std::string& path, const ConfigNode& node) {
  unknown_.push_back({schema, path, &node});
}

std::string UnknownKeys::hint(const Unknown& unknown) const {
  const auto own = known_.find(unknown.schema);
  const std::vector<std::string> keys = own == known_.end() ? std::vector<std::string>{} : own->second;
  if (const auto suggestion = nearest(unknown.node->key, keys)) {
    return ", did you mean " + dotted(unknown.path, *suggestion) + "?";
  }
  for (const auto& [schema, other_keys] : known_) {
    // Only the sections themselves: a nested table's keys ("stages.profile") are no section's.
    if (schema.empty() || schema == unknown.schema || schema.find('.') != std::string::npos) continue;
    if (std::find(other_keys.begin(), other_keys.end(), unknown.node->key) == other_keys.end()) continue;
    if (schema == "stages") return ", did you mean " + unknown.node->key + " in a [[stages]] table?";
    return ", did you mean " + schema + "." + unknown.node->key + "?";
  }
  if (keys.empty()) return "";
  return unknown.schema.empty() ? ", expected one of the sections " + join(keys, ", ")
                                : ", expected one of " + join(keys, ", ");
}

void UnknownKeys::report(ErrorList& errors) const {
  for (const Unknown& unknown : unknown_) {
    const bool is_section = unknown.schema.empty() && (unknown.node->is_table() || unknown.node->is_array());
    const std::string problem = is_section ? "unknown section" : "unknown key";
    errors.at(dotted(unknown.path, unknown.node->key), unknown.node->origin, problem + hint(unknown));
  }
}

TableReader::TableReader(const ConfigNode* table, std::string schema, std::string path, ReadContext& context)
    : table_(table), schema_(std::move(schema)), path_(std::move(path)), context_(context) {}

TableReader::~TableReader() {
  if (table_ == nullptr) return;
  for (const ConfigNode& child : table_->children) {
    if (std::find(asked_.begin(), asked_.end(), child.key) == asked_.end()) context_.unknown.add(schema_, path_, child);
  }
}

const ConfigNode* TableReader::take(std::string_view key) {
  asked_.emplace_back(key);
  context_.unknown.know(schema_, key);
  return table_ == nullptr ? nullptr : table_->find(key);
}

void TableReader::number(std::string_view key, double& out, const NumberRule& rule) {
  const ConfigNode* node = take(key);
  if (node == nullptr) return;
  double value = 0.0;
  if (node->kind == ConfigNode::Kind::kInteger) {
    value = static_cast<double>(node->integer);
  } else if (node->kind == ConfigNode::Kind::kFloat) {
    value = node->floating;
  } else {
    return fail(key, *node, rule.expectation);
  }
  const bool above_min = rule.min_inclusive ? value >= rule.min : value > rule.min;
  if (!std::isfinite(value) || !above_min || value > rule.max) return fail(key, *node, rule.expectation);
  out = value;
}

void TableReader::whole(std::string_view key, int& out, int min, int max, std::string_view expectation) {
  const ConfigNode* node = take(key);
  if (node == nullptr) return;
  if (node->kind != ConfigNode::Kind::kInteger || node->integer < min || node->integer > max) {
    return fail(key, *node, expectation);
  }
  out = static_cast<int>(node->integer);
}

void TableReader::whole(std::string_view key, std::uint64_t& out, std::string_view expectation) {
  const ConfigNode* node = take(key);
  if (node == nullptr) return;
  if (node->kind != ConfigNode::Kind::kInteger || node->integer < 0) return fail(key, *node, expectation);
  out = static_cast<std::uint64_t>(node->integer);
}

void TableReader::flag(std::string_view key, bool& out) {
  const ConfigNode* node = take(key);
  if (node == nullptr) return;
  if (node->kind != ConfigNode::Kind::kBoolean) return fail(key, *node, "true or false");
  out = node->boolean;
}

void TableReader::text(std::string_view key, std::string& out, std::string_view expectation) {
  const ConfigNode* node = take(key);
  if (node == nullptr) return;
  if (node->kind != ConfigNode::Kind::kString) return fail(key, *node, expectation);
  out = node->text;
}

void TableReader::name(std::string_view key, std::string& out, std::span<const std::string_view> names) {
  const int index = pick(key, std::vector<std::string_view>(names.begin(), names.end()));
  if (index >= 0) out = std::string(names[static_cast<std::size_t>(index)]);
}

int TableReader::pick(std::string_view key, const std::vector<std::string_view>& names) {
  const ConfigNode* node = take(key);
  if (node == nullptr) return -1;
  std::vector<std::string> quoted;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (node->kind == ConfigNode::Kind::kString && node->text == names[i]) return static_cast<int>(i);
    quoted.emplace_back(1, '"');  // built by appending: GCC 12 misreports "\"" + std::string (-Wrestrict)
    quoted.back().append(names[i]).push_back('"');
  }
  std::string problem = "expected one of " + join(quoted, ", ") + ", got " + describe(*node);
  if (node->kind == ConfigNode::Kind::kString) {
    if (const auto suggestion = nearest(node->text, std::vector<std::string>(names.begin(), names.end()))) {
      problem += ", did you mean \"" + *suggestion + "\"?";
    }
  }
  context_.errors.at(key_path(key), node->origin, problem);
  return -1;
}

void TableReader::fail(std::string_view key, const ConfigNode& node, std::string_view expectation) {
  context_.errors.at(key_path(key), node.origin, "expected " + std::string(expectation) + ", got " + describe(node));
}

void TableReader::missing(std::string_view key, std::string_view expectation) {
  const std::string problem = "missing, expected " + std::string(expectation);
  if (table_ != nullptr && !table_->origin.is_override && table_->origin.line > 0) {
    context_.errors.at(key_path(key), table_->origin, problem);
  } else {
    context_.errors.in_file(key_path(key), problem);
  }
}

std::string TableReader::key_path(std::string_view key) const { return dotted(path_, key); }

}  // namespace pipescale::engine::config_detail
