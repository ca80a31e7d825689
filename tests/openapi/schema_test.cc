#include "openapi/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "test_util.h"

namespace pier::openapi {
namespace {

using testing::builtin_problems;
using testing::load_manifest;
using testing::problems_of;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using json = nlohmann::json;

TEST(SchemaTest, BuiltinVersion) { EXPECT_EQ(Schema::builtin().version(), "v1.35.0"); }

TEST(SchemaTest, FindKind) {
  const Schema& s = Schema::builtin();
  auto deployment = s.find_kind("apps/v1", "Deployment");
  ASSERT_TRUE(deployment);
  EXPECT_EQ(deployment->definition, "io.k8s.api.apps.v1.Deployment");
  EXPECT_TRUE(deployment->namespaced);
  EXPECT_EQ(deployment->group, "apps");
  EXPECT_EQ(deployment->version, "v1");
  EXPECT_EQ(deployment->kind, "Deployment");

  auto service = s.find_kind("v1", "Service");
  ASSERT_TRUE(service);
  EXPECT_EQ(service->definition, "io.k8s.api.core.v1.Service");
  EXPECT_EQ(service->group, "");
  EXPECT_TRUE(service->namespaced);

  for (auto [api_version, kind] : {std::pair{"v1", "Namespace"}, {"v1", "Node"}, {"v1", "PersistentVolume"},
                                   {"networking.k8s.io/v1", "IngressClass"},
                                   {"rbac.authorization.k8s.io/v1", "ClusterRole"},
                                   {"apiextensions.k8s.io/v1", "CustomResourceDefinition"}}) {
    auto k = s.find_kind(api_version, kind);
    ASSERT_TRUE(k) << kind;
    EXPECT_FALSE(k->namespaced) << kind;
  }
  for (auto [api_version, kind] : {std::pair{"v1", "ConfigMap"}, {"autoscaling/v2", "HorizontalPodAutoscaler"},
                                   {"networking.k8s.io/v1", "Ingress"}, {"policy/v1", "PodDisruptionBudget"},
                                   {"rbac.authorization.k8s.io/v1", "RoleBinding"}}) {
    auto k = s.find_kind(api_version, kind);
    ASSERT_TRUE(k) << kind;
    EXPECT_TRUE(k->namespaced) << kind;
  }
  EXPECT_FALSE(s.find_kind("apps/v1", "Deploymnt"));
  EXPECT_FALSE(s.find_kind("apps/v2", "Deployment"));
  EXPECT_FALSE(s.find_kind("", "Deployment"));
  EXPECT_FALSE(s.find_kind("/v1", "Service"));
  EXPECT_FALSE(s.find_kind("apps/v1/x", "Deployment"));
  EXPECT_FALSE(s.find_kind("extensions/v1beta1", "Ingress"));
}

TEST(SchemaTest, UnknownKind) {
  auto d = load_manifest("deployment.json");
  d["kind"] = "Deploymnt";
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("kind: no kind \"Deploymnt\" in apps/v1 (did you mean \"Deployment\"?); known kinds in "
                          "apps/v1: ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet"));
}

TEST(SchemaTest, UnknownVersion) {
  auto d = load_manifest("deployment.json");
  d["apiVersion"] = "apps/v2";
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("kind: no kind \"Deployment\" in apps/v2: version \"v2\" of group \"apps\" is unknown; known "
                          "versions: v1; kind \"Deployment\" is served as apiVersion apps/v1"));
  auto hpa = load_manifest("hpa.json");
  hpa["apiVersion"] = "autoscaling/v2beta2";
  EXPECT_THAT(builtin_problems(hpa),
              ElementsAre("kind: no kind \"HorizontalPodAutoscaler\" in autoscaling/v2beta2: version \"v2beta2\" of "
                          "group \"autoscaling\" is unknown; known versions: v1, v2; kind \"HorizontalPodAutoscaler\" is "
                          "served as apiVersion autoscaling/v1, autoscaling/v2"));
}

TEST(SchemaTest, RemovedApiVersion) {
  auto ing = load_manifest("ingress.json");
  ing["apiVersion"] = "extensions/v1beta1";
  EXPECT_THAT(builtin_problems(ing),
              ElementsAre("kind: no kind \"Ingress\" in extensions/v1beta1: API group \"extensions\" is not in the "
                          "OpenAPI document (v1.35.0); for a custom resource, validate against the cluster's "
                          "/openapi/v2; kind \"Ingress\" is served as apiVersion networking.k8s.io/v1"));
}

