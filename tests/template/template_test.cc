// Tests of the public API in template.h: compile/render, render_value,
// is_single_expression, looks_like_template, the error format, thread
// safety, and a realistic Deployment template whose expected output was
// produced by Python Jinja2 3.1 (with PyYAML for to_yaml).
#include "template/template.h"

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using nlohmann::json;

std::string read_testdata(const std::string& name) {
  std::ifstream in(std::string(PIER_SOURCE_DIR) + "/tests/template/testdata/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Template, CompileOnceRenderMany) {
  auto t = Template::compile("Hello {{ name }}!", "greeting.j2");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name(), "greeting.j2");
  EXPECT_EQ(*t->render({{"name", "world"}}), "Hello world!");
  EXPECT_EQ(*t->render({{"name", "pier"}}), "Hello pier!");
}

TEST(Template, ErrorsAreInvalidInputWithPosition) {
  auto bad = Template::compile("ok\n{{ a b }}", "templates/x.j2");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(bad.error().retry, Retry::kNo);
  EXPECT_EQ(bad.error().message, "templates/x.j2:2:6: expected '}}' after expression, found 'b'");

  auto t = Template::compile("x\n  {{ jetty.imagee }}", "templates/svc.yaml.j2");
  ASSERT_TRUE(t);
  auto out = t->render({{"jetty", {{"image", "j"}}}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(out.error().message,
            "templates/svc.yaml.j2:2:12: 'jetty.imagee' is undefined ('dict object' has no attribute 'imagee')");
}

TEST(Template, ContextMustBeAnObject) {
  auto t = Template::compile("x", "t.j2");
  ASSERT_TRUE(t);
  auto out = t->render(json::array());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "t.j2: the template context must be a JSON object, not array");
}

TEST(Template, RenderValueKeepsTypes) {
  const json ctx = {{"global", {{"create_ns", true}, {"replicas", 3}, {"tags", {"a", "b"}}, {"none", nullptr}}}};
  auto value = [&](std::string_view src) {
    auto t = Template::compile(src, "v.j2");
    EXPECT_TRUE(t) << src;
    auto v = t->render_value(ctx);
    EXPECT_TRUE(v) << (v ? "" : v.error().message);
    return v ? *v : json("<error>");
  };
  EXPECT_EQ(value("{{ global.create_ns }}"), json(true));
  EXPECT_EQ(value("  {{ global.replicas * 2 }}\n"), json(6));
  EXPECT_EQ(value("{{ global.replicas / 2 }}"), json(1.5));
  EXPECT_EQ(value("{{ global.tags }}"), json({"a", "b"}));
  EXPECT_EQ(value("{{ global }}")["replicas"], json(3));
  EXPECT_EQ(value("{{ global.none }}"), json(nullptr));
  EXPECT_EQ(value("{{ 'x' if global.none }}"), json(""));
  EXPECT_EQ(value("{{ global.missing | default(false) }}"), json(false));
  // Not a single expression: the rendered text, as a string.
  EXPECT_EQ(value("{{ global.replicas }}x"), json("3x"));
  EXPECT_EQ(value("{% if global.create_ns %}yes{% endif %}"), json("yes"));
  EXPECT_EQ(value("plain"), json("plain"));

  auto t = Template::compile("{{ global.nope }}", "v.j2");
  auto v = t->render_value(ctx);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message, "v.j2:1:11: 'global.nope' is undefined ('dict object' has no attribute 'nope')");
}

TEST(Template, LooksLikeTemplate) {
  EXPECT_TRUE(looks_like_template("{{ x }}"));
  EXPECT_TRUE(looks_like_template("a {% if %}"));
  EXPECT_TRUE(looks_like_template("{# c #}"));
  EXPECT_FALSE(looks_like_template("plain {text} with { braces }"));
  EXPECT_FALSE(looks_like_template(""));
  EXPECT_FALSE(looks_like_template("{"));
}

TEST(Template, RealisticDeploymentMatchesJinja) {
  auto t = Template::compile(read_testdata("deployment.yaml.j2"), "deployment.yaml.j2");
  ASSERT_TRUE(t) << t.error().message;
  const json ctx = json::parse(read_testdata("deployment.json"));
  auto out = t->render(ctx);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, read_testdata("deployment.expected.yaml"));
}

TEST(Template, ConcurrentRendersShareOneProgram) {
  auto t = Template::compile(read_testdata("deployment.yaml.j2"), "deployment.yaml.j2");
  ASSERT_TRUE(t);
  const json ctx = json::parse(read_testdata("deployment.json"));
  const std::string expected = read_testdata("deployment.expected.yaml");
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      const Template copy = *t;  // copies share the compiled program
      for (int i = 0; i < 200; ++i) {
        auto out = copy.render(ctx);
        if (!out || *out != expected) ++failures[k];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int k = 0; k < 4; ++k) EXPECT_EQ(failures[k], 0) << "thread " << k;
}

TEST(Template, RenderDoesNotModifyTheContext) {
  const json ctx = {{"xs", {3, 1, 2}}, {"d", {{"b", 1}, {"a", 2}}}};
  const json before = ctx;
  auto t = Template::compile(
      "{% set ns = namespace(x=xs) %}{% set ns.x = ns.x + [4] %}{{ xs | sort }}{{ d | combine({'c': 3}) }}{{ ns.x }}", "t.j2");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->render(ctx), "[1, 2, 3]{'a': 2, 'b': 1, 'c': 3}[3, 1, 2, 4]");
  EXPECT_EQ(ctx, before);
}

TEST(Template, InvalidUtf8DoesNotCrash) {
  EXPECT_EQ(testing::render("\xff{{ '\xfe' }}\xc3"), "\xff\xfe\xc3");
  EXPECT_EQ(testing::error_of("{{ '\xff' | to_json }}"), "t.j2:1:10: cannot convert a string with invalid UTF-8 to JSON");
}

}  // namespace
}  // namespace pier::tmpl
