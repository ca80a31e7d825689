// pier — operations platform for private Kubernetes clouds. One binary, one
// subcommand per job; see `pier --help`.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"pier: deploy apps from forms, keep load balancers in sync, turn logs into metrics, run clusters.",
               "pier"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand");
  pier::cli::Action chosen;
  for (const auto& command : pier::cli::commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    auto action = command.setup(*sub);
    sub->callback([&chosen, action] { chosen = action; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 106/109/...; usage errors are bad input: exit 2.
    app.exit(e);
    return e.get_exit_code() == 0 ? 0 : 2;
  }
  return chosen ? chosen() : 0;
}
