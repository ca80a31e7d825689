// pier rollback R REVISION --cluster C -n NS [--wait] [--timeout 5m] [--dry-run] [-m M] [--detach]
#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "cli/console_flags.h"
#include "cli/release_change.h"
#include "console_client/release_requests.h"

namespace pier::cli {

namespace {

struct RollbackFlags {
  ConsoleFlags console;
  ReleaseLocationFlags location;
  std::string name;
  console_client::RollbackRequest request;
  std::string timeout = "5m";
  bool detach = false;
};

int run_rollback(RollbackFlags flags) {
  auto timeout = parse_duration(flags.timeout);
  if (!timeout) return report_error(Error::invalid("--timeout: " + timeout.error().message));
  flags.request.timeout = *timeout;
  return run_release_change(flags.console, {.release = flags.location.release(flags.name),
                                            .action = "rollback",
                                            .body = flags.request.to_json(),
                                            .dry_run = flags.request.dry_run,
                                            .detach = flags.detach});
}

}  // namespace

Action setup_rollback(CLI::App& app) {
  auto flags = std::make_shared<RollbackFlags>();
  app.add_option("release", flags->name, "release name")->required();
  app.add_option("revision", flags->request.revision, "revision whose values and app version to deploy again")
      ->required()
      ->check(CLI::PositiveNumber);
  flags->location.add_to(app, /*required=*/true);
  app.add_flag("--wait", flags->request.wait, "the operation follows the rollout until every workload is ready");
  app.add_option("--timeout", flags->timeout, "how long the operation may wait for the rollout (30s, 5m, 1h)")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_flag("--dry-run", flags->request.dry_run, "show what the rollback would change and change nothing");
  app.add_option("-m,--message", flags->request.message, "why: stored with the new revision");
  app.add_flag("--detach", flags->detach, "print the operation and return without following its events");
  flags->console.add_to(app);
  app.footer(
      "A rollback is a new revision with an old revision's values and app version.\n"
      "Exit status: 0 rolled back (or dry run, or --detach); 1 the operation failed or was interrupted, or another\n"
      "failure; 2 bad input or no such release or revision.\n"
      "Example: pier rollback web 3 --cluster prod-bj -n shop --wait -m 'revision 4 crashes'");
  return [flags] { return run_rollback(*flags); };
}

}  // namespace pier::cli
