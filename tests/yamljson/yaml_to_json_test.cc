#include "yamljson/yaml_to_json.h"

#include <gtest/gtest.h>

namespace pier::yamljson {
namespace {

using nlohmann::json;

TEST(YamlToJson, TypesPlainAndQuotedScalars) {
  auto v = parse_yaml("a: 1\nb: '1'\nc: \"on\"\nd: on\ne: ~\nf: 1.5\ng: text\nh: !!str 7\n", "x.yaml");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, json::parse(R"({"a":1,"b":"1","c":"on","d":true,"e":null,"f":1.5,"g":"text","h":"7"})"));
}

TEST(YamlToJson, MultipleDocumentsWithLines) {
  auto docs = parse_yaml_documents("a: 1\n---\n# only a comment\n---\nb: [1, 2]\n", "m.yaml");
  ASSERT_TRUE(docs) << docs.error().message;
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ((*docs)[0].value, json::parse(R"({"a":1})"));
  EXPECT_TRUE((*docs)[1].value.is_null());
  EXPECT_EQ((*docs)[2].value, json::parse(R"({"b":[1,2]})"));
  EXPECT_EQ((*docs)[2].line, 5);
}

TEST(YamlToJson, BlockScalarsKeepText) {
  auto v = parse_yaml("conf: |\n  a\n  b\n", "x.yaml");
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["conf"], "a\nb\n");
}

TEST(YamlToJson, SyntaxErrorHasFileLineColumn) {
  auto v = parse_yaml("a: 1\nb: [1, 2\n", "bad.yaml");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(v.error().message.starts_with("bad.yaml:")) << v.error().message;
  EXPECT_NE(v.error().message.find("invalid YAML"), std::string::npos);
}

TEST(YamlToJson, DuplicateKeyIsAnErrorAtTheSecondKey) {
  auto v = parse_yaml("metadata:\n  name: a\n  name: b\n", "dup.yaml");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message, "dup.yaml:3:3: duplicate key \"name\"");
}

TEST(YamlToJson, NonScalarKeyIsAnError) {
  auto v = parse_yaml("? [a, b]\n: 1\n", "k.yaml");
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("mapping key must be a scalar"), std::string::npos);
}

TEST(YamlToJson, NumericKeysBecomeStrings) {
  auto v = parse_yaml("80: http\n", "k.yaml");
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["80"], "http");
}

TEST(YamlToJson, AliasBombIsRefused) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'i'; ++c, ++prev) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", *" : "*") + prev;
    text += "]\n";
  }
  auto v = parse_yaml(text, "bomb.yaml");
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("alias bomb"), std::string::npos);
}

TEST(YamlToJson, InfinityIsNotJson) {
  auto v = parse_yaml("x: .inf\n", "i.yaml");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message, "i.yaml:1:4: \".inf\" (infinity or NaN) cannot be represented in JSON");
}

TEST(YamlToJson, WrongExplicitTag) {
  auto v = parse_yaml("x: !!int abc\n", "t.yaml");
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("is not a valid int"), std::string::npos);
}

TEST(YamlToJson, ControlCharactersAreRefused) {
  // yaml-cpp 0.7 loops forever on this input (found by fuzz/yaml_fuzz).
  auto v = parse_yaml_documents(std::string(",--\0\x94\0\0-", 8), "nul.yaml");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message, "nul.yaml:1:4: invalid YAML: control character U+0000 is not allowed");
  auto del = parse_yaml("a: \x7f\n", "del.yaml");
  ASSERT_FALSE(del);
  EXPECT_NE(del.error().message.find("U+007F"), std::string::npos);
}

TEST(YamlToJson, StrayCommaDoesNotHang) {
  // yaml-cpp 0.7's LoadAll loops forever on these (found by fuzz/yaml_fuzz).
  for (const char* text : {",", ",,-", "a: 1\n---\n,\n"}) {
    auto v = parse_yaml_documents(text, "comma.yaml");
    ASSERT_FALSE(v) << text;
    EXPECT_NE(v.error().message.find("invalid YAML"), std::string::npos) << v.error().message;
  }
}

TEST(YamlToJson, OneDocumentExpected) {
  auto v = parse_yaml("a: 1\n---\nb: 2\n", "two.yaml");
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("expected one YAML document"), std::string::npos);
}

}  // namespace
}  // namespace pier::yamljson
