#include "yamljson/fast_yaml.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "common/files.h"
#include "yamljson/yaml_to_json.h"

namespace pier::yamljson {
namespace {

using namespace std::string_literals;

// Every input here must take the fast path and give what yaml-cpp gives.
const std::string kAccepted[] = {
    // documents and separators
    "", "\n", "\n\n\n", "   \n", "# only a comment\n", "# a\n# b", "a: 1", "a: 1\n",
    "---\n", "---", "--- \n", "--- # comment\n", "---\n---\n", "---\n---\n---", "a: 1\n---\n", "a: 1\n---",
    "a: 1\n---\n\n\n", "a: 1\n---\n# c\n", "a: 1\n---\n# c", "a: 1\n---\n   ", "---\na: 1\n",
    "# c\n\n---\na: 1\n---\n# only\n---\nb: 2\n", "a: 1\n---\n---\nb: 2\n", "---\n\n# x\n\na: 1\n",
    "# c\n---\n# d\n", "a: 1\n--- # c\nb: 2\n---\n", "\n\na: 1\n\n\n---\n\n\nb: 2\n\n",
    "a: 1\n---\n---\n---\n", "- a\n---\n- b\n", "a: 1\n# c\n---",
    // block mappings
    "a: 1\nb: two\nc: 3.5\nd: true\ne: ~\nf: null\ng:\nh: yes\ni: off\nj: 0777\nk: 0x1F\nl: -3\nm: +4\n",
    "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n", "a:\n    b: 1\n    c: 2\n", "a:   1\nb:    \n", "a: # c\n  b: 1\n",
    "a:\n\n  b: 1\n\n  c: 2\n\n", "a:\n  b: 1\n# c\n  c: 2\n", "a:\n  b: 1\n      # deep comment\n  c: 2\n",
    "a: b c  d\n", "a: b # c\n", "a: b   # c\n", "a: b#c\n", "a: b\n  # c\nd: 1\n", "a: b\n\n  # c\nd: 1\n",
    "a: b\n# c\nd: 1\n", "a: http://x.y/z?q=1\n", "a: b[0],c{1}?\n", "a: -x\n", "a: ---\n", "a: ...\n",
    "a: b :c\n", "a: 'x''y'\n", "a: ''\n", "a: \"\"\n", "a: \"x\" # c\n", "a: 'x' # c\n",
    "80: http\n", "true: 1\nyes: 2\n1.5: 3\n", "\"~\": 1\n\"null\": 2\n\"<<\": 3\n\"\": 4\n", "'a b': 1\n",
    "\"a: b\": 1\n", "a:b: 1\n", "a#b: 1\n", "a\"b: 1\n", "http://x: 1\n", "a - b: 1\n",
    "a:\n  hello\nb: 1\n", "a:\n  \"hello\"\nb: 1\n", "a:\n  [1, 2]\nb: 1\n", "a:\n  hello\n  # c\nb: 1\n",
    "a: 1\nb:\n", "a: 1\nb:", "a:\n", "x: 1\ny: 2\nz: 3",
    // block sequences
    "- a\n- b\n", "- 1\n- -2\n- 3.0\n- null\n- ~\n- \n-\n", "-\n- x\n", "- \n  a: 1\n", "- # c\n  a: 1\n",
    "-\n  - x\n  - y\n- z\n", "- a: 1\n  b: 2\n- c: 3\n", "-   a: 1\n    b: 2\n", "- a:\n    b: 1\n  c: 2\n",
    "- \"a\": 1\n  'b': 2\n", "- \"x\"\n- 'y'\n", "- [1, 2]\n- {a: 1}\n", "- a: 1\n\n- b: 2\n",
    "a:\n  - x\n  - y\nb: 1\n", "a:\n- x\n- y\nb: 1\n", "a:\n- b: 1\n  c: 2\n- d\ne: 3\n", "- a:\n  - x\n  b: 1\n",
    "- a:\n  - x\n- y\n", "- a:\n- x\n", "a:\n-\n  b: 1\n", "a:\n- x\n# c\n- y\n", "- a #b: 1\n",
    "- 80: http\n", "- a\n  # c\n", "- a: 1\n  b:\n  - x\n  - y\n  c: 2\n",
    // literal block scalars
    "a: |\n  x\n  y\n", "a: |-\n  x\n  y\n", "a: |+\n  x\n  y\n", "a: |\nb: 1\n", "a: |\n\n\nb: 1\n",
    "a: |+\n\n\nb: 1\n", "a: |-\n\n\nb: 1\n", "a: |\n  x\n\n\nb: 1\n", "a: |+\n  x\n\n\nb: 1\n",
    "a: |-\n  x\n\n\nb: 1\n", "a: |\n\n  x\n    y\n   z\n\n  w\nb: 1\n", "a: |\n  x\n      \n  \nb: 1\n",
    "a: |\n  x", "a: |+\n  x\n  ", "a: |\n  x\n---\nb: 1\n", "a:\n- |\n  x\n- y\n", "- a: |\n    x\n  b: 2\n",
    "- a: |\n   x\n  b: 2\n", "a: | # c\n  x\n", "a: |\n  \tx\n", "a: |\n  x\n # c\n", "a: |\n  x\n  # c\n",
    "a:\n  b: |\n   x\n  c: 1\n", "a: |", "a: |\n", "a: |-", "a: |+\n\n",
    "a: |\n  # not a comment\n  ---\n  ...\n  - x\n  k: v\n", "a: |\n  x\n\n# c\nb: 1\n",
    "- |\n  x\n- |-\n  y\n", "a: |\n  caf\xc3\xa9 \xe2\x82\xac\n", "a: |\n    x\n   \n  \n    y\n",
    "a: |+\n  x\n\n", "a: |+\n  x\n\n---\nb: 1\n", "a:\n  b: |+\n    x\n\n  c: 1\n",
    // flow collections (JSON)
    "a: []\nb: {}\nc: [ ]\nd: { }\n", "a: [1, 2, 3]\n", "a: [1,2,3]\n", "a: {\"b\": 1, \"c\": [true, false, null]}\n",
    "a: {\"b\":1,\"c\":\"d\"}\n", "a: {b: 1, c: two}\n", "a: [a b, c  d ]\n", "a: [\"x\", 'y', z]\n",
    "a: [[1, [2]], {\"b\": {\"c\": []}}]\n", "a: [-1, +2, .5, 0x1F, 1e3, 1.5e-3]\n", "a: [\"\\u00e9\\n\\t\\\"\"]\n",
    "{\"apiVersion\": \"v1\", \"kind\": \"List\"}\n", "[1, 2]\n", "\"just a string\"\n", "'single'\n",
    "a: [1, 2] # c\n", "a: {\"a/b\": 1}\n", "a: [\"a\", \"a\"]\n", "a: {\"~\": 1, \"null\": 2}\n",
    "a: [/x/y, a_b]\n",
    // double-quoted escapes
    "a: \"\\\\ \\\" \\/ \\n \\t \\r \\b \\f \\a \\v \\e \\ \"\n", "a: \"\\0x\"\n", "a: \"\\N\\_\\L\\P\"\n",
    "a: \"\\x41\\xe9\\u00e9\\u20ac\\U0001F600\"\n", "a: \"\\n\\n\"\n", "a: \"x\\n\"\n", "a: 'back\\slash'\n",
    "a: \"tab\tinside\"\n",
    // unicode
    "caf\xc3\xa9: th\xc3\xa9\n", "a: \xe2\x82\xac 5\n", "\"\xe6\x97\xa5\": \"\xe6\x9c\xac\"\n", "a: b\xc2\x85" "c\n",
    "a: b\xe2\x80\xa8" "c\nd: 1\n", "a: \xc2\xa0x\n",
    // kubectl-style manifests
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  ports:\n  - port: 80\n"
    "    targetPort: http\n    protocol: TCP\n  selector:\n    app: web\n",
    "spec:\n  containers:\n    - name: app\n      image: \"nginx:1.25\"\n      args: [\"--port\", \"8080\"]\n"
    "      env:\n        - name: A\n          value: \"1\"\n      resources: {}\n",
};

// Every input here is outside the subset (or malformed): the fast path declines.
const std::string kDeclined[] = {
    // bytes and lines
    "a: 1\r\n", "a: b\rc\n", "\xEF\xBB\xBF" "a: 1\n", "a: \xEF\xBB\xBF\n", "a: \x01\n", "a: \x7f\n", "\xff\xfe" "a\n",
    "a:\n\tb: 1\n", "\ta: 1\n", "a: 1\n \t\n", "a: |\n  x\n\tb\n", "a: |\n    x\n  y: 1\n", "- a\n #c\n", "a: \"x\0y\"\n"s,
    // document markers and directives
    "...\n", "a: 1\n...\n", "%YAML 1.2\n---\na: 1\n", "--- a\n", "--- {a: 1}\n", "--- |\n  x\n", "---a: 1\n",
    "---\tx\n", "---#c\n", "...a: 1\n",
    // top level
    "hello\n", "  a: 1\n", "a: 1\n  b: 2\n", "- a\nb: 1\n", "a: 1\n- b\n", "~\n", "|\n  x\n",
    // mappings
    "? a\n: 1\n", "<<: {a: 1}\n", "~: 1\n", "null: 1\n", "a: 1\na: 2\n", "a : 1\n", "\"a\" : 1\n", "\"a\":1\n",
    "a:\tb\n", "a: b\tc\n", "a: b: c\n", "a: b:\n", "a: - b\n", "a: -\n", "a: ? b\n", "a: : b\n", "-a: 1\n",
    "a: &x 1\n", "a: *x\n", "a: !t 1\n", "a: !!str 1\n", "a: %x\n", "a: @x\n", "a: `x`\n", "a: ,x\n", "a: ]\n",
    "a: }\n", "a: >\n  x\n", "a: >-\n  x\n", "a: |2\n   x\n", "a: |-2\n   x\n", "a: |#c\n  x\n", "a: |x\n",
    "a: .inf\n", "a: -.inf\n", "a: .nan\n", "a: 1e999\n", "a: b\n  c\n", "a: b\n #c\nd: 1\n", "a: b\n\n #c\n",
    "a:\n  hello\n  world\n", "a:\n  hello\n #c\n", "a: \"b\"\n  c: 1\n", "a: [1]\n  b: 1\n", "a:\n  - x\n  b: 1\n",
    "a:\n    b: 1\n  c: 2\n", "a: \"x\"# c\n", "a: 'x'y\n", "a: \"x\" y\n", "a: \"unterminated\n", "a: 'multi\n  line'\n",
    "a: \"multi\n  line\"\n", "a: \"esc \\\n  aped\"\n", "a: \"\\q\"\n", "a: \"\\'\"\n", "a: \"\\x4\"\n", "a: \"\\xZZ\"\n",
    "a: \"\\ud83d\\ude00\"\n", "a: \"\\U00110000\"\n", "a:\n  |\n   x\n", std::string(1001, 'k') + ": 1\n",
    "\"" + std::string(1001, 'k') + "\": 1\n", "a #b: 1\n",
    // sequences
    "- - x\n", "- a\n  b\n", "- a: 1\n - b\n", "- a: 1\n  - b\n", "-   a: 1\n  b: 2\n", "-\tx\n", "a:\n  - x\n - y\n",
    "- a: b: c\n", "- a: - b\n", "- \"x\": 1\n  \"x\": 2\n", "- >\n  x\n",
    // flow
    "a: [1, 2,]\n", "a: {b: 1,}\n", "a: [1,,2]\n", "a: [,]\n", "a: [1, 2\n", "a: [1,\n  2]\n", "a: {b:1}\n",
    "a: {b : 1}\n", "a: {\"b\" :1}\n", "a: {b: }\n", "a: {b}\n", "a: {b: 1, b: 2}\n", "a: {\"b\": 1, \"b\": 2}\n", "a: [a: 1]\n",
    "a: [a, b]c\n", "[a]: b\n", "{a: 1}: b\n", "a: [a #c]\n", "a: [&x 1]\n", "a: [*x]\n", "a: [!t 1]\n",
    "a: [.inf]\n", "a: [- 1]\n", "a: [a?b]\n", "a: [a:b]\n", "a: {~: 1}\n", "a: {null: 1}\n", "a: [ \t1]\n",
    "a: [\"a\":1]\n", "a: {\"a\": \"b\": 1}\n", "a: [1] [2]\n", "a: {[a]: 1}\n",
};

void expect_same(std::string_view text) {
  SCOPED_TRACE(testing::Message() << "input: \"" << std::string(text) << "\"");
  auto fast = parse_simple_yaml(text);
  auto reference = parse_yaml_documents_with_yaml_cpp(text, "t.yaml");
  ASSERT_TRUE(fast.has_value()) << "the fast path declined";
  ASSERT_TRUE(reference.has_value()) << reference.error().message;
  ASSERT_EQ(fast->size(), reference->size());
  for (size_t i = 0; i < fast->size(); ++i) {
    EXPECT_EQ((*fast)[i].value, (*reference)[i].value) << "document " << i;
    EXPECT_EQ((*fast)[i].line, (*reference)[i].line) << "document " << i;
  }
}

TEST(FastYaml, AcceptedInputsMatchYamlCpp) {
  for (const std::string& text : kAccepted) expect_same(text);
}

TEST(FastYaml, DeclinesWhatIsOutsideTheSubset) {
  for (const std::string& text : kDeclined)
    EXPECT_FALSE(parse_simple_yaml(text).has_value()) << "input: \"" << text << "\"";
}

TEST(FastYaml, DeclinedInputsStillParseThroughTheFallback) {
  // The public entry point gives yaml-cpp's answer for whatever the fast path declines.
  for (const std::string& text : kDeclined) {
    auto public_result = parse_yaml_documents(text, "t.yaml");
    auto reference = parse_yaml_documents_with_yaml_cpp(text, "t.yaml");
    ASSERT_EQ(public_result.has_value(), reference.has_value()) << text;
    if (!reference) {
      EXPECT_EQ(public_result.error().message, reference.error().message);
      continue;
    }
    ASSERT_EQ(public_result->size(), reference->size());
    for (size_t i = 0; i < reference->size(); ++i) EXPECT_EQ((*public_result)[i].value, (*reference)[i].value);
  }
}

TEST(FastYaml, NestingLimitMatchesTheConverter) {
  // The yaml-cpp path refuses nodes deeper than 256; the fast path takes up to
  // that depth and declines beyond it.
  auto nested = [](int depth) { return "a: " + std::string(depth, '[') + std::string(depth, ']') + "\n"; };
  expect_same(nested(256));
  EXPECT_FALSE(parse_simple_yaml(nested(257)).has_value());
  EXPECT_FALSE(parse_yaml_documents_with_yaml_cpp(nested(257), "t.yaml").has_value());
  std::string block;
  for (int i = 0; i < 255; ++i) block += std::string(i, ' ') + "k:\n";
  expect_same(block);
  std::string deeper;
  for (int i = 0; i < 257; ++i) deeper += std::string(i, ' ') + "k:\n";
  EXPECT_FALSE(parse_simple_yaml(deeper).has_value());
}

TEST(FastYaml, LongKeysUpToYamlCppsLimit) {
  expect_same(std::string(1000, 'k') + ": 1\n");
  expect_same("\"" + std::string(998, 'k') + "\": 1\n");
}

TEST(FastYaml, ManyDocuments) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "# " + std::to_string(i) + "\nn: " + std::to_string(i) + "\n---\n";
  expect_same(text);
}

// `pier render` output for every bundled app and sample: the fast path must
// take all of it.
TEST(FastYaml, GoldenRenderOutputTakesTheFastPath) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(PIER_SOURCE_DIR "/tests/catalog/golden")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    auto text = read_file(entry.path());
    ASSERT_TRUE(text) << text.error().message;
    expect_same(*text);
    ++files;
  }
  EXPECT_GE(files, 6);
}

}  // namespace
}  // namespace pier::yamljson
