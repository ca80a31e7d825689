#include "defaults.h"

#include <string>

namespace pier::testing::kube_double {

namespace {

nlohmann::json* child(nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

void default_container_ports(nlohmann::json& pod_spec) {
  for (const char* list : {"containers", "initContainers"}) {
    nlohmann::json* containers = child(pod_spec, list);
    if (!containers || !containers->is_array()) continue;
    for (auto& container : *containers) {
      nlohmann::json* ports = child(container, "ports");
      if (!ports || !ports->is_array()) continue;
      for (auto& port : *ports)
        if (port.is_object() && !port.contains("protocol")) port["protocol"] = "TCP";
    }
  }
}

// The pod spec inside an object of this kind, if it has one.
nlohmann::json* pod_spec_of(nlohmann::json& object, const ResourceType& type) {
  nlohmann::json* spec = child(object, "spec");
  if (!spec) return nullptr;
  if (type.group.empty() && type.kind == "Pod") return spec;
  if (type.group == "batch" && type.kind == "CronJob") {
    nlohmann::json* job = child(*spec, "jobTemplate");
    spec = job ? child(*job, "spec") : nullptr;
    if (!spec) return nullptr;
  } else if (!(type.group == "apps" || (type.group == "batch" && type.kind == "Job"))) {
    return nullptr;
  }
  nlohmann::json* pod_template = child(*spec, "template");
  return pod_template ? child(*pod_template, "spec") : nullptr;
}

const nlohmann::json* live_port(const nlohmann::json* live, const nlohmann::json& port) {
  if (!live) return nullptr;
  auto spec = live->find("spec");
  if (spec == live->end() || !spec->contains("ports") || !(*spec)["ports"].is_array()) return nullptr;
  for (const auto& candidate : (*spec)["ports"])
    if (candidate.value("port", -1) == port.value("port", -2) &&
        candidate.value("protocol", "TCP") == port.value("protocol", "TCP"))
      return &candidate;
  return nullptr;
}

void default_service(nlohmann::json& object, const nlohmann::json* live, ServiceAllocator& allocator) {
  nlohmann::json& spec = object["spec"];
  if (!spec.is_object()) return;
  if (!spec.contains("type")) spec["type"] = "ClusterIP";
  std::string type = spec["type"].is_string() ? spec["type"].get<std::string>() : "ClusterIP";
  if (!spec.contains("sessionAffinity")) spec["sessionAffinity"] = "None";
  bool exposed = type == "NodePort" || type == "LoadBalancer";
  if (type != "ExternalName") {
    const nlohmann::json* live_spec = live && live->contains("spec") ? &(*live)["spec"] : nullptr;
    if (!spec.contains("clusterIP") || spec["clusterIP"] == "") {
      if (live_spec && live_spec->contains("clusterIP")) {
        spec["clusterIP"] = (*live_spec)["clusterIP"];
      } else {
        spec["clusterIP"] = allocator.next_cluster_ip();
      }
    }
    if (!spec.contains("clusterIPs")) spec["clusterIPs"] = {spec["clusterIP"]};
    if (!spec.contains("ipFamilies")) spec["ipFamilies"] = {"IPv4"};
    if (!spec.contains("ipFamilyPolicy")) spec["ipFamilyPolicy"] = "SingleStack";
    if (!spec.contains("internalTrafficPolicy")) spec["internalTrafficPolicy"] = "Cluster";
  }
  if (exposed && !spec.contains("externalTrafficPolicy")) spec["externalTrafficPolicy"] = "Cluster";
  nlohmann::json* ports = child(spec, "ports");
  if (!ports || !ports->is_array()) return;
  for (auto& port : *ports) {
    if (!port.is_object()) continue;
    if (!port.contains("protocol")) port["protocol"] = "TCP";
    if (!port.contains("targetPort") && port.contains("port")) port["targetPort"] = port["port"];
    if (exposed && !port.contains("nodePort")) {
      const nlohmann::json* before = live_port(live, port);
      port["nodePort"] = before && before->contains("nodePort") ? (*before)["nodePort"]
                                                                 : nlohmann::json(allocator.next_node_port());
    }
  }
}

}  // namespace

std::string ServiceAllocator::next_cluster_ip() {
  uint32_t offset = next_ip_offset_++;
  // 10.96.0.0/12: 10.96.0.0 .. 10.111.255.255
  uint32_t second = 96 + (offset >> 16);
  return "10." + std::to_string(second) + "." + std::to_string((offset >> 8) & 0xff) + "." +
         std::to_string(offset & 0xff);
}

int ServiceAllocator::next_node_port() {
  int port = next_node_port_++;
  if (next_node_port_ > 32767) next_node_port_ = 30000;
  return port;
}

void apply_defaults(nlohmann::json& object, const ResourceType& type, const nlohmann::json* live,
                    ServiceAllocator& allocator) {
  if (type.group == "apps" && (type.kind == "Deployment" || type.kind == "StatefulSet" || type.kind == "ReplicaSet")) {
    nlohmann::json* spec = child(object, "spec");
    if (spec && spec->is_object() && !spec->contains("replicas")) (*spec)["replicas"] = 1;
  }
  if (nlohmann::json* pod_spec = pod_spec_of(object, type)) default_container_ports(*pod_spec);
  if (type.group.empty() && type.kind == "Service" && object.contains("spec")) default_service(object, live, allocator);
}

}  // namespace pier::testing::kube_double
