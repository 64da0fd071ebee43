// The [[stages]] array: names, latency profiles (a CSV file or inline), Worker bounds, batches.
#include <algorithm>
#include <cctype>

#include "engine/config/profile.hpp"
#include "engine/config/sections.hpp"
#include "roles/frontend/batching_policy.hpp"
#include "roles/frontend/dispatch_policy.hpp"
#include "roles/frontend/drop_policy.hpp"

namespace pipescale::engine::config_detail {
namespace {

constexpr std::size_t kLongestName = 64;
constexpr std::string_view kNameExpectation =
    "a name of letters, digits, '_' and '-' that starts with a letter, at most 64 characters";
constexpr std::string_view kProfileExpectation =
    "a latency profile: profile_path = \"file.csv\", or profile = [{ batch_size = 1, latency_ms = 5.0 }, ...]";
constexpr NumberRule kLatencyRule{0.0, false, kMaxLatencyMs, roles::kLatencyRule};

// Where a profile point was written, to place a problem with the profile's shape.
struct PointSource {
  std::string key;
  Origin origin;
  std::string prefix;  // "PATH:LINE: " for a CSV row, empty for an inline point
};

bool valid_name(std::string_view name) {
  const auto allowed = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; };
  return !name.empty() && name.size() <= kLongestName && std::isalpha(static_cast<unsigned char>(name.front())) != 0 &&
         std::all_of(name.begin(), name.end(), allowed);
}

std::string written_name(const ConfigNode& stage) {
  const ConfigNode* name = stage.find("name");
  return name != nullptr && name->kind == ConfigNode::Kind::kString && valid_name(name->text) ? name->text : "";
}

// "stages.<name>" for a stage whose valid name no other stage shares, else "stages.<position>".
std::vector<std::string> stage_paths(const ConfigNode& stages) {
  std::vector<std::string> names;
  for (const ConfigNode& stage : stages.children) names.push_back(written_name(stage));
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const bool unique = !names[i].empty() && std::count(names.begin(), names.end(), names[i]) == 1;
    paths.push_back("stages." + (unique ? names[i] : std::to_string(i + 1)));
  }
  return paths;
}

void read_inline_profile(TableReader& reader, const ConfigNode& node, StageConfig& stage,
                         std::vector<PointSource>& sources) {
  if (!node.is_array() || node.children.empty()) return reader.fail("profile", node, kProfileExpectation);
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const ConfigNode& item = node.children[i];
    const std::string path = reader.key_path("profile") + "." + std::to_string(i + 1);
    if (!item.is_table()) {
      reader.context().errors.at(path, item.origin,
                                 "expected a table { batch_size = ..., latency_ms = ... }, got " + describe(item));
      continue;
    }
    TableReader point_reader(&item, "stages.profile", path, reader.context());
    ProfilePoint point{0, 0.0};
    point_reader.whole("batch_size", point.first, 1, kMaxBatchSize, roles::kBatchSizeRule);
    point_reader.number("latency_ms", point.second, kLatencyRule);
    if (item.find("batch_size") == nullptr) point_reader.missing("batch_size", roles::kBatchSizeRule);
    if (item.find("latency_ms") == nullptr) point_reader.missing("latency_ms", roles::kLatencyRule);
    if (point.first == 0 || point.second == 0.0) continue;
    stage.profile.push_back(point);
    sources.push_back({path, item.origin, ""});
  }
}

void read_profile_file(TableReader& reader, const ConfigNode& node, StageConfig& stage,
                       std::vector<PointSource>& sources) {
  const auto path = input_file(reader, "profile_path", node, "latency profile (CSV)");
  if (!path) return;
  stage.profile_path = *path;
  std::vector<std::size_t> lines;
  std::vector<std::string> problems;
  stage.profile = read_profile_csv(*path, lines, problems);
  const std::string key = reader.key_path("profile_path");
  for (const std::string& problem : problems) reader.context().errors.at(key, node.origin, problem);
  for (const std::size_t line : lines) {
    sources.push_back({key, node.origin, path->string() + ":" + std::to_string(line) + ": "});
  }
}

void read_profile(TableReader& reader, StageConfig& stage) {
  const ConfigNode* file = reader.take("profile_path");
  const ConfigNode* points = reader.take("profile");
  if (file != nullptr && points != nullptr) {
    return reader.context().errors.at(reader.key_path("profile"), points->origin,
                                      "expected either profile or profile_path, not both (profile_path is " +
                                          (file->origin.is_override ? "set by " + file->origin.label
                                                                    : "on line " + std::to_string(file->origin.line)) +
                                          ")");
  }
  if (file == nullptr && points == nullptr) return reader.missing("profile", kProfileExpectation);
  std::vector<PointSource> sources;
  if (file != nullptr) {
    read_profile_file(reader, *file, stage, sources);
  } else {
    read_inline_profile(reader, *points, stage, sources);
  }
  for (const ShapeProblem& shape : profile_shape_problems(stage.profile)) {
    const PointSource& source = sources[shape.index];
    reader.context().errors.at(source.key, source.origin, source.prefix + shape.problem);
  }
}

