#include "engine/runtime/tensorboard_events.hpp"

#include <unistd.h>

#include <boost/crc.hpp>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tensorboard_event.pb.h"

namespace pipescale::engine {
namespace {

constexpr std::uint32_t kMaskDelta = 0xa282ead8U;

std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    cells.emplace_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return cells;
    start = comma + 1;
  }
}

std::optional<double> parse_cell(const std::string& cell, bool& bad) {
  if (cell.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(cell.c_str(), &end);
  if (end != cell.c_str() + cell.size() || !std::isfinite(value)) bad = true;
  return value;
}

void append_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFFU);
}

std::string event_bytes(const tensorboard::Event& event) {
  std::string bytes;
  event.SerializeToString(&bytes);
  return bytes;
}

}  // namespace

std::uint32_t crc32c(std::string_view data) {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

std::uint32_t masked_crc32c(std::string_view data) {
  const std::uint32_t crc = crc32c(data);
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}

std::string tensorboard_record(std::string_view data) {
  std::string length;
  append_le(length, data.size(), 8);
  std::string record = length;
  append_le(record, masked_crc32c(length), 4);
  record.append(data);
  append_le(record, masked_crc32c(data), 4);
  return record;
}

std::string tensorboard_tag(const std::string& column, const std::vector<std::string>& stage_names) {
  // The longest stage name that prefixes the column: "a" and "a_b" may both be stages.
  std::size_t best = 0;
  for (const std::string& stage : stage_names) {
    if (stage.size() > best && column.size() > stage.size() + 1 && column.compare(0, stage.size(), stage) == 0 &&
        column[stage.size()] == '_') {
      best = stage.size();
    }
  }
  if (best == 0) return "pipeline/" + column;
  return column.substr(0, best) + "/" + column.substr(best + 1);
}

Result<ScalarSeries> scalar_series_from_csv(std::string_view csv, const std::vector<std::string>& stage_names) {
  std::istringstream in{std::string(csv)};
  std::string line;
  if (!std::getline(in, line)) return Error{"timeseries: no header"};
  const std::vector<std::string> header = split(line);
  if (header.empty() || header[0] != "second") return Error{"timeseries: the first column is not 'second'"};
  ScalarSeries series;
  for (std::size_t c = 1; c < header.size(); ++c) series.tags.push_back(tensorboard_tag(header[c], stage_names));
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = split(line);
    bool bad = cells.size() != header.size();
    ScalarSeries::Row row;
    const std::optional<double> second = bad ? std::nullopt : parse_cell(cells[0], bad);
    row.step = second.has_value() ? std::llround(*second) : 0;
    for (std::size_t c = 1; !bad && c < cells.size(); ++c) row.values.push_back(parse_cell(cells[c], bad));
    if (bad || !second.has_value()) return Error{"timeseries: line " + std::to_string(number) + " is malformed"};
    series.rows.push_back(std::move(row));
  }
  return series;
}

std::string tensorboard_file_name(double start_wall_s) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "localhost");
  return "events.out.tfevents." + std::to_string(static_cast<std::int64_t>(start_wall_s)) + "." + host;
}

Status write_tensorboard_events(const std::filesystem::path& file, const ScalarSeries& series, double start_wall_s) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  tensorboard::Event version;
  version.set_wall_time(start_wall_s);
  version.set_file_version("brain.Event:2");
  out << tensorboard_record(event_bytes(version));
  for (const ScalarSeries::Row& row : series.rows) {
    tensorboard::Event event;
    event.set_wall_time(start_wall_s + static_cast<double>(row.step + 1));
    event.set_step(row.step);
    tensorboard::Summary* summary = event.mutable_summary();
    for (std::size_t c = 0; c < row.values.size() && c < series.tags.size(); ++c) {
      if (!row.values[c].has_value()) continue;
      tensorboard::SummaryValue* value = summary->add_value();
      value->set_tag(series.tags[c]);
      value->set_simple_value(static_cast<float>(*row.values[c]));
    }
    out << tensorboard_record(event_bytes(event));
  }
  out.close();
  if (!out) return Error{"cannot write " + file.string() + ": " + std::strerror(errno)};
  return Ok{};
}

}  // namespace pipescale::engine
