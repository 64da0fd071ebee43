#pragma once
// Whether a run's outcome counts can be believed, and the lost roles' successors: the parts of
// summary.json and the summary table that say so (README.md, "Supervision"). A figure derived
// from counts that cannot be believed is written as null and shown as n/a, with the reason.
#include <cstdint>
#include <string>

#include "base/metrics/json_writer.hpp"
#include "engine/runtime/results.hpp"

namespace pipescale::engine {

[[nodiscard]] inline bool valid(const RunRecord& record) { return record.invalid_reasons.empty(); }
// `lost`, `valid`, `invalid_reasons` and `replacements` (one validity list for every cause: a merge
// with other checks of the figures adds their reasons to RunRecord::invalid_reasons).
void recovery_json(JsonWriter& json, const RunRecord& record, const Summary& summary);
// A derived figure: its value, or null when the counts cannot be believed.
void derived_json(JsonWriter& json, const RunRecord& record, const char* key, double value, int decimals);
// "12.34 %" or "n/a (invalid: the Client died)".
std::string derived_text(const RunRecord& record, const std::string& text);
// The table's attainment: "97.05 %", "n/a" when nothing was sent, or derived_text's "n/a (invalid: ...)".
std::string attainment_text(const RunRecord& record, const Summary& summary);
// What the Client sent and never counted, once it died: sent - completed - dropped - failed.
std::uint64_t lost_count(const RunRecord& record, const Summary& summary);
// "  goodput ... requests/s within the SLO, throughput ... completed/s", or n/a for each.
std::string rates_line(const RunRecord& record, const Summary& summary);
// One line per replacement and the lost count, for the summary table ("" when none).
std::string recovery_lines(const RunRecord& record, const Summary& summary);

}  // namespace pipescale::engine
