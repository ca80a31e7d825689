// pier get KIND [NAME] [-n NS | -A] [-l SELECTOR] [-o table|json|yaml|name]
#include <chrono>
#include <ctime>
#include <iostream>

#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "kube/apply_plan.h"
#include "yamljson/json_to_yaml.h"

namespace pier::cli {

namespace {

using nlohmann::json;

struct GetFlags {
  ClusterFlags cluster;
  std::string kind;
  std::string name;
  bool all_namespaces = false;
  std::string selector;
  std::string output = "table";
};

// kubectl's AGE column: 45s, 12m, 5h, 3d.
std::string age_of(const json& object) {
  std::string created = object.value("/metadata/creationTimestamp"_json_pointer, "");
  std::tm tm{};
  if (created.empty() || !strptime(created.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return "<unknown>";
  auto seconds = std::time(nullptr) - timegm(&tm);
  if (seconds < 0) seconds = 0;
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 7200) return std::to_string(seconds / 60) + "m";
  if (seconds < 172800) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

void print_table(const std::vector<json>& items, bool with_namespace) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back(with_namespace ? std::vector<std::string>{"NAMESPACE", "NAME", "AGE"}
                                : std::vector<std::string>{"NAME", "AGE"});
  for (const auto& item : items) {
    std::vector<std::string> row;
    if (with_namespace) row.push_back(item.value("/metadata/namespace"_json_pointer, ""));
    row.push_back(item.value("/metadata/name"_json_pointer, ""));
    row.push_back(age_of(item));
    rows.push_back(std::move(row));
  }
  std::cout << format_table(rows);
}

int run_get(const GetFlags& flags) {
  if (flags.output != "table" && flags.output != "json" && flags.output != "yaml" && flags.output != "name")
    return report_error(Error::invalid("-o " + flags.output + ": expected table, json, yaml or name"));
  auto session = open_cluster(flags.cluster);
  if (!session) return report_error(session.error());
  kube::Client& client = *session->client;
  auto resource = client.discovery().resolve_name(flags.kind);
  if (!resource) return report_error(resource.error());
  std::string ns = resource->namespaced ? (flags.all_namespaces && flags.name.empty() ? "" : session->namespace_name) : "";

  std::vector<json> items;
  if (!flags.name.empty()) {
    auto object = client.get(resource->gvk, ns, flags.name);
    if (!object) return report_error(object.error());
    items.push_back(std::move(*object));
  } else {
    kube::ListOptions options;
    options.label_selector = flags.selector;
    auto list = client.list(resource->gvk, ns, options);
    if (!list) return report_error(list.error());
    items = std::move(list->items);
  }

  if (flags.output == "name") {
    for (const auto& item : items) std::cout << kube::kubectl_name(*resource, item.value("/metadata/name"_json_pointer, "")) << "\n";
  } else if (flags.output == "json" || flags.output == "yaml") {
    json out = items.size() == 1 && !flags.name.empty()
                   ? items[0]
                   : json{{"apiVersion", "v1"}, {"kind", "List"}, {"metadata", {{"resourceVersion", ""}}}, {"items", items}};
    if (flags.output == "json") std::cout << out.dump(4) << "\n";
    else std::cout << yamljson::to_yaml(out);
  } else if (items.empty()) {
    std::cerr << "No resources found" << (ns.empty() ? "" : " in " + ns + " namespace") << ".\n";
  } else {
    print_table(items, resource->namespaced && ns.empty());
  }
  return 0;
}

}  // namespace

Action setup_get(CLI::App& app) {
  auto flags = std::make_shared<GetFlags>();
  flags->cluster.add_to(app);
  app.add_option("kind", flags->kind, "kind or resource: deployments, deploy, Deployment, svc, leases.coordination.k8s.io")
      ->required();
  app.add_option("name", flags->name, "one object's name");
  app.add_flag("-A,--all-namespaces", flags->all_namespaces, "list across all namespaces");
  app.add_option("-l,--selector", flags->selector, "label selector, e.g. app.kubernetes.io/name=jetty");
  app.add_option("-o,--output", flags->output, "table, json, yaml or name")->capture_default_str();
  return [flags] { return run_get(*flags); };
}

}  // namespace pier::cli
