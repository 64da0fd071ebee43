#include "engine/runtime/sweep_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pipescale::engine {
namespace {

constexpr const char* kMeanSuffix = "_mean";

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A whole cell as a finite number; none for an empty cell; an error for anything else.
Result<std::optional<double>> number_cell(const std::string& cell) {
  if (cell.empty()) return std::optional<double>();
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(cell.c_str(), &end);
  if (end != cell.c_str() + cell.size() || errno == ERANGE || !std::isfinite(value)) {
    return Error{"'" + cell + "', expected a number or an empty cell"};
  }
  return std::optional<double>(value);
}

struct Columns {
  std::size_t runs = 0;                               // the index of "runs"
  std::map<std::string, std::size_t> mean_by_metric;  // metric -> index of <metric>_mean
};

Result<Columns> find_columns(const std::vector<std::string>& header, const std::string& file) {
  Columns columns;
  const auto runs = std::find(header.begin(), header.end(), "runs");
  if (runs == header.end() || runs == header.begin()) {
    return Error{file +
                 ": no swept key before a 'runs' column in the header (a sweep.csv of an older pipescale "
                 "sweep has none: run the sweep again)"};
  }
  columns.runs = static_cast<std::size_t>(runs - header.begin());
  for (std::size_t c = columns.runs + 1; c < header.size(); ++c) {
    if (!ends_with(header[c], kMeanSuffix)) continue;
    const std::string metric = header[c].substr(0, header[c].size() - std::strlen(kMeanSuffix));
    if (c + 2 >= header.size() || header[c + 1] != metric + "_ci_low" || header[c + 2] != metric + "_ci_high") {
      std::string message = file;
      message.append(": column ").append(header[c]).append(" is not followed by ").append(metric);
      message.append("_ci_low and ").append(metric).append("_ci_high");
      return Error{message};
    }
    columns.mean_by_metric[metric] = c;
  }
  return columns;
}

Result<SweepTablePoint> read_point(const std::vector<std::string>& row, const std::vector<std::string>& header,
                                   const Columns& columns, const std::string& where) {
  SweepTablePoint point;
  point.values.assign(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(columns.runs));
  auto runs = number_cell(row[columns.runs]);
  if (!runs || !*runs || **runs < 1.0 || std::floor(**runs) != **runs) {
    return Error{where + ": runs is '" + row[columns.runs] + "', expected a count of at least 1"};
  }
  point.runs = static_cast<std::size_t>(**runs);
  for (const auto& [metric, column] : columns.mean_by_metric) {
    SweepStatistic statistic;
    std::optional<double>* targets[] = {&statistic.mean, &statistic.low, &statistic.high};
    for (std::size_t k = 0; k < 3; ++k) {
      auto value = number_cell(row[column + k]);
      if (!value) return Error{where + ": " + header[column + k] + " is " + value.error().message};
      *targets[k] = *value;
    }
    point.metrics[metric] = statistic;
  }
  return point;
}

}  // namespace

bool is_sweep_dir(const std::filesystem::path& dir) {
  std::error_code error;
  return std::filesystem::is_regular_file(dir / "sweep.csv", error);
}

Result<std::vector<std::vector<std::string>>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  bool row_has_content = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      row_has_content = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
      row_has_content = true;
    } else if (c == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      if (row_has_content || !row.back().empty()) rows.push_back(std::move(row));
      row.clear();
      row_has_content = false;
    } else if (c != '\r') {
      cell += c;
      row_has_content = true;
    }
  }
  if (quoted) return Error{"a quoted cell is not closed"};
  if (row_has_content || !cell.empty()) {
    row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<SweepTable> read_sweep_table(const std::filesystem::path& dir) {
  const std::string file = (dir / "sweep.csv").string();
  std::ifstream in(dir / "sweep.csv");
  if (!in) return Error{"cannot read " + file + ": " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  auto rows = parse_csv(text.str());
  if (!rows) return Error{file + ": " + rows.error().message};
  if (rows->empty()) return Error{file + " is empty: expected a header row and one row per point"};
  const std::vector<std::string>& header = rows->front();
  auto columns = find_columns(header, file);
  if (!columns) return columns.error();
  SweepTable table;
  table.keys.assign(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(columns->runs));
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const std::string where = file + " line " + std::to_string(r + 1);
    if ((*rows)[r].size() != header.size()) {
      return Error{where + ": " + std::to_string((*rows)[r].size()) + " cells, the header has " +
                   std::to_string(header.size())};
    }
    auto point = read_point((*rows)[r], header, *columns, where);
    if (!point) return point.error();
    table.points.push_back(std::move(*point));
  }
  if (table.points.empty()) return Error{file + " has a header but no points"};
  return table;
}

}  // namespace pipescale::engine
