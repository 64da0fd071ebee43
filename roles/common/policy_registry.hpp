#pragma once
// What every family of policies (batching, dispatch, drop, scaling) shares: a table of
// {name, factory}, one line per policy, looked up by the name a config writes. A family's
// registry file holds its table (PIPESCALE_*_POLICIES); each policy lives in a file of its own
// that defines its factory. roles/README.md, "Adding a policy", walks through one.
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace pipescale::roles {

template <class Policy, class Params>
struct PolicyEntry {
  std::string_view name;
  std::unique_ptr<Policy> (*make)(const Params&);
};

// The policy called `name`, or null when the table has none by that name.
template <class Policy, class Params>
std::unique_ptr<Policy> make_named(std::span<const PolicyEntry<Policy, Params>> entries, std::string_view name,
                                   const Params& params) {
  for (const auto& entry : entries) {
    if (entry.name == name) return entry.make(params);
  }
  return nullptr;
}

// "\"a\", \"b\" or \"c\"": the valid names, for an error message.
inline std::string quoted_choices(std::span<const std::string_view> names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text.append(1, '"').append(names[i]).append(1, '"');  // not a + chain: GCC 12 -Wrestrict misfires on it
  }
  return text;
}

}  // namespace pipescale::roles
