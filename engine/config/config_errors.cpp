#include "engine/config/config_errors.hpp"

#include <algorithm>
#include <limits>

namespace pipescale::engine::config_detail {
namespace {

constexpr int kRankOverride = 0;
constexpr int kRankNoLine = std::numeric_limits<int>::max();

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters ("sol_ms" for "slo_ms") each cost one.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string where(const Origin& origin) {
  if (origin.is_override || origin.line <= 0) return origin.label;
  return origin.label + " line " + std::to_string(origin.line);
}

void ErrorList::at(std::string_view key, const Origin& origin, std::string_view problem) {
  const int rank = origin.is_override ? kRankOverride : (origin.line > 0 ? origin.line : kRankNoLine);
  entries_.push_back({rank, std::string(key) + " in " + where(origin) + ": " + std::string(problem)});
}

void ErrorList::in_file(std::string_view key, std::string_view problem) {
  entries_.push_back({kRankNoLine, std::string(key) + " in " + file_label_ + ": " + std::string(problem)});
}

void ErrorList::add(std::string line) { entries_.push_back({kRankOverride, std::move(line)}); }

std::vector<std::string> ErrorList::lines() const {
  std::vector<Entry> sorted = entries_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) { return a.rank < b.rank; });
  std::vector<std::string> out;
  out.reserve(sorted.size());
  for (Entry& entry : sorted) out.push_back(std::move(entry.text));
  return out;
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) best = &candidate, best_distance = distance;
  }
  if (best == nullptr) return std::nullopt;
  const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
  const bool is_start = word.size() >= 3 && best->starts_with(word);
  if (best_distance <= allowed || is_start) return *best;
  for (const std::string& candidate : candidates) {
    if (word.size() >= 3 && candidate.starts_with(word)) return candidate;
  }
  return std::nullopt;
}

}  // namespace pipescale::engine::config_detail