TEST(SchemaTest, CustomResourceAbsentFromBuiltin) {
  json cert = {{"apiVersion", "cert-manager.io/v1"},
               {"kind", "Certificate"},
               {"metadata", {{"name", "web"}}},
               {"spec", {{"secretName", "web-tls"}}}};
  EXPECT_THAT(builtin_problems(cert),
              ElementsAre("kind: no kind \"Certificate\" in cert-manager.io/v1: API group \"cert-manager.io\" is not "
                          "in the OpenAPI document (v1.35.0); for a custom resource, validate against the cluster's "
                          "/openapi/v2"));
}

TEST(SchemaTest, ApiVersionAndKindMustBeStrings) {
  EXPECT_THAT(builtin_problems(json{{"metadata", {{"name", "x"}}}}),
              ElementsAre("apiVersion: required field missing", "kind: required field missing"));
  EXPECT_THAT(builtin_problems(json{{"apiVersion", 1}, {"kind", "Service"}}),
              ElementsAre("apiVersion: expected string, got integer 1"));
  EXPECT_THAT(builtin_problems(json{{"apiVersion", "v1"}, {"kind", nullptr}}),
              ElementsAre("kind: required field missing"));
  EXPECT_THAT(builtin_problems(json::array()), ElementsAre("expected an object with apiVersion and kind, got array"));
  EXPECT_THAT(builtin_problems(json{{"apiVersion", "v1/"}, {"kind", "Service"}}),
              ElementsAre("kind: no kind \"Service\" in v1/: apiVersion must be \"group/version\", or \"version\" for "
                          "the core group; kind \"Service\" is served as apiVersion v1"));
}

TEST(SchemaTest, ProblemToString) {
  EXPECT_EQ(to_string(Problem{"spec.replicas", "expected integer"}), "spec.replicas: expected integer");
  EXPECT_EQ(to_string(Problem{"", "expected an object"}), "expected an object");
}

// A hand-written document: one namespaced custom kind, one cluster-scoped.
json small_document() {
  return R"({
    "swagger": "2.0",
    "info": {"title": "test", "version": "v0.1.0"},
    "paths": {
      "/apis/example.com/v1/namespaces/{namespace}/widgets": {
        "get": {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Widget"}}},
      "/apis/example.com/v1/gadgets": {
        "post": {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Gadget"}}}
    },
    "definitions": {
      "com.example.v1.Widget": {
        "type": "object",
        "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Widget"}],
        "required": ["spec"],
        "properties": {
          "apiVersion": {"type": "string"},
          "kind": {"type": "string"},
          "metadata": {"$ref": "#/definitions/meta.ObjectMeta"},
          "spec": {
            "type": "object",
            "required": ["size"],
            "properties": {
              "size": {"type": "integer", "format": "int32"},
              "port": {"x-kubernetes-int-or-string": true},
              "memory": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity"},
              "tags": {"type": "array", "items": {"type": "string"}},
              "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
              "limits": {"type": "object", "additionalProperties": {"type": "number"}},
              "closed": {"type": "object", "additionalProperties": false},
              "anything": {}
            }
          }
        }
      },
      "com.example.v1.Gadget": {
        "type": "object",
        "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Gadget"}],
        "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "on": {"type": "boolean"}}
      },
      "meta.ObjectMeta": {"type": "object", "properties": {"name": {"type": "string"},
                                                          "labels": {"type": "object", "additionalProperties": {"type": "string"}}}},
      "io.k8s.apimachinery.pkg.api.resource.Quantity": {"type": "string"}
    }
  })"_json;
}

TEST(SchemaTest, FromJson) {
  auto schema = Schema::from_json(small_document());
  ASSERT_TRUE(schema) << schema.error().message;
  EXPECT_EQ(schema->version(), "v0.1.0");
  auto widget = schema->find_kind("example.com/v1", "Widget");
  ASSERT_TRUE(widget);
  EXPECT_EQ(widget->definition, "com.example.v1.Widget");
  EXPECT_TRUE(widget->namespaced);
  auto gadget = schema->find_kind("example.com/v1", "Gadget");
  ASSERT_TRUE(gadget);
  EXPECT_FALSE(gadget->namespaced);
  EXPECT_FALSE(schema->find_kind("apps/v1", "Deployment"));

  json good = R"({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "labels": {"a": "b"}},
    "spec": {"size": 3, "port": "http", "memory": "1Gi", "tags": ["x"], "extra": {"free": [1, {"form": true}]},
             "limits": {"a": 1.5, "b": 2}, "closed": {}, "anything": [null]}})"_json;
  EXPECT_THAT(problems_of(*schema, good), IsEmpty());

  json bad = R"({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"nam": "w"},
    "spec": {"port": 1.5, "memory": "1 Gi", "tags": "x", "limits": {"a": "1"}, "closed": {"k": 1}}})"_json;
  EXPECT_THAT(problems_of(*schema, bad),
              ElementsAre("metadata.nam: unknown field \"nam\" (did you mean \"name\"?)",
                          "spec.closed.k: unknown field \"k\"",
                          "spec.limits.a: expected number, got string \"1\"",
                          "spec.memory: invalid quantity \"1 Gi\": expected a number with an optional suffix (Ki, Mi, "
                          "Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E or an exponent)",
                          "spec.port: expected integer or string, got number 1.5",
                          "spec.tags: expected array, got string \"x\"",
                          "spec.size: required field missing"));

  EXPECT_THAT(problems_of(*schema, json{{"apiVersion", "example.com/v1"}, {"kind", "Widget"}}),
              ElementsAre("spec: required field missing"));
  EXPECT_THAT(problems_of(*schema, json{{"apiVersion", "example.com/v1"}, {"kind", "Gizmo"}}),
              ElementsAre("kind: no kind \"Gizmo\" in example.com/v1; known kinds in example.com/v1: Gadget, Widget"));
}

