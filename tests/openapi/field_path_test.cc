#include "openapi/field_path.h"

#include <gtest/gtest.h>

namespace pier::openapi {
namespace {

TEST(FieldPathTest, PlainKeysAreDotted) {
  std::string path;
  append_field(path, "spec");
  append_field(path, "containers");
  append_index(path, 0);
  append_field(path, "resources");
  append_field(path, "ephemeral-storage");
  EXPECT_EQ(path, "spec.containers[0].resources.ephemeral-storage");
}

TEST(FieldPathTest, OtherKeysAreQuoted) {
  std::string path = "metadata.labels";
  append_field(path, "app.kubernetes.io/name");
  EXPECT_EQ(path, "metadata.labels[\"app.kubernetes.io/name\"]");

  std::string odd;
  append_field(odd, "a \"b\"\\\n");
  EXPECT_EQ(odd, "[\"a \\\"b\\\"\\\\\\u000a\"]");

  std::string empty = "data";
  append_field(empty, "");
  EXPECT_EQ(empty, "data[\"\"]");
}

}  // namespace
}  // namespace pier::openapi
