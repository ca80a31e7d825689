// The discovery documents of a small cluster, served by a FakeTransport:
// core v1, apps/v1, autoscaling (v2 preferred, v1 too), events.k8s.io/v1,
// discovery.k8s.io/v1 (EndpointSlices), and an aggregated metrics.k8s.io
// whose discovery answers 503, as when metrics-server is down.
//
//   auto fake = std::make_shared<FakeTransport>();
//   serve_discovery(*fake);
//   serve_crd_group(*fake);   // later: a CRD appears
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fake_transport.h"

namespace pier::kube::testing {

inline nlohmann::json api_resource(std::string name, std::string singular, std::string kind, bool namespaced,
                                   nlohmann::json short_names = nlohmann::json::array()) {
  nlohmann::json r = {{"name", name},
                      {"singularName", singular},
                      {"namespaced", namespaced},
                      {"kind", kind},
                      {"verbs", {"create", "delete", "get", "list", "patch", "update", "watch"}}};
  if (!short_names.empty()) r["shortNames"] = short_names;
  return r;
}

inline nlohmann::json subresource(std::string name, std::string kind, bool namespaced) {
  return {{"name", name}, {"singularName", ""}, {"namespaced", namespaced}, {"kind", kind},
          {"verbs", {"get", "patch", "update"}}};
}

inline nlohmann::json resource_list(std::string group_version, nlohmann::json resources) {
  return {{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", group_version},
          {"resources", resources}};
}

inline nlohmann::json api_group(std::string name, std::vector<std::string> versions) {
  nlohmann::json group = {{"name", name}, {"versions", nlohmann::json::array()}};
  for (const auto& v : versions) group["versions"].push_back({{"groupVersion", name + "/" + v}, {"version", v}});
  group["preferredVersion"] = {{"groupVersion", name + "/" + versions.front()}, {"version", versions.front()}};
  return group;
}

inline nlohmann::json api_groups(bool with_crd) {
  nlohmann::json groups = {api_group("apps", {"v1"}), api_group("events.k8s.io", {"v1"}),
                           api_group("autoscaling", {"v2", "v1"}), api_group("discovery.k8s.io", {"v1"}),
                           api_group("metrics.k8s.io", {"v1beta1"})};
  // A CRD group with two versions; the server lists v1beta1 first but prefers v1.
  if (with_crd) {
    auto crd = api_group("example.com", {"v1beta1", "v1"});
    crd["preferredVersion"] = {{"groupVersion", "example.com/v1"}, {"version", "v1"}};
    groups.push_back(crd);
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

inline void serve_discovery(FakeTransport& fake) {
  fake.on("GET", "/api", 200, {{"kind", "APIVersions"}, {"versions", {"v1"}}});
  fake.on("GET", "/api/v1", 200,
          resource_list("v1", {api_resource("pods", "pod", "Pod", true, {"po"}),
                               subresource("pods/status", "Pod", true),
                               subresource("pods/log", "Pod", true),
                               api_resource("services", "service", "Service", true, {"svc"}),
                               subresource("services/status", "Service", true),
                               api_resource("namespaces", "namespace", "Namespace", false, {"ns"}),
                               api_resource("configmaps", "configmap", "ConfigMap", true, {"cm"}),
                               api_resource("events", "event", "Event", true, {"ev"}),
                               api_resource("nodes", "node", "Node", false, {"no"})}));
  fake.on("GET", "/apis", 200, api_groups(false));
  fake.on("GET", "/apis/apps/v1", 200,
          resource_list("apps/v1", {api_resource("deployments", "deployment", "Deployment", true, {"deploy"}),
                                    subresource("deployments/status", "Deployment", true),
                                    subresource("deployments/scale", "Scale", true),
                                    api_resource("statefulsets", "statefulset", "StatefulSet", true, {"sts"})}));
  fake.on("GET", "/apis/events.k8s.io/v1", 200,
          resource_list("events.k8s.io/v1", {api_resource("events", "event", "Event", true, {"ev"})}));
  fake.on("GET", "/apis/autoscaling/v2", 200,
          resource_list("autoscaling/v2", {api_resource("horizontalpodautoscalers", "horizontalpodautoscaler",
                                                        "HorizontalPodAutoscaler", true, {"hpa"})}));
  fake.on("GET", "/apis/autoscaling/v1", 200,
          resource_list("autoscaling/v1", {api_resource("horizontalpodautoscalers", "horizontalpodautoscaler",
                                                        "HorizontalPodAutoscaler", true, {"hpa"})}));
  fake.on("GET", "/apis/discovery.k8s.io/v1", 200,
          resource_list("discovery.k8s.io/v1",
                        {api_resource("endpointslices", "endpointslice", "EndpointSlice", true)}));
  fake.on("GET", "/apis/metrics.k8s.io/v1beta1", 503,
          status_body(503, "ServiceUnavailable", "the server is currently unable to handle the request"));
}

// A CRD installed after start: example.com Widget, served as v1beta1 and v1.
inline void serve_crd_group(FakeTransport& fake) {
  fake.clear("GET", "/apis");
  fake.on("GET", "/apis", 200, api_groups(true));
  for (std::string version : {"v1beta1", "v1"})
    fake.on("GET", "/apis/example.com/" + version, 200,
            resource_list("example.com/" + version,
                          {api_resource("widgets", "widget", "Widget", true, {"wdg"}),
                           subresource("widgets/status", "Widget", true)}));
}

}  // namespace pier::kube::testing
