#pragma once
// TensorBoard event files: a run's per-second series (timeseries.csv) as scalar summaries, so that
// `tensorboard --logdir runs/` draws every run's curves.
//
// The file is TensorBoard's record format: each record is the data's length (uint64, little
// endian), the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data, where
// mask(crc) = ((crc >> 15) | (crc << 17)) + 0xa282ead8. Each record holds one Event protobuf
// (tensorboard_event.proto): first one with file_version "brain.Event:2", then one per second with
// a Summary of that second's values (step = the second).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace pipescale::engine {

std::uint32_t crc32c(std::string_view data);
std::uint32_t masked_crc32c(std::string_view data);
// One record of the format, framing `data`.
std::string tensorboard_record(std::string_view data);

// A table of numbers by second, as timeseries.csv holds it.
struct ScalarSeries {
  std::vector<std::string> tags;  // one per value column
  struct Row {
    std::int64_t step = 0;
    std::vector<std::optional<double>> values;  // per tag; empty cells have none
  };
  std::vector<Row> rows;
};

// The tag of a timeseries.csv column: "<stage>/<what>" for a stage's column (`detect_arrivals`
// becomes `detect/arrivals`), "pipeline/<column>" for the others.
std::string tensorboard_tag(const std::string& column, const std::vector<std::string>& stage_names);
// timeseries.csv's text as a series: the `second` column gives the steps, every other column a tag.
Result<ScalarSeries> scalar_series_from_csv(std::string_view csv, const std::vector<std::string>& stage_names);

// `events.out.tfevents.<start, whole seconds>.<host name>`, TensorBoard's naming.
std::string tensorboard_file_name(double start_wall_s);
// Writes the series into `file`: second k is stamped start_wall_s + k + 1 (the end of the second).
Status write_tensorboard_events(const std::filesystem::path& file, const ScalarSeries& series, double start_wall_s);

}  // namespace pipescale::engine
