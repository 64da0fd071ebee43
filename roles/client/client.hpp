#pragma once
// The Client: replays the workload trace open-loop into the first stage and accounts for every
// request it sent when it comes back through its SendRequest receiver (completed, or dropped with
// stage and reason, or failed with a status), or, at the end, as failed because it never did.
//
// Open loop: each request's intended send time comes from the request source (an arrival process
// over a rate trace, or a request trace's own times), whatever happened to the ones before; a
// Client that falls behind sends the late ones at once and still measures latency from the
// intended time, so a slow sender cannot hide latency ("coordinated omission").
// Closed loop (closed_users > 0): that many users, each sending its next request a think time
// after the previous one came back (ClosedLoopUsers); there the intended send time is the actual
// one, and latency is measured from it. Every request carries its deadline, intended send + the
// end-to-end SLO.
//
// Accounting is by request id (ids are 0, 1, 2, ... in send order): a bitmap of the ids that came
// back; an id that comes back twice, or was never sent, is counted in unknown_returns and not
// accounted twice. So sent == completed + dropped + failed always holds at the end.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/clock/clock.hpp"
#include "base/metrics/latency_histogram.hpp"
#include "roles/client/closed_loop.hpp"
#include "roles/client/request_logger.hpp"
#include "roles/client/trace/arrival_process.hpp"
#include "roles/client/trace/request_source.hpp"
#include "roles/common/role_stats.hpp"
#include "roles/common/second_rows.hpp"
#include "services/handlers.hpp"
#include "services/stubs.hpp"

namespace pipescale::roles {

struct ClientSettings {
  std::uint16_t stage_count = 1;
  std::int64_t slo_ns = 200'000'000;
  std::uint64_t client_id = 0;
  // The deadline of each SendRequest call to the first stage (not the request's own deadline).
  std::int64_t rpc_timeout_ns = 1'000'000'000;
  // After the last send, how long to wait for the outstanding requests before counting them as
  // failed.
  std::int64_t drain_timeout_ns = 5'000'000'000;
  // Sends per step at most, so that a Client far behind still polls its receiver in between.
  int max_sends_per_step = 64;
  std::size_t expected_requests = 1 << 20;  // the accounting bitmap is reserved for this many
  // Requests whose intended send time falls in the first warmup_ns of the run are left out of the
  // totals, the SLO attainment and the latency percentiles (run.warmup_s); the per-second rows
  // still show them. Ids grow with intended send time, so "counted" is "id >= the first counted id".
  std::int64_t warmup_ns = 0;
  // Closed loop: the number of users (0: open loop, from the request source), the mean of their
  // exponential think times (0: none) and the seed those are drawn from.
  std::uint32_t closed_users = 0;
  std::int64_t think_mean_ns = 0;
  std::uint64_t think_seed = 1;
};

class Client final : public services::ClientHandler {
 public:
  // Handlers read the time from `clock`; the runner passes the same clock's readings to do_work.
  // A closed-loop Client takes RequestSource::none().
  Client(const Clock& clock, const ClientSettings& settings, RequestSource source, services::FrontendStub& first_stage,
         ClientStats& stats);

  // The trace's t = 0 is start_ns; nothing is sent at or after end_ns.
  void start(std::int64_t start_ns, std::int64_t end_ns);
  // Sends nothing more from now on (Ctrl-C, a failed role); outcomes are still taken.
  void stop_sending(std::int64_t now_ns);

  std::size_t do_work(std::int64_t now_ns);
  [[nodiscard]] std::int64_t next_timer_ns() const;

  // Sending is over and every request is accounted for, or the drain timed out.
  [[nodiscard]] bool finished(std::int64_t now_ns) const;
  // Counts what never came back as failed and publishes the final figures.
  void finish(std::int64_t now_ns);

  void on_send_request(const schema::Request& request,
                       services::ResponseWriter<services::ClientRpc::SendRequest>& response) override;

  [[nodiscard]] std::uint64_t outstanding() const { return next_id_ - returned_; }
  // The token counts the trace gave request `request_id` (an azure_llm trace, or a requests trace
  // with context_tokens/generated_tokens columns); nullopt otherwise.
  [[nodiscard]] std::optional<TokenCounts> tokens(std::uint64_t request_id) const { return source_.tokens(request_id); }

  // Keeps the sampled requests' journeys in `table` (roles/common/request_log.hpp); before start().
  void attach_request_log(RequestLogTable& table, std::uint64_t seed, double sample) {
    log_.attach(table, seed, sample, settings_.expected_requests);
  }

 private:
  // `scheduled_ns` is when it was due (the send lag is measured from it); `intended_ns` is what
  // latency is measured from.
  void send_one(std::int64_t intended_ns, std::int64_t scheduled_ns, std::int64_t now_ns);
  void advance_open(std::int64_t now_ns);
  void send_by_user(std::int64_t now_ns);
  // Marks the id as returned; false (and counted) if it was not outstanding.
  bool take(std::uint64_t request_id);
  void on_first_hop_failed(std::uint64_t request_id, ipc::StatusCode status);
  void on_first_hop_refused(std::uint64_t request_id, schema::DropReason reason);
  [[nodiscard]] bool counted(std::uint64_t request_id) const { return request_id >= first_counted_id_; }
  void account_completed(const schema::Request& request, std::int64_t now_ns);
  void account_dropped(std::uint64_t request_id, std::uint16_t stage, schema::DropReason reason, std::int64_t now_ns);
  void account_failed(std::uint64_t request_id, std::uint16_t stage, std::int64_t now_ns);
  void record_stamps(const schema::Request& request, std::int64_t now_ns);
  void record_waste(const schema::Request& request);
  ClientRow* row_at(std::int64_t t_ns) { return rows_.at(stats_->rows(row_capacity_), t_ns); }
  void seal_row(ClientRow& row, std::uint32_t index);
  void close_rows(std::int64_t now_ns);
  void publish_summaries();

  const Clock* clock_;
  ClientSettings settings_;
  RequestSource source_;
  std::optional<ClosedLoopUsers> users_;
  services::FrontendStub* first_stage_;
  ClientStats* stats_;

  std::int64_t start_ns_ = 0;
  std::int64_t end_ns_ = 0;
  bool started_ = false;
  bool sending_ = false;
  std::int64_t sending_ended_ns_ = 0;
  std::int64_t next_send_ns_ = 0;  // absolute; valid while sending_
  bool finished_ = false;

  std::uint64_t next_id_ = 0;
  std::uint64_t returned_ = 0;
  std::uint64_t first_counted_id_ = UINT64_MAX;
  std::uint64_t counted_sent_ = 0;
  std::uint64_t counted_returned_ = 0;
  std::vector<std::uint8_t> returned_ids_;  // 1: accounted for
  RequestLogger log_;

  SecondRows<ClientRow> rows_;
  std::uint32_t row_capacity_ = 0;  // the block's rows, read once at construction (role_stats.hpp)
  LatencyHistogram latency_;
  LatencyHistogram row_latency_;
  LatencyHistogram send_lag_;
  LatencyHistogram all_hops_;
  std::vector<LatencyHistogram> hops_;                             // by HopKind
  std::vector<LatencyHistogram> queueing_, dispatch_, execution_;  // by stage
};

}  // namespace pipescale::roles