TEST(SchemaTest, FromJsonRejectsWhatItCannotUse) {
  auto not_object = Schema::from_json(json::array());
  ASSERT_FALSE(not_object);
  EXPECT_EQ(not_object.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(not_object.error().message, "an OpenAPI document must be a JSON object");

  auto v3 = Schema::from_json(json{{"openapi", "3.0.0"}, {"components", json::object()}});
  ASSERT_FALSE(v3);
  EXPECT_THAT(v3.error().message, HasSubstr("OpenAPI v3"));

  auto no_definitions = Schema::from_json(json{{"swagger", "2.0"}});
  ASSERT_FALSE(no_definitions);
  EXPECT_EQ(no_definitions.error().message, "not an OpenAPI v2 document: no \"definitions\" object");

  auto dangling = Schema::from_json(
      R"({"definitions": {"a.A": {"type": "object", "properties": {"b": {"$ref": "#/definitions/a.B"}}}}})"_json);
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().message,
            "definitions[\"a.A\"].properties.b: $ref \"#/definitions/a.B\" names no definition");
}

class SchemaFileTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& text) {
    auto path = std::filesystem::path(::testing::TempDir()) / name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(SchemaFileTest, BrokenJsonGivesLineAndColumn) {
  auto path = write("broken-openapi.json", "{\n  \"definitions\": {\n    \"a\": {,}\n  }\n}\n");
  auto schema = Schema::from_file(path);
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(schema.error().message, ::testing::StartsWith(path.string() + ":3:11: invalid JSON: syntax error"));
}

TEST_F(SchemaFileTest, NumberTooLarge) {
  auto path = write("huge-number.json", "{\"definitions\": {}, \"x\": 1e999}");
  auto schema = Schema::from_file(path);
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().message, path.string() + ": invalid JSON: number overflow parsing '1e999'");
}

TEST_F(SchemaFileTest, MissingFile) {
  auto schema = Schema::from_file("/nonexistent/openapi.json");
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().code, ErrorCode::kNotFound);
}

TEST_F(SchemaFileTest, NotADocumentNamesTheFile) {
  auto path = write("not-openapi.json", "{\"hello\": 1}");
  auto schema = Schema::from_file(path);
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().message, path.string() + ": not an OpenAPI v2 document: no \"definitions\" object");
}

TEST_F(SchemaFileTest, LoadsTheKubernetesDocumentLikeTheBuiltin) {
  auto schema = Schema::from_file(std::string(PIER_SOURCE_DIR) + "/data/k8s-openapi/swagger-v1.35.0.json");
  ASSERT_TRUE(schema) << schema.error().message;
  EXPECT_EQ(schema->version(), "v1.35.0");  // info.version is "unversioned": taken from the file name
  auto d = load_manifest("deployment.json");
  EXPECT_THAT(problems_of(*schema, d), IsEmpty());
  d["spec"]["replicas"] = "3";
  d["kind"] = "Deploymnt";
  EXPECT_EQ(problems_of(*schema, d), builtin_problems(d));
  d["kind"] = "Deployment";
  EXPECT_EQ(problems_of(*schema, d), builtin_problems(d));
  EXPECT_EQ(schema->find_kind("v1", "Pod")->namespaced, true);
}

TEST(SchemaTest, SharedAcrossThreads) {
  auto bad = load_manifest("deployment.json");
  bad["spec"]["replicas"] = "3";
  const auto expected = builtin_problems(bad);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (builtin_problems(bad) != expected) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace pier::openapi
