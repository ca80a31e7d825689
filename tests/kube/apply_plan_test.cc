#include "kube/apply_plan.h"

#include <gtest/gtest.h>

namespace pier::kube {
namespace {

using nlohmann::json;

Result<ResourceInfo> fake_discovery(const GroupVersionKind& gvk) {
  static const std::map<std::string, std::pair<std::string, bool>> known = {
      {"Namespace", {"namespaces", false}}, {"ConfigMap", {"configmaps", true}},
      {"Service", {"services", true}},      {"Deployment", {"deployments", true}},
      {"Ingress", {"ingresses", true}},     {"HorizontalPodAutoscaler", {"horizontalpodautoscalers", true}},
      {"IngressClass", {"ingressclasses", false}}};
  auto it = known.find(gvk.kind);
  if (it == known.end()) return fail(Error::not_found("the server does not serve " + gvk.api_version() + " " + gvk.kind));
  ResourceInfo info;
  info.gvk = gvk;
  info.resource = it->second.first;
  info.namespaced = it->second.second;
  return info;
}

json object(const char* api_version, const char* kind, const char* name, const char* ns = nullptr) {
  json o = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (ns) o["metadata"]["namespace"] = ns;
  return o;
}

TEST(ApplyPlan, OrdersByDependencyAndFillsTheNamespace) {
  auto plan = plan_apply({object("autoscaling/v2", "HorizontalPodAutoscaler", "web"), object("apps/v1", "Deployment", "web"),
                          object("v1", "Service", "web", "other"), object("v1", "Namespace", "shop"),
                          object("v1", "ConfigMap", "web")},
                         "shop", fake_discovery);
  ASSERT_TRUE(plan) << plan.error().describe();
  std::vector<std::string> names;
  for (const auto& step : plan->steps) names.push_back(step.display);
  EXPECT_EQ(names, (std::vector<std::string>{"namespace/shop", "configmap/web", "service/web", "deployment.apps/web",
                                             "horizontalpodautoscaler.autoscaling/web"}));
  EXPECT_FALSE(plan->steps[0].object["metadata"].contains("namespace"));
  EXPECT_EQ(plan->steps[1].object["metadata"]["namespace"], "shop");
  EXPECT_EQ(plan->steps[2].object["metadata"]["namespace"], "other");  // an explicit namespace is kept
}

TEST(ApplyPlan, ListsEveryBadObject) {
  auto plan = plan_apply({json::array(), object("v1", "ConfigMap", ""), object("v1", "Namespace", "x", "shop"),
                          object("example.com/v1", "Widget", "w"), object("v1", "ConfigMap", "a"),
                          object("v1", "ConfigMap", "a", "shop")},
                         "shop", fake_discovery);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalidInput);
  std::string all = plan.error().describe();
  EXPECT_NE(all.find("object 1: must be a mapping"), std::string::npos) << all;
  EXPECT_NE(all.find("object 2: needs apiVersion, kind and metadata.name"), std::string::npos) << all;
  EXPECT_NE(all.find("Namespace is cluster-scoped"), std::string::npos) << all;
  EXPECT_NE(all.find("does not serve example.com/v1 Widget"), std::string::npos) << all;
  EXPECT_NE(all.find("object 6 (ConfigMap shop/a): the same object appears twice"), std::string::npos) << all;
}

TEST(ApplyPlan, PrunesOnlyWhatThisManagerAppliedAndNoLongerHas) {
  auto plan = plan_apply({object("v1", "ConfigMap", "keep")}, "shop", fake_discovery);
  ASSERT_TRUE(plan);
  auto live = [](const char* kind, const char* name, const char* manager, const char* operation) {
    json o = object(kind == std::string("Deployment") ? "apps/v1" : "v1", kind, name, "shop");
    o["metadata"]["managedFields"] = json::array({{{"manager", manager}, {"operation", operation}}});
    return o;
  };
  auto prune = prune_candidates(*plan,
                                {live("ConfigMap", "keep", "pier", "Apply"), live("ConfigMap", "gone", "pier", "Apply"),
                                 live("Deployment", "gone", "pier", "Apply"),
                                 live("ConfigMap", "someone-elses", "kubectl", "Apply"),
                                 live("ConfigMap", "updated-not-applied", "pier", "Update")},
                                "pier");
  ASSERT_EQ(prune.size(), 2u);
  // Reverse dependency order: the Deployment before the ConfigMap it reads.
  EXPECT_EQ(prune[0]["kind"], "Deployment");
  EXPECT_EQ(prune[1]["metadata"]["name"], "gone");
}

}  // namespace
}  // namespace pier::kube
