#include "selectors.h"

#include <gtest/gtest.h>

namespace pier::testing::kube_double {
namespace {

LabelMap labels(std::initializer_list<std::pair<std::string, std::string>> entries) {
  LabelMap out(entries);
  std::sort(out.begin(), out.end());
  return out;
}

bool matches(const std::string& selector, const LabelMap& object) {
  auto parsed = LabelSelector::parse(selector);
  EXPECT_TRUE(parsed.has_value()) << selector;
  return parsed && parsed->matches(object);
}

TEST(LabelSelector, EqualityForms) {
  LabelMap web = labels({{"app", "web"}, {"tier", "front"}});
  EXPECT_TRUE(matches("app=web", web));
  EXPECT_TRUE(matches("app==web", web));
  EXPECT_TRUE(matches("app = web , tier=front", web));
  EXPECT_FALSE(matches("app=db", web));
  EXPECT_TRUE(matches("app!=db", web));
  EXPECT_FALSE(matches("app!=web", web));
  // != also matches objects without the label, as the real server does.
  EXPECT_TRUE(matches("canary!=true", web));
}

TEST(LabelSelector, SetBasedForms) {
  LabelMap web = labels({{"app", "web"}, {"tier", "front"}});
  EXPECT_TRUE(matches("tier in (front, back)", web));
  EXPECT_FALSE(matches("tier in (back)", web));
  EXPECT_TRUE(matches("tier notin (back)", web));
  EXPECT_TRUE(matches("missing notin (x)", web));
  EXPECT_FALSE(matches("tier notin (front)", web));
  EXPECT_TRUE(matches("app", web));
  EXPECT_FALSE(matches("!app", web));
  EXPECT_TRUE(matches("!canary", web));
  EXPECT_TRUE(matches("app,!canary,tier in (front)", web));
}

TEST(LabelSelector, NumericComparisons) {
  LabelMap object = labels({{"weight", "5"}});
  EXPECT_TRUE(matches("weight>3", object));
  EXPECT_FALSE(matches("weight<3", object));
  EXPECT_FALSE(matches("missing>3", object));
}

TEST(LabelSelector, EmptyMatchesEverything) {
  auto parsed = LabelSelector::parse("");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->empty());
  EXPECT_TRUE(parsed->matches({}));
}

TEST(LabelSelector, MalformedIsBadRequest) {
  for (const char* bad : {"app in (a", "app in ()", "=web", "app=web,", "app=we b", "a b", "weight>x"}) {
    auto parsed = LabelSelector::parse(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, 400) << bad;
    EXPECT_EQ(parsed.error().reason, "BadRequest");
  }
}

TEST(FieldSelector, NameAndNamespace) {
  ResourceType type;
  type.kind = "Pod";
  type.field_labels = {"status.phase"};
  nlohmann::json pod = {{"metadata", {{"name", "a"}, {"namespace", "web"}}}, {"status", {{"phase", "Running"}}}};
  FieldMap fields = fields_of(pod, type);
  auto check = [&](const char* text) {
    auto parsed = FieldSelector::parse(text, type);
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed && parsed->matches(fields);
  };
  EXPECT_TRUE(check("metadata.name=a"));
  EXPECT_TRUE(check("metadata.name==a,metadata.namespace=web"));
  EXPECT_FALSE(check("metadata.name!=a"));
  EXPECT_TRUE(check("status.phase=Running"));
  EXPECT_TRUE(check(""));
}

TEST(FieldSelector, UnsupportedFieldIsBadRequest) {
  ResourceType type;
  auto parsed = FieldSelector::parse("spec.replicas=3", type);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, 400);
  EXPECT_NE(parsed.error().message.find("spec.replicas"), std::string::npos);
}

}  // namespace
}  // namespace pier::testing::kube_double
