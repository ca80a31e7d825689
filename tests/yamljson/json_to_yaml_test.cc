#include "yamljson/json_to_yaml.h"

#include <gtest/gtest.h>

#include "yamljson/yaml_to_json.h"

namespace pier::yamljson {
namespace {

using nlohmann::json;

TEST(JsonToYaml, KubectlStyleBlocks) {
  json v = json::parse(R"({"kind":"Service","spec":{"ports":[{"port":80,"name":"http"}],"selector":{"app":"web"}},"e":{},"l":[]})");
  EXPECT_EQ(to_yaml(v),
            "e: {}\n"
            "kind: Service\n"
            "l: []\n"
            "spec:\n"
            "  ports:\n"
            "  - name: http\n"
            "    port: 80\n"
            "  selector:\n"
            "    app: web\n");
}

TEST(JsonToYaml, NestedSequences) {
  json v = json::parse(R"({"a":[[1,2],[]],"b":[{"c":[{"d":1}]}]})");
  EXPECT_EQ(to_yaml(v), "a:\n- - 1\n  - 2\n- []\nb:\n- c:\n  - d: 1\n");
}

TEST(JsonToYaml, QuotesStringsThatWouldChangeType) {
  json v = json::parse(R"({"a":"on","b":"1","c":"1.0","d":"","e":"null","f":"- x","g":"a: b","h":"x #y","i":"2001-12-14","j":"0777","k":"web"})");
  EXPECT_EQ(to_yaml(v),
            "a: \"on\"\nb: \"1\"\nc: \"1.0\"\nd: \"\"\ne: \"null\"\nf: \"- x\"\ng: \"a: b\"\nh: \"x #y\"\n"
            "i: \"2001-12-14\"\nj: \"0777\"\nk: web\n");
}

TEST(JsonToYaml, MultiLineTextAsLiteralBlock) {
  json v = {{"conf", "a\n  b\n"}, {"one", "x\ny"}, {"keep", "x\n\n"}};
  EXPECT_EQ(to_yaml(v), "conf: |\n  a\n    b\nkeep: |+\n  x\n\none: |-\n  x\n  y\n");
}

TEST(JsonToYaml, FloatsReadBackAsFloats) {
  json v = {{"a", 3.0}, {"b", 1e-05}, {"c", 0.25}};
  EXPECT_EQ(to_yaml(v), "a: 3.0\nb: 1.0e-05\nc: 0.25\n");
}

TEST(JsonToYaml, ControlCharactersAreEscaped) {
  json v = {{"a", std::string("x\ty\x01")}};
  EXPECT_EQ(to_yaml(v), "a: \"x\\ty\\x01\"\n");
}

TEST(JsonToYaml, ScalarsAtTopLevel) {
  EXPECT_EQ(to_yaml(json("on")), "\"on\"\n");
  EXPECT_EQ(to_yaml(json(5)), "5\n");
  EXPECT_EQ(to_yaml(json::array()), "[]\n");
}

TEST(JsonToYaml, RoundTripsThroughTheReader) {
  json v = json::parse(R"({"metadata":{"labels":{"app.kubernetes.io/name":"x","y":"n"},"annotations":{"k":"a\nb\n"}},
    "spec":{"replicas":3,"ratio":0.5,"flags":[true,false,null],"s":["yes","no","1e3","~","#x","'q'","\"d\"","é ü","x: y"]}})");
  auto back = parse_yaml(to_yaml(v), "rt.yaml");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, v);
}

}  // namespace
}  // namespace pier::yamljson
