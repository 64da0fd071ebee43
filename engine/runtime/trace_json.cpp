#include "engine/runtime/trace_json.hpp"

#include <array>
#include <fstream>
#include <string>

#include "base/metrics/json_writer.hpp"

namespace pipescale::engine {
namespace {

constexpr int kSchedulerPid = 0;
constexpr int kRequestsPid = 1000;
constexpr std::array<const char*, 4> kTriggerNames{"unknown", "full", "deadline", "drain"};

int stage_pid(std::size_t stage) { return 1 + static_cast<int>(stage); }

class TraceWriter {
 public:
  TraceWriter(const TraceInput& input, TraceCounts& counts) : in_(input), counts_(counts) {
    json_.begin_object();
    json_.key("displayTimeUnit").value("ms");
    json_.key("traceEvents").begin_array();
  }

  std::string finish() {
    json_.end_array();
    json_.key("otherData").begin_object();
    json_.key("batches").value(counts_.batches).key("requests_drawn").value(counts_.requests);
    json_.key("trace_sample").value(in_.config->run.trace_sample, 6);
    json_.key("records_not_kept").value(counts_.not_kept);
    json_.end_object();
    json_.end_object();
    return json_.str() + "\n";
  }

  void metadata();
  void scheduler();
  void frontend(std::size_t stage);
  void workers(std::size_t stage);
  void requests();

 private:
  // In double, so that a corrupt stamp read from shared memory cannot overflow the subtraction.
  [[nodiscard]] double us(std::int64_t t_ns) const {
    return (static_cast<double>(t_ns) - static_cast<double>(in_.start_ns)) / 1e3;
  }
  // Starts an event object with its phase, name, pid, tid and time; the caller adds the rest.
  void event(const char* phase, std::string_view name, int pid, std::uint64_t tid, std::int64_t t_ns) {
    json_.begin_object();
    json_.key("ph").value(phase).key("name").value(name).key("pid").value(pid).key("tid").value(tid);
    json_.key("ts").value(us(t_ns));
    ++counts_.events;
  }
  void complete(std::string_view name, const char* category, int pid, std::uint64_t tid, std::int64_t begin_ns,
                std::int64_t end_ns) {
    event("X", name, pid, tid, begin_ns);
    json_.key("cat").value(category).key("dur").value((static_cast<double>(end_ns) - static_cast<double>(begin_ns)) /
                                                      1e3);
  }
  void name_of(const char* what, int pid, std::uint64_t tid, std::string_view name) {
    json_.begin_object();
    json_.key("ph").value("M").key("name").value(what).key("pid").value(pid).key("tid").value(tid);
    json_.key("args").begin_object().key("name").value(name).end_object();
    json_.end_object();
    ++counts_.events;
  }
  void request(const roles::RequestLogTable& table, const roles::RequestLogEntry& entry);

