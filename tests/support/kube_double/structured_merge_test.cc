#include "structured_merge.h"

#include <gtest/gtest.h>

namespace pier::testing::kube_double {
namespace {

const SchemaNode* deployment() {
  const SchemaNode* schema = BuiltinSchemas::instance().for_kind("apps", "v1", "Deployment");
  EXPECT_NE(schema, nullptr);
  return schema ? schema : untyped_schema();
}

nlohmann::json container(const std::string& name, const std::string& image) {
  return {{"name", name}, {"image", image}};
}

nlohmann::json with_containers(nlohmann::json containers) {
  return {{"spec", {{"template", {{"spec", {{"containers", std::move(containers)}}}}}}}};
}

nlohmann::json& containers_of(nlohmann::json& object) { return object["spec"]["template"]["spec"]["containers"]; }

TEST(MergeSchema, ReadsListTypesFromTheOpenApiDocument) {
  const SchemaNode* pod_spec = deployment()->field("spec")->field("template")->field("spec");
  const SchemaNode* containers = pod_spec->field("containers");
  EXPECT_EQ(containers->list_type, SchemaNode::ListType::kMap);
  EXPECT_EQ(containers->keys, std::vector<std::string>{"name"});
  const SchemaNode* ports = containers->item()->field("ports");
  EXPECT_EQ(ports->keys, (std::vector<std::string>{"containerPort", "protocol"}));
  EXPECT_EQ(containers->item()->field("args")->list_type, SchemaNode::ListType::kAtomic);
  EXPECT_EQ(containers->item()->field("volumeMounts")->keys, std::vector<std::string>{"mountPath"});
  EXPECT_TRUE(pod_spec->field("nodeSelector")->atomic);
  const SchemaNode* service = BuiltinSchemas::instance().for_kind("", "v1", "Service");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->field("spec")->field("ports")->keys, (std::vector<std::string>{"port", "protocol"}));
  EXPECT_EQ(deployment()->field("metadata")->field("finalizers")->list_type, SchemaNode::ListType::kSet);
}

TEST(StructuredMerge, FieldSetUsesKeysForListMaps) {
  nlohmann::json applied = with_containers({container("web", "nginx:1")});
  containers_of(applied)[0]["ports"] = {{{"containerPort", 80}}};
  FieldSet set = field_set_of(applied, deployment());
  nlohmann::json expected = nlohmann::json::parse(R"({"f:spec":{"f:template":{"f:spec":{"f:containers":{
    "k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},
      "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}})");
  EXPECT_EQ(set.to_fields_v1(), expected);
}

TEST(StructuredMerge, EmptyMapsAreLeaves) {
  nlohmann::json applied = {{"spec", {{"template", {{"spec", {{"volumes", {{{"name", "tmp"}, {"emptyDir", nlohmann::json::object()}}}}}}}}}}};
  FieldSet set = field_set_of(applied, deployment());
  FieldPath empty_dir = {PathElement::field("spec"), PathElement::field("template"), PathElement::field("spec"),
                         PathElement::field("volumes"), PathElement::key({{"name", "tmp"}}),
                         PathElement::field("emptyDir")};
  EXPECT_TRUE(set.has(empty_dir));
}

TEST(StructuredMerge, MergesListMapsByKeyAndReplacesAtomicLists) {
  nlohmann::json live = with_containers({container("web", "nginx:1"), container("sidecar", "envoy:1")});
  containers_of(live)[0]["args"] = {"-a", "-b"};
  containers_of(live)[0]["env"] = {{{"name", "A"}, {"value", "1"}}};
  nlohmann::json applied = with_containers({container("web", "nginx:2"), container("extra", "busybox")});
  containers_of(applied)[0]["args"] = {"-c"};
  containers_of(applied)[0]["env"] = {{{"name", "B"}, {"value", "2"}}};
  nlohmann::json merged = merge_values(live, applied, deployment());
  const auto& containers = containers_of(merged);
  ASSERT_EQ(containers.size(), 3u);
  EXPECT_EQ(containers[0]["name"], "web");
  EXPECT_EQ(containers[0]["image"], "nginx:2");
  EXPECT_EQ(containers[0]["args"], nlohmann::json({"-c"}));  // atomic: replaced
  EXPECT_EQ(containers[0]["env"].size(), 2u);                // list-map: merged
  EXPECT_EQ(containers[1]["name"], "sidecar");                // live items keep their place
  EXPECT_EQ(containers[2]["name"], "extra");                  // new ones come after
}

TEST(StructuredMerge, NullRemovesAndEmptyMapKeepsLive) {
  nlohmann::json live = {{"metadata", {{"labels", {{"a", "1"}}}, {"annotations", {{"x", "y"}}}}}};
  nlohmann::json applied = {{"metadata", {{"labels", nlohmann::json::object()}, {"annotations", nullptr}}}};
  nlohmann::json merged = merge_values(live, applied, deployment());
  EXPECT_EQ(merged["metadata"]["labels"], nlohmann::json({{"a", "1"}}));
  EXPECT_FALSE(merged["metadata"].contains("annotations"));
}

TEST(StructuredMerge, CompareFindsAddedModifiedRemoved) {
  nlohmann::json before = with_containers({container("web", "nginx:1"), container("old", "x")});
  before["spec"]["replicas"] = 2;
  nlohmann::json after = with_containers({container("web", "nginx:2"), container("new", "y")});
  after["spec"]["paused"] = true;
  Comparison c = compare_values(before, after, deployment());
  auto has = [](const FieldSet& set, const std::string& path) {
    bool found = false;
    set.for_each_member([&](const FieldPath& p) { found = found || to_string(p) == path; });
    return found;
  };
  EXPECT_TRUE(has(c.modified, ".spec.template.spec.containers[name=\"web\"].image"));
  EXPECT_TRUE(has(c.added, ".spec.template.spec.containers[name=\"new\"]"));
  EXPECT_TRUE(has(c.added, ".spec.template.spec.containers[name=\"new\"].image"));
  EXPECT_TRUE(has(c.added, ".spec.paused"));
  EXPECT_TRUE(has(c.removed, ".spec.template.spec.containers[name=\"old\"]"));
  EXPECT_TRUE(has(c.removed, ".spec.replicas"));
  EXPECT_FALSE(has(c.modified, ".spec.template.spec.containers[name=\"web\"].name"));
}

TEST(StructuredMerge, RemoveUnownedKeepsWhatOthersOwn) {
  nlohmann::json object = with_containers({container("web", "nginx:1"), container("sidecar", "envoy:1")});
  object["metadata"]["labels"] = {{"a", "1"}};
  FieldSet remove;
  remove.insert({PathElement::field("metadata"), PathElement::field("labels"), PathElement::field("a")});
  remove.insert({PathElement::field("spec"), PathElement::field("template"), PathElement::field("spec"),
                 PathElement::field("containers"), PathElement::key({{"name", "sidecar"}})});
  remove.insert({PathElement::field("spec"), PathElement::field("template"), PathElement::field("spec"),
                 PathElement::field("containers"), PathElement::key({{"name", "web"}})});
  FieldSet keep;  // someone else owns web's image
  keep.insert({PathElement::field("spec"), PathElement::field("template"), PathElement::field("spec"),
               PathElement::field("containers"), PathElement::key({{"name", "web"}}), PathElement::field("image")});
  remove_unowned(object, remove, keep, deployment());
  EXPECT_FALSE(object["metadata"].contains("labels"));  // emptied by the removal: gone too
  ASSERT_EQ(containers_of(object).size(), 1u);
  EXPECT_EQ(containers_of(object)[0]["name"], "web");
}

TEST(StructuredMerge, DuplicateKeysAreRejected) {
  nlohmann::json applied = with_containers({container("web", "a"), container("web", "b")});
  auto checked = check_list_keys(applied, deployment());
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, 400);
}

}  // namespace
}  // namespace pier::testing::kube_double
