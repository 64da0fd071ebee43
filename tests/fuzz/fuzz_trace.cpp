// Every trace format's reader over arbitrary text (roles/client/trace/README.md): the first byte
// picks the format and the window, the rest is the file. A bad file is an error naming the
// source and line, never a crash, a hang or a trace with a negative or non-finite time or rate.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "roles/client/trace/trace_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipescale::roles;
  if (size == 0) return 0;
  const std::uint8_t pick = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  TraceSpec spec;
  spec.format = static_cast<TraceFormat>(pick % 4);
  if ((pick & 0x04) != 0) spec.window.time_scale = 0.5;
  if ((pick & 0x08) != 0) spec.window.start_s = 1.0;
  if ((pick & 0x10) != 0) spec.window.duration_s = 30.0;
  if ((pick & 0x20) != 0) spec.run_duration_s = 60.0;
  if ((pick & 0x40) != 0) spec.functions.top = 2;
  auto loaded = parse_trace(text, "fuzz.csv", spec);
  if (!loaded) return 0;
  if (const auto* requests = std::get_if<RequestTrace>(&*loaded)) {
    (void)requests;
  } else {
    const auto& workload = std::get<WorkloadTrace>(*loaded);
    (void)workload;
  }
  return 0;
}
