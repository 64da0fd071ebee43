#pragma once
// The per-second time series a role writes into its statistics block (role_stats.hpp), with one
// rule for every role: row i covers [start + i s, start + (i + 1) s); nothing is counted before
// start() (the run has no second to put it in); a time before the start counts in row 0 and a
// time past the last row in the last row, so that nothing counted is lost; a row is sealed (its
// end-of-second figures written, rows_published moved past it) once the clock passes its end.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace pipescale::roles {

template <class Row>
class SecondRows {
 public:
  static constexpr std::int64_t kSecondNs = 1'000'000'000;

  void start(std::int64_t start_ns) {
    started_ = true;
    start_ns_ = start_ns;
    current_ = 0;
  }
  [[nodiscard]] bool started() const { return started_; }
  [[nodiscard]] std::uint32_t current() const { return current_; }
  // When the current row ends: a timer, so that a quiet role still seals its rows on time.
  [[nodiscard]] std::int64_t current_end_ns() const {
    return start_ns_ + (static_cast<std::int64_t>(current_) + 1) * kSecondNs;
  }

  // The row that time t_ns falls in; nullptr before start() or when there are no rows.
  [[nodiscard]] Row* at(std::span<Row> rows, std::int64_t t_ns) const {
    if (!started_ || rows.empty()) return nullptr;
    if (t_ns < start_ns_) return &rows.front();
    const auto index = static_cast<std::size_t>((t_ns - start_ns_) / kSecondNs);
    return &rows[std::min(index, rows.size() - 1)];
  }

  // Seals every row whose second ended by now_ns: seal(row) writes its end-of-second figures
  // (called only for rows that exist), then `after` runs once per second passed.
  template <class Seal, class After>
  void close(std::span<Row> rows, std::int64_t now_ns, Seal&& seal, After&& after) {
    if (!started_) return;
    while (current_end_ns() <= now_ns) {
      seal_current(rows, seal);
      ++current_;
      after();
    }
  }

  // Seals the current row (the partial last second, at the end of a run).
  template <class Seal>
  void seal_current(std::span<Row> rows, Seal&& seal) const {
    if (started_ && current_ < rows.size()) seal(rows[current_], current_);
  }

 private:
  bool started_ = false;
  std::int64_t start_ns_ = 0;
  std::uint32_t current_ = 0;
};

}  // namespace pipescale::roles
