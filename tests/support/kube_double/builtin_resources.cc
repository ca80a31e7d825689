#include "builtin_resources.h"

#include "merge_schema.h"

namespace pier::testing::kube_double {

namespace {

// One row of the table below.
struct Row {
  const char* group;
  const char* version;
  const char* kind;
  const char* plural;
  bool namespaced;
  std::vector<std::string> short_names;
  bool in_category_all;
  bool has_status;
  bool tracks_generation;       // the registry strategy sets generation 1 and bumps it on spec changes
  bool returns_deleted_object;  // the registry answers DELETE with the object
  NameRule name_rule;
  std::vector<std::string> field_labels;
};

constexpr NameRule kSubdomain = NameRule::kSubdomain;

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      // group, version, kind, plural, namespaced, short names, "all", status, generation, returns object, names, fields
      {"", "v1", "Namespace", "namespaces", false, {"ns"}, false, true, false, true, NameRule::kLabel, {"status.phase"}},
      {"", "v1", "Service", "services", true, {"svc"}, true, true, false, true, NameRule::kDns1035Label, {}},
      {"", "v1", "ConfigMap", "configmaps", true, {"cm"}, false, false, false, false, kSubdomain, {}},
      {"", "v1", "Secret", "secrets", true, {}, false, false, false, false, kSubdomain, {"type"}},
      {"", "v1", "Pod", "pods", true, {"po"}, true, true, true, true, kSubdomain,
       {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase",
        "status.podIP", "status.nominatedNodeName"}},
      {"", "v1", "Event", "events", true, {"ev"}, false, false, false, false, kSubdomain,
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
        "reportingComponent", "source", "type"}},
      {"", "v1", "Endpoints", "endpoints", true, {"ep"}, false, false, false, false, kSubdomain, {}},
      {"", "v1", "ServiceAccount", "serviceaccounts", true, {"sa"}, false, false, false, true, kSubdomain, {}},
      {"", "v1", "Node", "nodes", false, {"no"}, false, true, false, false, kSubdomain, {"spec.unschedulable"}},
      {"", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, {"pvc"}, false, true, false, false,
       kSubdomain, {}},
      {"", "v1", "PersistentVolume", "persistentvolumes", false, {"pv"}, false, true, false, false, kSubdomain, {}},
      {"apps", "v1", "Deployment", "deployments", true, {"deploy"}, true, true, true, false, kSubdomain, {}},
      {"apps", "v1", "StatefulSet", "statefulsets", true, {"sts"}, true, true, true, false, kSubdomain, {}},
      {"apps", "v1", "DaemonSet", "daemonsets", true, {"ds"}, true, true, true, false, kSubdomain, {}},
      {"apps", "v1", "ReplicaSet", "replicasets", true, {"rs"}, true, true, true, false, kSubdomain, {}},
      {"batch", "v1", "Job", "jobs", true, {}, true, true, true, false, kSubdomain, {}},
      {"batch", "v1", "CronJob", "cronjobs", true, {"cj"}, true, true, true, false, kSubdomain, {}},
      {"discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, {}, false, false, true, false, kSubdomain,
       {"addressType"}},
      {"coordination.k8s.io", "v1", "Lease", "leases", true, {}, false, false, false, false, kSubdomain, {}},
      {"networking.k8s.io", "v1", "Ingress", "ingresses", true, {"ing"}, false, true, true, false, kSubdomain, {}},
      {"networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, {}, false, false, true, false, kSubdomain,
       {}},
      {"autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, {"hpa"}, true, true, false,
       false, kSubdomain, {}},
      {"policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, {"pdb"}, false, true, true, false,
       kSubdomain, {}},
      {"rbac.authorization.k8s.io", "v1", "Role", "roles", true, {}, false, false, false, false, kSubdomain, {}},
      {"rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, {}, false, false, false, false,
       kSubdomain, {}},
      {"rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, {}, false, false, false, false,
       kSubdomain, {}},
      {"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, {}, false, false, false,
       false, kSubdomain, {}},
      {"apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false,
       {"crd", "crds"}, false, true, true, false, kSubdomain, {}},
  };
  return table;
}

std::string lower(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

}  // namespace

std::vector<ResourceType> builtin_resource_types() {
  const BuiltinSchemas& schemas = BuiltinSchemas::instance();
  std::vector<ResourceType> types;
  for (const Row& row : rows()) {
    ResourceType type;
    type.group = row.group;
    type.version = row.version;
    type.kind = row.kind;
    type.plural = row.plural;
    type.singular = lower(row.kind);
    type.namespaced = row.namespaced;
    type.short_names = row.short_names;
    if (row.in_category_all) type.categories = {"all"};
    type.has_status = row.has_status;
    type.tracks_generation = row.tracks_generation;
    type.returns_deleted_object = row.returns_deleted_object;
    type.name_rule = row.name_rule;
    type.field_labels = row.field_labels;
    type.schema = schemas.for_kind(type.group, type.version, type.kind);
    types.push_back(std::move(type));
  }
  return types;
}

}  // namespace pier::testing::kube_double
