#include "engine/runtime/run_summary.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string_view>

namespace pipescale::engine {
namespace {

// ordered_json keeps an object's keys in file order, which is the pipeline's stage order.
using Json = nlohmann::ordered_json;

std::string dotted(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// What a value is, for "got ...": the JSON kind with its article, or the number itself.
std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return std::string("a boolean (") + (value.get<bool>() ? "true" : "false") + ")";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return std::string("the number ") + value.dump();
    default: return value.type_name();
  }
}

// Reads typed keys and keeps the first problem; later reads after a problem are harmless, so a
// reader function can ask for every key in a row and check once at the end.
class SummaryReader {
 public:
  explicit SummaryReader(std::string file) : file_(std::move(file)) {}

  const Json* member(const Json& parent, const std::string& parent_path, const std::string& key,
                     std::string_view expected) {
    const auto found = parent.find(key);
    if (found == parent.end()) {
      fail(dotted(parent_path, key), std::string("expected ") + std::string(expected) + ", but the key is missing");
      return nullptr;
    }
    return &*found;
  }

  const Json* object(const Json& parent, const std::string& parent_path, const std::string& key) {
    const Json* value = member(parent, parent_path, key, "an object");
    if (value == nullptr) return nullptr;
    if (!value->is_object()) {
      wrong(dotted(parent_path, key), "an object", *value);
      return nullptr;
    }
    return value;
  }

  void number(const Json& parent, const std::string& parent_path, const std::string& key, double& out) {
    const Json* value = member(parent, parent_path, key, "a number");
    if (value == nullptr) return;
    if (!value->is_number()) return wrong(dotted(parent_path, key), "a number", *value);
    out = value->get<double>();
  }

  void count(const Json& parent, const std::string& parent_path, const std::string& key, std::uint64_t& out) {
    const Json* value = member(parent, parent_path, key, "a non-negative integer");
    if (value == nullptr) return;
    if (!value->is_number_unsigned()) return wrong(dotted(parent_path, key), "a non-negative integer", *value);
    out = value->get<std::uint64_t>();
  }

  void flag(const Json& parent, const std::string& parent_path, const std::string& key, bool& out) {
    const Json* value = member(parent, parent_path, key, "true or false");
    if (value == nullptr) return;
    if (!value->is_boolean()) return wrong(dotted(parent_path, key), "true or false", *value);
    out = value->get<bool>();
  }

  void text(const Json& parent, const std::string& parent_path, const std::string& key, std::string& out) {
    const Json* value = member(parent, parent_path, key, "a string");
    if (value == nullptr) return;
    if (!value->is_string()) return wrong(dotted(parent_path, key), "a string", *value);
    out = value->get<std::string>();
  }

  void wrong(const std::string& key_path, std::string_view expected, const Json& found) {
    fail(key_path, std::string("expected ") + std::string(expected) + ", got " + describe(found));
  }

  void fail(const std::string& key_path, const std::string& problem) {
    if (!error_) error_ = Error{file_ + ": key '" + key_path + "': " + problem};
  }

  [[nodiscard]] const std::optional<Error>& error() const { return error_; }

