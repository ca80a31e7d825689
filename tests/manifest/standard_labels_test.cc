#include "manifest/standard_labels.h"

#include <gtest/gtest.h>

namespace pier::manifest {
namespace {

using nlohmann::json;

TEST(StandardLabels, AddedBesideTheTemplatesOwn) {
  json o = json::parse(R"({"kind": "Service", "metadata": {"name": "x", "labels": {"tier": "web", "app.kubernetes.io/name": "wrong"}}})");
  add_standard_labels(o, {"jetty", "shop-web", "1.2.0"});
  EXPECT_EQ(o["metadata"]["labels"], json::parse(R"({"tier": "web", "app.kubernetes.io/name": "jetty",
      "app.kubernetes.io/instance": "shop-web", "app.kubernetes.io/version": "1.2.0", "app.kubernetes.io/managed-by": "pier"})"));
}

TEST(StandardLabels, CreatesMetadataAndLabels) {
  json o = json::parse(R"({"kind": "Service"})");
  add_standard_labels(o, {"a", "b", "c"});
  EXPECT_EQ(o["metadata"]["labels"].size(), 4u);
}

TEST(StandardLabels, LeavesMistakesForValidation) {
  json o = json::parse(R"({"metadata": {"labels": "oops"}})");
  add_standard_labels(o, {"a", "b", "c"});
  EXPECT_EQ(o["metadata"]["labels"], "oops");
}

}  // namespace
}  // namespace pier::manifest
