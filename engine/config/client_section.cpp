// [client]: the workload (a trace in one of four formats, its window and time scale, the arrival
// process) or the closed loop's users.
#include <charconv>
#include <string>

#include "engine/config/sections.hpp"
#include "engine/config/trace_spec.hpp"

namespace pipescale::engine::config_detail {
namespace {

constexpr NumberRule kTraceSeconds{0.0, true, 1e9, "a number of seconds from 0 to 1000000000"};
constexpr std::string_view kTopPrefix = "top:";

bool replays_requests(TraceFormat format) {
  return format == TraceFormat::kRequests || format == TraceFormat::kAzureLlm;
}

// "top:N", or an array of HashFunction strings.
void read_trace_functions(TableReader& reader, ClientConfig& client) {
  const ConfigNode* node = reader.take("trace_functions");
  if (node == nullptr) return;
  constexpr std::string_view kExpected = "a list of HashFunction strings, or \"top:N\" with N a whole number from 1";
  if (node->kind == ConfigNode::Kind::kString && node->text.rfind(kTopPrefix, 0) == 0) {
    const std::string_view digits = std::string_view(node->text).substr(kTopPrefix.size());
    int top = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), top);
    if (error != std::errc{} || end != digits.data() + digits.size() || top < 1)
      return reader.fail("trace_functions", *node, kExpected);
    client.trace_top_functions = top;
  } else if (node->is_array() && !node->children.empty()) {
    for (const ConfigNode& item : node->children) {
      if (item.kind != ConfigNode::Kind::kString || item.text.empty())
        return reader.fail("trace_functions", *node, kExpected);
      client.trace_functions.push_back(item.text);
    }
  } else {
    return reader.fail("trace_functions", *node, kExpected);
  }
  if (client.trace_format != TraceFormat::kAzureFunctions) {
    reader.fail("trace_functions", *node, "no trace_functions unless trace_format = \"azure_functions\"");
  }
}

void read_trace_keys(TableReader& reader, ClientConfig& client) {
  if (const ConfigNode* trace = reader.take("trace_path")) {
    if (auto path = input_file(reader, "trace_path", *trace, "trace file (CSV)")) client.trace_path = *path;
  } else if (client.mode == ClientMode::kOpen) {
    reader.missing("trace_path", "the path of the workload trace, a CSV file (or mode = \"closed\")");
  }
  reader.choice("trace_format", client.trace_format, kTraceFormatNames);
  read_trace_functions(reader, client);
  reader.number("time_scale", client.time_scale,
                {0.0, false, 1e6, "a positive number, at most 1000000 (0.5 replays the trace in half the time)"});
  reader.number("start_s", client.start_s, kTraceSeconds);
  reader.number("duration_s", client.duration_s,
                {0.0, true, 1e9, "a number of seconds from 0 (to the trace's end) to 1000000000"});
  reader.flag("repeat", client.repeat);
}

void read_closed_loop_keys(TableReader& reader, ClientConfig& client) {
  reader.whole("users", client.users, 1, kMaxClosedUsers, "a whole number of users from 1 to 65536");
  reader.number("think_ms", client.think_ms,
                {0.0, true, kMaxLatencyMs, "a number of milliseconds from 0 (no think time) to 3600000"});
}

}  // namespace

void read_client(const ConfigNode* table, ClientConfig& client, ReadContext& context) {
  TableReader reader(table, "client", "client", context);
  reader.choice("mode", client.mode, kClientModeNames);
  read_trace_keys(reader, client);
  reader.choice("arrival", client.arrival, kArrivalNames);
  reader.number("arrival_cv", client.arrival_cv,
                {0.0, false, kMaxArrivalCv, "a positive number, at most 10 (1 is as bursty as poisson)"});
  reader.number("rate_scale", client.rate_scale,
                {0.0, false, 1e6, "a positive number, at most 1000000 (2 doubles every rate of the trace)"});
  if (client.rate_scale != 1.0 && replays_requests(client.trace_format) && table != nullptr) {
    if (const ConfigNode* scale = table->find("rate_scale")) {
      reader.fail("rate_scale", *scale,
                  "1 with a trace of requests, whose times are replayed exactly (client.time_scale compresses them)");
    }
  }
  read_closed_loop_keys(reader, client);
}

void check_client_trace(const ConfigNode& root, const PipelineConfig& config, ReadContext& context) {
  if (config.client.mode != ClientMode::kOpen || config.client.trace_path.empty()) return;
  auto trace = roles::load_trace(trace_spec(config));
  if (trace) return;
  const ConfigNode* client = root.find("client");
  const ConfigNode* path = client == nullptr ? nullptr : client->find("trace_path");
  if (path != nullptr) {
    context.errors.at("client.trace_path", path->origin, trace.error().message);
  } else {
    context.errors.in_file("client.trace_path", trace.error().message);
  }
}

}  // namespace pipescale::engine::config_detail
