#include "engine/placement/cpu_list.hpp"

#include <algorithm>
#include <cctype>

namespace pipescale::engine {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// A PU number, or -1 when `text` is not one.
int pu_number(std::string_view text) {
  text = trimmed(text);
  if (text.empty() || text.size() > 4) return -1;
  int value = 0;
  for (const char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return -1;
    value = value * 10 + (c - '0');
  }
  return value <= kMaxPuIndex ? value : -1;
}

}  // namespace

Result<std::vector<int>> parse_cpu_list(std::string_view text) {
  const std::string expectation = "a list of PU numbers from 0 to " + std::to_string(kMaxPuIndex) + " like \"2-5,8\"";
  if (trimmed(text).empty()) return Error{"an empty PU list: expected " + expectation};
  std::vector<int> pus;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t dash = item.find('-');
    const int first = pu_number(item.substr(0, dash));
    const int last = dash == std::string_view::npos ? first : pu_number(item.substr(dash + 1));
    std::string written = "'";  // built by appending: GCC 12 warns wrongly on "'" + std::string
    written += trimmed(item);
    written += "'";
    if (first < 0 || last < 0) return Error{written.append(" is not ").append(expectation)};
    if (last < first) return Error{written + " is a reversed range"};
    for (int pu = first; pu <= last; ++pu) pus.push_back(pu);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  std::sort(pus.begin(), pus.end());
  pus.erase(std::unique(pus.begin(), pus.end()), pus.end());
  return pus;
}

std::string format_cpu_list(const std::vector<int>& pus) {
  std::string out;
  for (std::size_t i = 0; i < pus.size();) {
    std::size_t j = i;
    while (j + 1 < pus.size() && pus[j + 1] == pus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(pus[i]);
    if (j > i) {
      out += '-';
      out += std::to_string(pus[j]);
    }
    i = j + 1;
  }
  return out;
}

}  // namespace pipescale::engine
