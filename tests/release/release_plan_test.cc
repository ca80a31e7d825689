#include "release/release_plan.h"

#include <gtest/gtest.h>

#include "release_test_support.h"

namespace pier::release {
namespace {

using namespace testing;

const ReleaseRef kRelease{"shop", "web"};

json deployment(const std::string& ns = "shop") { return object("apps/v1", "Deployment", ns, "web"); }
json service(const std::string& ns = "shop") { return object("v1", "Service", ns, "web"); }
json hpa(const std::string& api_version = "autoscaling/v2") {
  return object(api_version, "HorizontalPodAutoscaler", "shop", "web");
}
json ingress() { return object("networking.k8s.io/v1", "Ingress", "shop", "web"); }
json namespace_object(const std::string& name) { return object("v1", "Namespace", "", name); }

TEST(ReleasePlan, AppliesInDependencyOrder) {
  auto next = set_of({ingress(), hpa(), deployment(), service(), config_map("web"), namespace_object("shop"),
                      object("v1", "Secret", "shop", "web")});
  ReleasePlan plan = plan_release(kRelease, {}, next);
  EXPECT_EQ(kinds_of(plan.apply), (std::vector<std::string>{"Namespace", "Secret", "ConfigMap", "Service",
                                                            "Deployment", "HorizontalPodAutoscaler", "Ingress"}));
  EXPECT_TRUE(plan.remove.empty());
  EXPECT_EQ(plan.release, kRelease);
}

TEST(ReleasePlan, KeepsTheRendersOrderWithinAKind) {
  auto next = set_of({config_map("b"), config_map("a"), config_map("c")});
  ReleasePlan plan = plan_release(kRelease, {}, next);
  ASSERT_EQ(plan.apply.size(), 3u);
  EXPECT_EQ(plan.apply[0].key.name, "b");
  EXPECT_EQ(plan.apply[2].key.name, "c");
}

TEST(ReleasePlan, RemovesWhatOnlyThePreviousRevisionHadInReverseOrder) {
  auto previous = set_of({config_map("web"), service(), deployment(), hpa(), ingress()});
  auto next = set_of({config_map("web"), deployment()});
  ReleasePlan plan = plan_release(kRelease, previous, next);
  EXPECT_EQ(kinds_of(plan.apply), (std::vector<std::string>{"ConfigMap", "Deployment"}));
  EXPECT_EQ(kinds_of(plan.remove), (std::vector<std::string>{"Ingress", "HorizontalPodAutoscaler", "Service"}));
}

TEST(ReleasePlan, AnotherApiVersionOfTheSameKindIsTheSameObject) {
  ReleasePlan plan = plan_release(kRelease, set_of({hpa("autoscaling/v1")}), set_of({hpa("autoscaling/v2")}));
  EXPECT_TRUE(plan.remove.empty());
  ASSERT_EQ(plan.apply.size(), 1u);
  EXPECT_EQ(plan.apply[0].object["apiVersion"], "autoscaling/v2");
}

TEST(ReleasePlan, NeverRemovesANamespaceTheNewRevisionStillUses) {
  auto previous = set_of({namespace_object("shop"), config_map("web")});
  auto next = set_of({config_map("web")});
  ReleasePlan plan = plan_release(kRelease, previous, next);
  EXPECT_TRUE(plan.remove.empty());
}

TEST(ReleasePlan, AnObjectThatMovedNamespaceIsRemovedThereAndAppliedHere) {
  auto previous = set_of({namespace_object("old"), config_map("web", "old"), deployment("old")});
  auto next = set_of({config_map("web", "new"), deployment("new")});
  ReleasePlan plan = plan_release({"new", "web"}, previous, next);
  ASSERT_EQ(plan.apply.size(), 2u);
  EXPECT_EQ(plan.apply[0].key.namespace_name, "new");
  ASSERT_EQ(plan.remove.size(), 3u);
  EXPECT_EQ(plan.remove[0].key.display(), "Deployment old/web");
  EXPECT_EQ(plan.remove[1].key.display(), "ConfigMap old/web");
  EXPECT_EQ(plan.remove[2].key.display(), "Namespace old");  // last: it held the others
}

TEST(ReleasePlan, AnUnchangedSetRemovesNothing) {
  auto set = set_of({config_map("web"), deployment()});
  ReleasePlan plan = plan_release(kRelease, set, set);
  EXPECT_EQ(plan.apply.size(), 2u);
  EXPECT_TRUE(plan.remove.empty());
}

}  // namespace
}  // namespace pier::release
