// pier rollout status KIND/NAME [-n NS] [--timeout 5m] [--no-fail-fast]
#include <csignal>
#include <iostream>
#include <stop_token>

#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "kube/rollout_watcher.h"

namespace pier::cli {

namespace {

struct RolloutFlags {
  ClusterFlags cluster;
  std::string target;  // deployment/jetty
  std::string timeout = "5m";
  bool no_fail_fast = false;
};

int run_rollout_status(const RolloutFlags& flags) {
  auto slash = flags.target.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == flags.target.size())
    return report_error(Error::invalid("\"" + flags.target + "\": expected KIND/NAME, e.g. deployment/jetty"));
  auto timeout = parse_duration(flags.timeout);
  if (!timeout) return report_error(timeout.error());

  auto session = open_cluster(flags.cluster);
  if (!session) return report_error(session.error());
  auto resource = session->client->discovery().resolve_name(flags.target.substr(0, slash));
  if (!resource) return report_error(resource.error());

  kube::RolloutWaitOptions options;
  options.timeout = *timeout;
  options.fail_fast = !flags.no_fail_fast;
  std::stop_source stop;
  auto outcome = kube::wait_for_rollout(*session->client, resource->gvk, session->namespace_name,
                                        flags.target.substr(slash + 1), options,
                                        [](const std::string& line) { std::cout << line << std::endl; },
                                        stop.get_token());
  if (!outcome) return report_error(outcome.error());
  // The progress lines already ended with kubectl's success line.
  if (!outcome->done()) return report_error(outcome->to_error());
  return 0;
}

}  // namespace

Action setup_rollout(CLI::App& app) {
  auto flags = std::make_shared<RolloutFlags>();
  app.require_subcommand(1);
  CLI::App* status = app.add_subcommand("status", "Follow a Deployment, StatefulSet or DaemonSet until it has rolled out");
  flags->cluster.add_to(*status);
  status->add_option("target", flags->target, "KIND/NAME, e.g. deployment/jetty")->required();
  status->add_option("--timeout", flags->timeout, "give up after this long (e.g. 90s, 5m); 0 waits forever")
      ->capture_default_str();
  status->add_flag("--no-fail-fast", flags->no_fail_fast,
                   "wait for the deadline even when new pods crash-loop or cannot pull their image");
  return [flags] { return run_rollout_status(*flags); };
}

}  // namespace pier::cli