void check_bounds(TableReader& reader, const ConfigNode& table, StageConfig& stage) {
  const int largest_batch = stage.profile.empty() ? 1 : stage.profile.back().first;
  if (stage.max_batch == 0) stage.max_batch = largest_batch;  // the documented default
  const ConfigNode* workers_min = table.find("workers_min");
  if (stage.workers_min > stage.workers_max && workers_min != nullptr) {
    const bool max_written = table.find("workers_max") != nullptr;
    reader.fail("workers_min", *workers_min,
                "at most workers_max (" + std::to_string(stage.workers_max) + (max_written ? ")" : ", its default)"));
  }
  const ConfigNode* max_batch = table.find("max_batch");
  if (stage.max_batch > largest_batch && max_batch != nullptr && !stage.profile.empty()) {
    reader.fail("max_batch", *max_batch,
                "at most the largest batch_size of the profile (" + std::to_string(largest_batch) + ")");
  }
}

StageConfig read_stage(const ConfigNode& table, std::size_t index, const std::string& path, ReadContext& context) {
  StageConfig stage;
  stage.name = "stage" + std::to_string(index + 1);
  TableReader reader(&table, "stages", path, context);
  reader.text("name", stage.name, kNameExpectation);
  if (const ConfigNode* name = table.find("name");
      name != nullptr && name->kind == ConfigNode::Kind::kString && !valid_name(name->text)) {
    reader.fail("name", *name, kNameExpectation);
  }
  read_profile(reader, stage);
  reader.whole("workers_min", stage.workers_min, 1, kMaxWorkersPerStage, "a whole number of Workers from 1 to 1024");
  reader.whole("workers_max", stage.workers_max, 1, kMaxWorkersPerStage, "a whole number of Workers from 1 to 1024");
  reader.whole("max_batch", stage.max_batch, 1, kMaxBatchSize, roles::kBatchSizeRule);
  reader.number("warmup_ms", stage.warmup_ms, {0.0, true, kMaxLatencyMs, "a number of milliseconds from 0 to 3600000"});
  reader.name("batching", stage.batching, roles::batching_policy_names());
  reader.name("dispatch", stage.dispatch, roles::dispatch_policy_names());
  reader.name("drop", stage.drop, roles::drop_policy_names());
  reader.number("max_queue_delay_us", stage.max_queue_delay_us,
                {0.0, true, kMaxLatencyMs * 1e3, "a number of microseconds from 0 to 3600000000"});
  constexpr std::string_view kBackoff = "a number in (0, 1): the factor a batch size shrinks by after a miss";
  reader.number("aimd_backoff", stage.aimd_backoff, {0.0, false, 1.0, kBackoff});
  if (const ConfigNode* backoff = table.find("aimd_backoff"); backoff != nullptr && stage.aimd_backoff == 1.0) {
    reader.fail("aimd_backoff", *backoff, kBackoff);  // 1 would never shrink
  }
  read_process_placement(reader, stage.placement);
  check_bounds(reader, table, stage);
  return stage;
}

void check_unique_names(const ConfigNode& array, const std::vector<std::string>& paths,
                        const std::vector<StageConfig>& stages, ReadContext& context) {
  for (std::size_t i = 1; i < stages.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (stages[i].name != stages[j].name) continue;
      const bool later_written = array.children[i].find("name") != nullptr;
      const std::size_t at = later_written ? i : j;
      const ConfigNode& name = *array.children[at].find("name");
      context.errors.at(paths[at] + ".name", name.origin,
                        "expected a name no other stage has, got " + describe(name) + ", which stage " +
                            std::to_string((at == i ? j : i) + 1) + " also has");
      break;
    }
  }
}

}  // namespace

void read_stages(TableReader& top, std::vector<StageConfig>& stages, ReadContext& context) {
  const ConfigNode* array = top.take("stages");
  if (array == nullptr) return top.missing("stages", "at least one [[stages]] table");
  if (!array->is_array()) return top.fail("stages", *array, "an array of [[stages]] tables");
  if (array->children.empty()) return top.fail("stages", *array, "at least one [[stages]] table");
  const std::vector<std::string> paths = stage_paths(*array);
  for (std::size_t i = 0; i < array->children.size(); ++i) {
    const ConfigNode& item = array->children[i];
    if (!item.is_table()) {
      context.errors.at(paths[i], item.origin, "expected a [[stages]] table, got " + describe(item));
      continue;
    }
    stages.push_back(read_stage(item, i, paths[i], context));
  }
  if (stages.size() == array->children.size()) check_unique_names(*array, paths, stages, context);
}

}  // namespace pipescale::engine::config_detail
