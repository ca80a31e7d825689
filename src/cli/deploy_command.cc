// pier deploy APP --cluster C -n NS --name R [-f values...] [--preset P] [--team T] [-m M]
//             [--wait] [--timeout 5m] [--dry-run] [--force-conflicts] [--auto-rollback] [--detach]
#include <iostream>

#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "cli/console_flags.h"
#include "cli/release_change.h"
#include "console_client/release_requests.h"
#include "console_client/values_files.h"

namespace pier::cli {

namespace {

struct DeployFlags {
  ConsoleFlags console;
  ReleaseLocationFlags location;
  std::string name;
  console_client::DeployRequest request;
  std::vector<std::string> value_files;
  std::string timeout = "5m";
  bool detach = false;
};

int run_deploy(DeployFlags flags) {
  auto timeout = parse_duration(flags.timeout);
  if (!timeout) return report_error(Error::invalid("--timeout: " + timeout.error().message));
  auto values = console_client::load_values_files(flags.value_files, std::cin);
  if (!values) return report_error(values.error());
  flags.request.values = std::move(*values);
  flags.request.timeout = *timeout;
  return run_release_change(flags.console, {.release = flags.location.release(flags.name),
                                            .action = "deploy",
                                            .body = flags.request.to_json(),
                                            .dry_run = flags.request.dry_run,
                                            .detach = flags.detach});
}

}  // namespace

Action setup_deploy(CLI::App& app) {
  auto flags = std::make_shared<DeployFlags>();
  app.add_option("app", flags->request.app, "catalog app to deploy (e.g. jetty)")->required();
  flags->location.add_to(app, /*required=*/true);
  app.add_option("--name", flags->name, "release name")->required();
  app.add_option("-f,--values", flags->value_files,
                 "values file (JSON, or YAML by extension; - for stdin); repeatable, later files win, objects merge")
      ->type_name("FILE");
  app.add_option("--preset", flags->request.preset, "preset the values layer over (default: the server's choice)");
  app.add_option("--team", flags->request.team, "team whose saved presets are looked up");
  app.add_option("-m,--message", flags->request.message, "why: stored with the revision");
  app.add_flag("--wait", flags->request.wait, "the operation follows the rollout until every workload is ready");
  app.add_option("--timeout", flags->timeout, "how long the operation may wait for the rollout (30s, 5m, 1h)")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_flag("--dry-run", flags->request.dry_run, "show what would change (values and objects) and change nothing");
  app.add_flag("--force-conflicts", flags->request.force_conflicts, "take over fields that another field manager owns");
  app.add_flag("--auto-rollback", flags->request.auto_rollback,
               "if the deploy fails, roll back to the last deployed revision");
  app.add_flag("--detach", flags->detach, "print the operation and return without following its events");
  flags->console.add_to(app);
  app.footer(
      "Follows the operation's events until it ends (Ctrl-C stops following, not the deploy).\n"
      "Exit status: 0 deployed (or dry run, or --detach); 1 the operation failed or was interrupted, or another\n"
      "failure; 2 bad input (a malformed values file, values the app's schema refuses: every problem is listed).\n"
      "Example: pier deploy jetty --cluster prod-bj -n shop --name web -f base.yaml -f prod.yaml --wait -m 'more "
      "replicas'");
  return [flags] { return run_deploy(*flags); };
}

}  // namespace pier::cli
