#pragma once
// The small numeric CSV dialect of workload traces and latency profiles:
//
//   # a comment: '#' starts one, to the end of the line, anywhere on a line
//   time_s,rate_rps        <- an optional header naming the columns, exactly as expected
//   0,100                  <- one row per line: numbers, comma-separated, spaces around ignored
//
// Blank and comment-only lines are skipped; a trailing '\r' (a file saved on Windows) is ignored.
// Numbers are decimal (`12`, `0.5`, `1e3`); nan and inf are refused. Every error names the
// source, the line, the offending text and what was expected; an error in one field also names
// its column ("trace.csv:3:7: ...", the column counted in characters from 1, as editors do).
//
// The header may be left out, but a first line that is neither the expected header nor a row of
// numbers is refused: a file given for the wrong purpose (a latency profile passed as a trace)
// fails with a message naming the header it has and the one expected, instead of being misread.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace pipescale {

struct NumericCsvRow {
  std::size_t line_number = 0;       // 1-based, as an editor shows it
  std::vector<double> values;        // one per column, finite
  std::vector<std::string> texts;    // each value as written, for error messages
  std::vector<std::size_t> columns;  // where each value starts on its line, 1-based characters
};

// Parses `text` whose header, if present, is exactly `columns` joined by commas. `source_name` (a
// path, or a config key for inline text) prefixes every error message. At least one data row is
// required.
Result<std::vector<NumericCsvRow>> parse_numeric_csv(std::string_view text, std::string_view source_name,
                                                     const std::vector<std::string_view>& columns);

// The whole file, or an Error naming the path and the system's reason.
Result<std::string> read_text_file(const std::string& path);

// A number as a person would write it in a message: 7.5, 30, 0.125 (up to six decimals).
std::string format_number(double value);

// "source:line: message", the shape of every row error.
std::string csv_error(std::string_view source_name, std::size_t line_number, std::string_view message);
// "source:line:column: message", an error in one field.
std::string csv_error(std::string_view source_name, std::size_t line_number, std::size_t column,
                      std::string_view message);

}  // namespace pipescale
