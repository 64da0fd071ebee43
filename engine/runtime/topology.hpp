#pragma once
// The processes of a pipeline run and the links between them, derived from the config alone, so
// that the launcher (which creates the segment) and every role process (which finds its part of
// it) agree without exchanging anything.
//
//   processes  client, scheduler, frontend<s>, worker<s>.<i>   (s: stage from 0, i: Worker from 0)
//   links      one per (caller, callee) pair, named "<caller>-<callee>", e.g. frontend0-worker0.1:
//                client       -> frontend0        SendRequest
//                frontend<s>  -> worker<s>.<i>    SendBatch, SendOrder
//                worker<s>.<i> -> frontend<s>     SendFeedback, SendQueueInformation
//                worker<s>.<i> -> frontend<s+1>   SendRequest        (the last stage: -> client)
//                frontend<s>  -> client           SendRequest (drops, failures)
//                worker<s>.<i> -> client          SendRequest (failed forwards; the last stage's results)
//                frontend<s>  -> scheduler        SendFrontendInformation
//                scheduler    -> frontend<s>      SendBatchSize
//
// Over shared memory a link is a connection (a request ring and a response ring) in the run's
// segment; over gRPC every process listens on one Unix socket and a link is a channel to the
// callee's socket.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/config/config.hpp"

namespace pipescale::engine {

enum class RoleKind : std::uint8_t { kClient, kFrontend, kWorker, kScheduler };

std::string_view role_name(RoleKind role);  // "client", "frontend", "worker", "scheduler"

struct ProcessSpec {
  std::string name;
  RoleKind role = RoleKind::kClient;
  int stage = -1;               // frontends and workers
  int index = -1;               // workers: their index in the stage
  std::uint64_t worker_id = 0;  // workers: unique in the run, from 1
};

struct LinkSpec {
  std::string name;  // "<caller>-<callee>"
  std::string caller;
  std::string callee;
  std::uint64_t request_ring_bytes = 0;
  std::uint64_t response_ring_bytes = 0;
};

struct Topology {
  std::vector<ProcessSpec> processes;
  std::vector<LinkSpec> links;

  [[nodiscard]] const ProcessSpec* find(const std::string& name) const;
  // The links a process calls on / serves.
  [[nodiscard]] std::vector<const LinkSpec*> calls_of(const std::string& process) const;
  [[nodiscard]] std::vector<const LinkSpec*> served_by(const std::string& process) const;
  [[nodiscard]] int stage_count() const;
};

std::string client_name();
std::string scheduler_name();
std::string frontend_name(int stage);
std::string worker_name(int stage, int index);
std::string link_name(const std::string& caller, const std::string& callee);

// Every stage gets workers_max Worker processes (the Scheduler turns them on and off); each
// ring is sized for the largest message it carries (a Batch of max_batch requests).
Topology make_topology(const PipelineConfig& config);

// The bytes of one Request on the wire with `stages` visits, as an upper bound.
std::uint64_t request_wire_bytes(int stages);

}  // namespace pipescale::engine
