#include "console_client/diff_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pier::console_client {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// One changed value, one changed Deployment, one added Service, one unchanged ConfigMap.
const json kDiff = json::parse(R"({
  "values": {"changed_paths": ["/jetty/replicas"],
             "diff": "--- revision 3\n+++ revision 4\n@@ -2 +2 @@\n-  replicas: 2\n+  replicas: 4\n"},
  "objects": [
    {"object": {"group": "apps", "kind": "Deployment", "namespace": "shop", "name": "web"},
     "display": "Deployment shop/web", "change": "changed",
     "diff": "--- live\n+++ revision 4\n@@ -6 +6 @@\n-  replicas: 2\n+  replicas: 4\n", "note": ""},
    {"object": {"group": "", "kind": "Service", "namespace": "shop", "name": "web"},
     "display": "Service shop/web", "change": "added", "diff": "+++ revision 4\n+kind: Service\n", "note": ""},
    {"object": {"group": "", "kind": "ConfigMap", "namespace": "shop", "name": "web"},
     "display": "ConfigMap shop/web", "change": "unchanged", "diff": "", "note": ""}],
  "counts": {"added": 1, "changed": 1, "removed": 0, "unchanged": 1}})");

TEST(DiffText, CountsValuesAndEachChangedObject) {
  EXPECT_EQ(format_diff(kDiff, {}),
            "objects: 1 added, 1 changed, 0 removed, 1 unchanged\n"
            "values: /jetty/replicas\n"
            "--- revision 3\n+++ revision 4\n@@ -2 +2 @@\n-  replicas: 2\n+  replicas: 4\n"
            "\n"
            "changed: Deployment shop/web\n"
            "--- live\n+++ revision 4\n@@ -6 +6 @@\n-  replicas: 2\n+  replicas: 4\n"
            "\n"
            "added: Service shop/web\n"
            "+++ revision 4\n+kind: Service\n");
}

TEST(DiffText, NothingChanged) {
  json diff = {{"values", {{"changed_paths", json::array()}, {"diff", ""}}},
               {"objects",
                {{{"object", {{"kind", "Service"}, {"namespace", "shop"}, {"name", "web"}}},
                  {"display", "Service shop/web"},
                  {"change", "unchanged"},
                  {"diff", ""}}}},
               {"counts", {{"added", 0}, {"changed", 0}, {"removed", 0}, {"unchanged", 1}}}};
  EXPECT_EQ(format_diff(diff, {}), "objects: 0 added, 0 changed, 0 removed, 1 unchanged\nvalues: unchanged\n");
}

TEST(DiffText, NotesAndObjectsWithoutDisplay) {
  json diff = {{"objects",
                {{{"object", {{"kind", "Namespace"}, {"namespace", ""}, {"name", "shop"}}},
                  {"change", "removed"},
                  {"diff", "-kind: Namespace\n"},
                  {"note", "kept: other releases use it"}}}}};
  std::string text = format_diff(diff, {});
  EXPECT_THAT(text, HasSubstr("objects: 0 added, 0 changed, 0 removed, 0 unchanged\n"));
  EXPECT_THAT(text, HasSubstr("\nremoved: Namespace shop\n  (kept: other releases use it)\n-kind: Namespace\n"));
}

TEST(DiffText, AnythingElseDoesNotThrow) {
  EXPECT_EQ(format_diff(json("not a diff"), {}),
            "objects: 0 added, 0 changed, 0 removed, 0 unchanged\nvalues: unchanged\n");
  EXPECT_NO_THROW(format_diff(json::parse(R"({"values": 3, "objects": {"a": 1}, "counts": []})"), {}));
}

TEST(DiffText, ColourOnlyWhenAsked) {
  std::string coloured = format_diff(kDiff, TextStyle{.color = true});
  EXPECT_THAT(coloured, HasSubstr("\x1b[32m+  replicas: 4\x1b[0m"));
  EXPECT_THAT(coloured, HasSubstr("\x1b[31m-  replicas: 2\x1b[0m"));
  EXPECT_THAT(format_diff(kDiff, {}), Not(HasSubstr("\x1b[")));
}

}  // namespace
}  // namespace pier::console_client
