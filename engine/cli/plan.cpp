// `pipescale plan`: the placement a run would get (engine/runtime/plan_command.hpp).
#include "engine/cli/subcommands.hpp"
#include "engine/runtime/plan_command.hpp"

namespace pipescale::engine::cli {
namespace {

constexpr const char* kPlanHelp =
    "Print the placement a run of CONFIG would get: the topology (NUMA nodes, cores, PUs), then every process\n"
    "with its PUs, NUMA node and wait strategy, and every ring with the node its memory is bound to. Nothing\n"
    "is started. Exit status 0, or 2 for a bad config, topology or placement request.";

class PlanCommand final : public Subcommand {
 public:
  explicit PlanCommand(CLI::App& app) : Subcommand(app.add_subcommand("plan", kPlanHelp)) {
    options_.config = PIPESCALE_DEFAULT_CONFIG;
    command_->add_option("config", options_.config, "Pipeline config (TOML); default: the shipped one");
    command_
        ->add_option("--topology", options_.topology,
                     "Plan for another machine: an hwloc synthetic description (\"numa:2 core:8 pu:2\") or an XML "
                     "export (lstopo --of xml); default: this machine")
        ->type_name("SYNTHETIC_OR_XML");
    command_->add_flag("--json", options_.json, "Print the plan as JSON");
    command_->add_option("--set", options_.overrides, "Override any config key (as for run)")->type_name("KEY=VALUE");
  }

  int execute(const char* /*argv0*/) override { return print_plan(options_); }

 private:
  PlanOptions options_;
};

}  // namespace

std::unique_ptr<Subcommand> add_plan_command(CLI::App& app) { return std::make_unique<PlanCommand>(app); }

}  // namespace pipescale::engine::cli
