#include "yamljson/json_parse.h"

#include <gtest/gtest.h>

namespace pier::yamljson {
namespace {

TEST(JsonParse, Parses) {
  auto v = parse_json(R"({"a": [1, 2]})", "v.json");
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["a"][1], 2);
}

TEST(JsonParse, ErrorNamesFileLineColumn) {
  auto v = parse_json("{\n  \"a\": 1,\n  }\n", "v.json");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(v.error().message.starts_with("v.json:3:3: invalid JSON: ")) << v.error().message;
  EXPECT_EQ(v.error().message.find("json.exception"), std::string::npos);
}

TEST(JsonParse, TruncatedDocument) {
  auto v = parse_json("{\"a\": ", "t.json");
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().message.starts_with("t.json:1:")) << v.error().message;
}

TEST(JsonParse, YamlByExtension) {
  auto v = parse_json_or_yaml("a: 1\n", "v.yaml");
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["a"], 1);
  EXPECT_FALSE(parse_json_or_yaml("a: 1\n", "v.json"));
}

}  // namespace
}  // namespace pier::yamljson
