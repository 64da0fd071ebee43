#include "engine/config/config_loader.hpp"

#include <system_error>

#include "engine/config/overrides.hpp"
#include "engine/config/sections.hpp"
#include "engine/config/toml_document.hpp"

namespace pipescale::engine {
namespace {

using config_detail::ConfigNode;
using config_detail::ReadContext;
using config_detail::TableReader;

PipelineConfig read_pipeline(const ConfigNode& root, ReadContext& context) {
  PipelineConfig config;
  {
    // A new section is one more line here and a reader in sections.hpp.
    TableReader top(&root, "", "", context);
    config_detail::read_run(section(top, "run"), config.run, context);
    config_detail::read_client(section(top, "client"), config.client, context);
    config_detail::read_scheduler(section(top, "scheduler"), config.scheduler, context);
    config_detail::read_placement(section(top, "placement"), config.placement, context);
    config_detail::read_simulate(section(top, "simulate"), config.simulate, context);
    config_detail::read_stages(top, config.stages, context);
    config_detail::read_faults(top, config, context);
  }  // `top` hands its unknown keys over here, before they are reported
  context.unknown.report(context.errors);
  if (context.errors.empty()) config_detail::check_client_trace(root, config, context);
  return config;
}

}  // namespace

ConfigReport read_config(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  const std::string label = path.string();
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error).lexically_normal();
  Result<ConfigNode> tree = config_detail::parse_toml_file(path, label);
  if (!tree) return {std::nullopt, {tree.error().message}};
  ReadContext context{config_detail::ErrorList(label), {}, absolute.parent_path()};
  config_detail::apply_overrides(tree.value(), overrides, context.errors);
  PipelineConfig config = read_pipeline(tree.value(), context);
  if (!context.errors.empty()) return {std::nullopt, context.errors.lines()};
  config.source_path = absolute;
  return {std::move(config), {}};
}

Result<PipelineConfig> load_config(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  ConfigReport report = read_config(path, overrides);
  if (report.config) return std::move(*report.config);
  std::string message;
  for (const std::string& line : report.errors) message += (message.empty() ? "" : "\n") + line;
  return Error{message};
}

}  // namespace pipescale::engine
