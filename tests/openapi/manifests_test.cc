// Manifests as a kubectl user writes them validate without a problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::openapi {
namespace {

using testing::builtin_problems;
using testing::load_manifest;
using ::testing::IsEmpty;

class ValidManifestTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ValidManifestTest, HasNoProblems) {
  EXPECT_THAT(builtin_problems(load_manifest(GetParam())), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Kinds, ValidManifestTest,
                         ::testing::Values("namespace.json", "deployment.json", "service.json", "ingress.json",
                                           "configmap.json", "hpa.json", "statefulset.json", "pdb.json",
                                           "secret.json", "cronjob.json"),
                         [](const auto& info) {
                           std::string name = info.param;
                           return name.substr(0, name.find('.'));
                         });

TEST(ValidManifestTest, ServerSideFieldsAreAccepted) {
  // What `kubectl get -o json` returns: status, managedFields (FieldsV1 takes
  // any object), timestamps.
  auto d = load_manifest("deployment.json");
  d["metadata"]["uid"] = "0b5c1c5e-8d7e-4c1b-9a55-1f2e3d4c5b6a";
  d["metadata"]["resourceVersion"] = "12345";
  d["metadata"]["generation"] = 4;
  d["metadata"]["creationTimestamp"] = "2025-01-02T03:04:05Z";
  d["metadata"]["managedFields"] = R"([{"manager": "kubectl", "operation": "Apply", "apiVersion": "apps/v1",
    "time": "2025-01-02T03:04:05Z", "fieldsType": "FieldsV1",
    "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"k:{\"name\":\"web\"}": {".": {}}}}}}}])"_json;
  d["status"] = R"({"replicas": 3, "readyReplicas": 3, "observedGeneration": 4,
    "conditions": [{"type": "Available", "status": "True", "lastUpdateTime": "2025-01-02T03:04:05Z"}]})"_json;
  EXPECT_THAT(builtin_problems(d), IsEmpty());
}

TEST(ValidManifestTest, ControllerRevisionTakesAnyRawExtension) {
  auto rev = R"({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "r"}, "revision": 2,
    "data": {"spec": {"template": {"anything": [1, "two", null]}}}})"_json;
  EXPECT_THAT(builtin_problems(rev), IsEmpty());
}

TEST(ValidManifestTest, CustomResourceDefinitionSchemasAreFreeForm) {
  auto crd = R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced",
      "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
      "versions": [{"name": "v1", "served": true, "storage": true,
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                   "properties": {"size": {"type": "integer", "default": 3, "minimum": 1}},
                   "required": ["size"]}}}}}]}})"_json;
  EXPECT_THAT(builtin_problems(crd), IsEmpty());
}

}  // namespace
}  // namespace pier::openapi
