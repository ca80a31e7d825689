#include "manifest/apply_order.h"

#include <array>

namespace pier::manifest {

namespace {

constexpr std::array<std::string_view, 37> kOrder = {
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PriorityClass",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "Gateway",
    "HTTPRoute",
    "APIService",
    "EndpointSlice",
    "Lease",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
};

}  // namespace

int apply_rank(std::string_view kind) {
  for (size_t i = 0; i < kOrder.size(); ++i)
    if (kOrder[i] == kind) return static_cast<int>(i);
  return static_cast<int>(kOrder.size());
}

}  // namespace pier::manifest
