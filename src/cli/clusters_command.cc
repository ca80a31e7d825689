// pier clusters [-o table|json] [--timeout 5s]: every kubeconfig context, its
// server, whether it answers and which Kubernetes version it runs.
#include <future>
#include <iostream>

#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "kube/cluster_probe.h"

namespace pier::cli {

namespace {

using nlohmann::json;

struct ClustersFlags {
  ClusterFlags cluster;
  std::string output = "table";
  std::string timeout = "5s";
};

struct Probe {
  kube::ContextSummary context;
  bool reachable = false;
  std::string version;
  std::string error;
};

Probe probe(const kube::Kubeconfig& kubeconfig, const kube::ContextSummary& summary, std::chrono::milliseconds timeout) {
  kube::ClusterProbe p = kube::probe_cluster(kubeconfig, summary.name, timeout);
  return Probe{summary, p.reachable, std::move(p.version), std::move(p.error)};
}

int run_clusters(const ClustersFlags& flags) {
  if (flags.output != "table" && flags.output != "json")
    return report_error(Error::invalid("-o " + flags.output + ": expected table or json"));
  auto timeout = parse_duration(flags.timeout);
  if (!timeout) return report_error(timeout.error());
  kube::ConnectOptions connect = flags.cluster.connect_options();
  auto files = kube::kubeconfig_files(connect.kubeconfig, connect.environment);
  if (files.empty()) return report_error(Error::not_found("no kubeconfig: set --kubeconfig or KUBECONFIG, or create ~/.kube/config"));
  auto kubeconfig = kube::load_kubeconfig(files);
  if (!kubeconfig) return report_error(kubeconfig.error());

  // Every context at once: an unreachable data center costs one timeout, not one each.
  std::vector<std::future<Probe>> pending;
  for (const auto& summary : kube::list_contexts(*kubeconfig))
    pending.push_back(std::async(std::launch::async, probe, std::cref(*kubeconfig), summary, *timeout));
  std::vector<Probe> probes;
  for (auto& p : pending) probes.push_back(p.get());

  if (flags.output == "json") {
    json out = json::array();
    for (const auto& p : probes) {
      json entry = {{"name", p.context.name}, {"cluster", p.context.cluster}, {"user", p.context.user},
                    {"namespace", p.context.namespace_name}, {"server", p.context.server},
                    {"current", p.context.current}, {"reachable", p.reachable}};
      if (p.reachable) entry["version"] = p.version;
      else entry["error"] = p.error;
      out.push_back(std::move(entry));
    }
    std::cout << out.dump(2) << "\n";
  } else {
    std::vector<std::vector<std::string>> rows = {{"CURRENT", "NAME", "SERVER", "STATUS", "VERSION"}};
    for (const auto& p : probes)
      rows.push_back({p.context.current ? "*" : "", p.context.name, p.context.server,
                      p.reachable ? "reachable" : "unreachable", p.reachable ? p.version : ""});
    std::cout << format_table(rows);
    for (const auto& p : probes)
      if (!p.reachable) std::cout << "\n" << p.context.name << ": " << p.error << "\n";
  }
  bool all = true;
  for (const auto& p : probes) all = all && p.reachable;
  return all ? 0 : 1;
}

}  // namespace

Action setup_clusters(CLI::App& app) {
  auto flags = std::make_shared<ClustersFlags>();
  flags->cluster.add_to(app, false);
  app.add_option("-o,--output", flags->output, "table or json")->capture_default_str();
  app.add_option("--timeout", flags->timeout, "how long to wait for each cluster")->capture_default_str();
  return [flags] { return run_clusters(*flags); };
}

}  // namespace pier::cli
