#include "manifest/object_ref.h"

#include <gtest/gtest.h>

namespace pier::manifest {
namespace {

TEST(ObjectRef, ReadsIdentity) {
  auto ref = ObjectRef::of(nlohmann::json::parse(
      R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}})"));
  EXPECT_EQ(ref.display(), "Deployment shop/web");
  EXPECT_EQ(ref.group(), "apps");
  EXPECT_EQ(ObjectRef::of(nlohmann::json::parse(R"({"apiVersion": "v1"})")).group(), "");
}

TEST(ObjectRef, MissingFieldsDisplayReadably) {
  EXPECT_EQ(ObjectRef::of(nlohmann::json::parse(R"({"metadata": {"name": 5}})")).display(), "(no kind) (no name)");
  EXPECT_EQ(ObjectRef::of(nlohmann::json("text")).display(), "(no kind) (no name)");
}

}  // namespace
}  // namespace pier::manifest