 private:
  std::string file_;
  std::optional<Error> error_;
};

void read_mode(SummaryReader& reader, const Json& root, std::string& mode) {
  if (!root.contains("mode")) return;  // written before runs could be simulated: a real run
  reader.text(root, "", "mode", mode);
  if (mode != "run" && mode != "simulate") {
    reader.fail("mode", std::string("expected \"run\" or \"simulate\", got \"") + mode + "\"");
  }
}

void read_latency(SummaryReader& reader, const Json& root, LatencyPercentilesMs& out) {
  const Json* latency = reader.object(root, "", "latency_ms");
  if (latency == nullptr) return;
  reader.number(*latency, "latency_ms", "p50", out.p50);
  reader.number(*latency, "latency_ms", "p90", out.p90);
  reader.number(*latency, "latency_ms", "p99", out.p99);
  reader.number(*latency, "latency_ms", "p999", out.p999);
  reader.number(*latency, "latency_ms", "max", out.max);
  reader.number(*latency, "latency_ms", "mean", out.mean);
}

void read_hop_overhead(SummaryReader& reader, const Json& root, HopOverheadUs& out) {
  const Json* hop = reader.object(root, "", "hop_overhead_us");
  if (hop == nullptr) return;
  reader.number(*hop, "hop_overhead_us", "p50", out.p50);
  reader.number(*hop, "hop_overhead_us", "p99", out.p99);
}

// The stages are the keys of drops_by_stage; worker_seconds must name each of them.
void read_stages(SummaryReader& reader, const Json& root, std::vector<StageRunSummary>& out) {
  const Json* drops = reader.object(root, "", "drops_by_stage");
  const Json* seconds = reader.object(root, "", "worker_seconds");
  if (drops == nullptr || seconds == nullptr) return;
  for (const auto& [name, reasons] : drops->items()) {
    StageRunSummary stage;
    stage.name = name;
    const std::string path = dotted("drops_by_stage", name);
    if (!reasons.is_object()) {
      reader.wrong(path, "an object", reasons);
      return;
    }
    reader.count(reasons, path, "total", stage.dropped);
    for (const auto& [reason, value] : reasons.items()) {
      if (reason == "total") continue;
      std::uint64_t dropped = 0;
      reader.count(reasons, path, reason, dropped);
      stage.drop_reasons.emplace_back(reason, dropped);
    }
    reader.number(*seconds, "worker_seconds", name, stage.worker_seconds);
    out.push_back(std::move(stage));
  }
}

RunSummary read_fields(SummaryReader& reader, const Json& root) {
  RunSummary summary;
  read_mode(reader, root, summary.mode);
  reader.text(root, "", "transport", summary.transport);
  reader.flag(root, "", "scheduler_enabled", summary.scheduler_enabled);
  reader.number(root, "", "slo_ms", summary.slo_ms);
  reader.number(root, "", "duration_s", summary.duration_s);
  reader.count(root, "", "sent", summary.sent);
  reader.count(root, "", "completed", summary.completed);
  reader.count(root, "", "completed_within_slo", summary.completed_within_slo);
  reader.count(root, "", "dropped", summary.dropped);
  reader.count(root, "", "failed", summary.failed);
  // null when nothing was sent: no attainment (NaN), not 0.
  if (const auto at = root.find("slo_attainment"); at != root.end() && at->is_null()) {
    summary.slo_attainment = std::numeric_limits<double>::quiet_NaN();
  } else {
    reader.number(root, "", "slo_attainment", summary.slo_attainment);
  }
  read_latency(reader, root, summary.latency_ms);
  read_hop_overhead(reader, root, summary.hop_overhead_us);
  read_stages(reader, root, summary.stages);
  for (auto [key, field] :
       {std::pair{"goodput_rps", &summary.goodput_rps}, std::pair{"wasted_fraction", &summary.wasted_fraction}}) {
    if (!root.contains(key)) continue;
    double value = 0.0;
    reader.number(root, "", key, value);
    *field = value;
  }
  if (root.contains("hop_delay_us")) {
    double delay_us = 0.0;
    reader.number(root, "", "hop_delay_us", delay_us);
    summary.hop_delay_us = delay_us;
  }
  return summary;
}

// nlohmann's what() starts with an id ("[json.exception.parse_error.101] "), noise to a reader.
std::string without_exception_id(const std::string& message) {
  if (message.rfind("[json.exception.", 0) != 0) return message;
  const std::size_t end = message.find("] ");
  return end == std::string::npos ? message : message.substr(end + 2);
}

}  // namespace

const StageRunSummary* find_stage(const RunSummary& summary, const std::string& name) {
  for (const StageRunSummary& stage : summary.stages) {
    if (stage.name == name) return &stage;
  }
  return nullptr;
}

double total_worker_seconds(const RunSummary& summary) {
  double seconds = 0.0;
  for (const StageRunSummary& stage : summary.stages) seconds += stage.worker_seconds;
  return seconds;
}

Result<RunSummary> read_run_summary(const std::filesystem::path& run_dir) {
  std::error_code error;
  if (!std::filesystem::exists(run_dir, error)) return Error{run_dir.string() + ": no such folder"};
  if (!std::filesystem::is_directory(run_dir, error)) return Error{run_dir.string() + ": not a folder"};
  const std::filesystem::path path = run_dir / "summary.json";
  if (!std::filesystem::exists(path, error)) {
    return Error{run_dir.string() + ": no summary.json (is it a pipescale results folder?)"};
  }
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return Error{path.string() + ": cannot read: " + std::strerror(errno)};
  if (text.str().empty()) return Error{path.string() + ": empty file (did the run end before writing it?)"};

  Json root;
  try {
    root = Json::parse(text.str());
  } catch (const Json::parse_error& parse_error) {
    return Error{path.string() + ": not valid JSON (byte " + std::to_string(parse_error.byte) +
                 "): " + without_exception_id(parse_error.what())};
  }
  if (!root.is_object()) return Error{path.string() + ": expected a JSON object, got " + describe(root)};

  SummaryReader reader(path.string());
  RunSummary summary = read_fields(reader, root);
  if (reader.error()) return *reader.error();
  return summary;
}

}  // namespace pipescale::engine
