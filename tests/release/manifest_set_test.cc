#include "release/manifest_set.h"

#include <gtest/gtest.h>

#include "catalog/render.h"
#include "release_test_support.h"

namespace pier::release {
namespace {

using namespace testing;

TEST(ObjectKey, IsGroupKindNamespaceAndName) {
  ObjectKey key = ObjectKey::of(object("autoscaling/v2", "HorizontalPodAutoscaler", "shop", "web"));
  EXPECT_EQ(key, (ObjectKey{"autoscaling", "HorizontalPodAutoscaler", "shop", "web"}));
  EXPECT_EQ(key.display(), "HorizontalPodAutoscaler shop/web");
  EXPECT_EQ(ObjectKey::of(object("v1", "Namespace", "", "shop")).display(), "Namespace shop");
  EXPECT_EQ(ObjectKey::of(object("v1", "Service", "a", "x")).group, "");
}

TEST(ManifestSet, FromARenderKeepsItsOrderAndOrigins) {
  catalog::RenderRequest request{.release_name = "web", .namespace_name = "shop"};
  request.values.push_back(jetty_sample());
  auto rendered = catalog::render_release(jetty(), request, openapi::Schema::builtin());
  ASSERT_TRUE(rendered) << rendered.error().describe();
  ManifestSet set = ManifestSet::from_rendered(*rendered);
  EXPECT_EQ(kinds_of(set.objects()), (std::vector<std::string>{"ConfigMap", "ConfigMap", "Service", "Deployment",
                                                               "HorizontalPodAutoscaler", "Ingress"}));
  EXPECT_EQ(set.objects()[0].origin, "jetty/templates/10-configmap.yaml.j2");
  EXPECT_TRUE(set.contains({"apps", "Deployment", "shop", "web"}));
  EXPECT_FALSE(set.contains({"apps", "Deployment", "other", "web"}));
}

TEST(ManifestSet, TheStoredStreamReadsBackToTheSameText) {
  ManifestSet set = set_of({config_map("a"), object("apps/v1", "Deployment", "shop", "web")});
  std::string text = set.to_yaml();
  EXPECT_TRUE(text.starts_with("---\n# Source: test/ConfigMap\n")) << text;
  auto again = ManifestSet::from_yaml(text, "stored");
  ASSERT_TRUE(again) << again.error().describe();
  ASSERT_EQ(again->size(), 2u);
  EXPECT_EQ(again->objects()[1].origin, "test/Deployment");
  EXPECT_EQ(again->objects()[1].object, set.objects()[1].object);
  EXPECT_EQ(again->to_yaml(), text);
}

TEST(ManifestSet, AStreamWithoutCommentsOrWithAListHasNoOrigins) {
  auto plain = ManifestSet::from_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: s}\n", "x.yaml");
  ASSERT_TRUE(plain) << plain.error().describe();
  EXPECT_EQ(plain->objects()[0].origin, "");
  auto list = ManifestSet::from_yaml(
      R"({"apiVersion": "v1", "kind": "List", "items": [
           {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "s"}},
           {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "s"}}]})",
      "list.json");
  ASSERT_TRUE(list) << list.error().describe();
  EXPECT_EQ(list->size(), 2u);
}

TEST(ManifestSet, TheSameObjectTwiceIsAnError) {
  auto set = ManifestSet::from_yaml("---\n# Source: a\n" + std::string("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: s\n") +
                                        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: s\n",
                                    "dup.yaml");
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, ErrorCode::kInvalidInput);
  ASSERT_EQ(set.error().details.size(), 1u);
  EXPECT_EQ(set.error().details[0].location, "ConfigMap s/a");
}

TEST(ManifestSet, BrokenYamlIsAnErrorWithItsPosition) {
  auto set = ManifestSet::from_yaml("a: [\n", "stored.yaml");
  ASSERT_FALSE(set);
  EXPECT_NE(set.error().message.find("stored.yaml"), std::string::npos) << set.error().message;
}

}  // namespace
}  // namespace pier::release