  const TraceInput& in_;
  TraceCounts& counts_;
  JsonWriter json_;
};

void TraceWriter::metadata() {
  name_of("process_name", kSchedulerPid, 0, "scheduler");
  for (std::size_t s = 0; s < in_.config->stages.size(); ++s) {
    name_of("process_name", stage_pid(s), 0, "stage " + in_.config->stages[s].name);
  }
  for (const ProcessSpec& process : in_.topology->processes) {
    if (process.role != RoleKind::kWorker) continue;
    name_of("thread_name", stage_pid(static_cast<std::size_t>(process.stage)), process.worker_id, process.name);
  }
  name_of("process_name", kRequestsPid, 0, "requests (sample)");
}

void TraceWriter::scheduler() {
  const roles::SchedulerTimeline* timeline = in_.board->scheduler_timeline;
  if (timeline == nullptr) return;
  counts_.not_kept += timeline->overflow.get();
  for (const roles::DecisionRecord& d : timeline->records(in_.board->timeline_capacity)) {
    const bool known = d.stage < in_.config->stages.size();
    event("i", known ? "decision " + in_.config->stages[d.stage].name : "decision", kSchedulerPid, 0, d.decided_ns);
    json_.key("s").value("p").key("cat").value("scheduler").key("args").begin_object();
    json_.key("stage").value(known ? std::string_view(in_.config->stages[d.stage].name) : std::string_view("?"));
    json_.key("batch_size").value(std::uint64_t{d.batch_size}).key("workers").value(std::uint64_t{d.workers});
    json_.key("estimate_rps").value(d.estimate_rps, 1).key("budget_ms").value(static_cast<double>(d.budget_ns) / 1e6);
    json_.key("decision_id").value(d.decision_id);
    json_.end_object().end_object();
  }
}

void TraceWriter::frontend(std::size_t stage) {
  const roles::FrontendTimeline* timeline = in_.board->frontend_timelines[stage];
  if (timeline == nullptr) return;
  counts_.not_kept += timeline->overflow.get();
  const std::string& name = in_.config->stages[stage].name;
  for (const roles::FrontendSample& sample : timeline->records(in_.board->timeline_capacity)) {
    event("C", name + " queue length", stage_pid(stage), 0, sample.t_ns);
    json_.key("args").begin_object().key("requests").value(sample.queue_length).end_object().end_object();
    event("C", name + " batch size", stage_pid(stage), 0, sample.t_ns);
    json_.key("args").begin_object().key("in force").value(sample.batch_size).end_object().end_object();
    event("C", name + " active workers", stage_pid(stage), 0, sample.t_ns);
    json_.key("args").begin_object().key("workers").value(sample.active_workers).end_object().end_object();
  }
}

void TraceWriter::workers(std::size_t stage) {
  const auto& timelines = in_.board->worker_timelines[stage];
  const std::string& stage_name = in_.config->stages[stage].name;
  for (std::size_t i = 0; i < timelines.size(); ++i) {
    const roles::WorkerTimeline* timeline = timelines[i];
    const ProcessSpec* process = in_.topology->find(worker_name(static_cast<int>(stage), static_cast<int>(i)));
    if (timeline == nullptr || process == nullptr) continue;
    counts_.not_kept += timeline->overflow.get();
    for (const roles::WorkerSpan& span : timeline->records(in_.board->timeline_capacity)) {
      if (span.kind != roles::WorkerSpanKind::kBatch) {
        const bool warming = span.kind == roles::WorkerSpanKind::kWarming;
        complete(warming ? "warming up" : "draining", "worker", stage_pid(stage), process->worker_id, span.begin_ns,
                 span.end_ns);
        json_.end_object();
        continue;
      }
      ++counts_.batches;
      complete("batch " + std::to_string(span.size), "batch", stage_pid(stage), process->worker_id, span.begin_ns,
               span.end_ns);
      json_.key("args").begin_object().key("stage").value(stage_name).key("size").value(std::uint64_t{span.size});
      json_.key("trigger").value(kTriggerNames[span.trigger % kTriggerNames.size()]);
      json_.key("batch_id").value(span.batch_id).end_object().end_object();
    }
  }
}

// One sampled request: its parts per stage on its own thread, and a flow from its first arrival
// through each batch that carried it (bound to the batch's slice on the Worker's thread).
void TraceWriter::request(const roles::RequestLogTable& table, const roles::RequestLogEntry& entry) {
  const schema::StageVisit* visits = table.visits(entry);
  // Bounded by the table's own stage count too: its entries are spaced by it, so a visit past it
  // would be the next entry's (or past the region, for the last).
  const std::size_t stages =
      std::min({std::size_t{entry.visit_count}, std::size_t{table.stage_count.get()}, in_.config->stages.size()});
  const std::uint64_t tid = entry.request_id + 1;
  ++counts_.requests;
  name_of("thread_name", kRequestsPid, tid, "request " + std::to_string(entry.request_id));
  int flow_points = 0;
  for (std::size_t s = 0; s < stages; ++s) {
    const schema::StageTimestamps& t = visits[s].timestamps();
    const std::string& name = in_.config->stages[s].name;
    const std::array<std::int64_t, 4> at{t.arrived_ns(), t.batched_ns(), t.started_ns(), t.finished_ns()};
    const std::array<const char*, 3> parts{"queueing ", "dispatch ", "execution "};
    for (std::size_t p = 0; p < parts.size(); ++p) {
      if (at[p] == 0 || at[p + 1] < at[p]) continue;
      complete(std::string(parts[p]) + name, "request", kRequestsPid, tid, at[p], at[p + 1]);
      json_.end_object();
    }
    if (at[0] != 0 && flow_points == 0 && visits[0].timestamps().started_ns() != 0) {
      event("s", "request", kRequestsPid, tid, at[0]);
      json_.key("cat").value("flow").key("id").value(tid).end_object();
      ++flow_points;
    }
    if (at[2] != 0 && at[3] >= at[2] && visits[s].worker_id() != 0 && flow_points > 0) {
      const bool last = s + 1 == stages || visits[s + 1].timestamps().arrived_ns() == 0;
      event(last ? "f" : "t", "request", stage_pid(s), visits[s].worker_id(), at[2] / 2 + at[3] / 2);
      json_.key("cat").value("flow").key("id").value(tid);
      if (last) json_.key("bp").value("e");
      json_.end_object();
    }
  }
}

void TraceWriter::requests() {
  const roles::RequestLogTable* table = in_.board->request_log;
  if (table == nullptr) return;
  const std::uint32_t rows = table->readable(in_.board->request_log_bytes);
  for (std::uint32_t i = 0; i < rows; ++i) {
    const roles::RequestLogEntry& entry = table->entry(i);
    if (roles::request_sampled(in_.config->run.seed, entry.request_id, in_.config->run.trace_sample))
      request(*table, entry);
  }
}

}  // namespace

std::string trace_json(const TraceInput& input, TraceCounts& counts) {
  counts = {};
  TraceWriter writer(input, counts);
  writer.metadata();
  writer.scheduler();
  for (std::size_t s = 0; s < input.config->stages.size(); ++s) {
    writer.frontend(s);
    writer.workers(s);
  }
  writer.requests();
  return writer.finish();
}

Result<TraceCounts> write_trace_json(const std::filesystem::path& path, const TraceInput& input) {
  TraceCounts counts;
  const std::string text = trace_json(input, counts);
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Error{"cannot write " + path.string()};
  return counts;
}

}  // namespace pipescale::engine
