#include "release/revision_diff.h"

#include <gtest/gtest.h>

#include "release_test_support.h"

namespace pier::release {
namespace {

using namespace testing;

const json kOldSchema = json::parse(R"({"type": "object", "properties": {
  "db": {"type": "object", "properties": {"password": {"type": "string", "format": "password"}}}}})");
const json kNewSchema = json::parse(R"({"type": "object", "properties": {
  "db": {"type": "object", "properties": {"password": {"type": "string", "format": "password"},
                                          "token": {"type": "string", "writeOnly": true}}}}})");

json secret(const std::string& password) {
  json o = object("v1", "Secret", "shop", "db");
  o["stringData"] = {{"password", password}};
  return o;
}

TEST(RevisionDiff, ValuesAndObjectsWithSecretsMaskedByBothSchemas) {
  RevisionSnapshot before{"revision 3", {{"db", {{"password", "old-pw"}, {"token", "old-token"}}}, {"replicas", 2}},
                          set_of({config_map("web"), secret("old-pw")}).to_yaml(), &kOldSchema};
  RevisionSnapshot after{"revision 5", {{"db", {{"password", "new-pw"}, {"token", "new-token"}}}, {"replicas", 3}},
                         set_of({secret("new-pw"), object("apps/v1", "Deployment", "shop", "web")}).to_yaml(),
                         &kNewSchema};
  auto diff = diff_revisions(before, after);
  ASSERT_TRUE(diff) << diff.error().describe();
  EXPECT_EQ(diff->values.changed_paths, (std::vector<std::string>{"/db/password", "/db/token", "/replicas"}));
  std::string all = diff->to_json().dump();
  for (const char* plain : {"old-pw", "new-pw", "old-token", "new-token"})
    EXPECT_EQ(all.find(plain), std::string::npos) << plain << " in " << all;
  EXPECT_NE(diff->values.diff.find("--- values (revision 3)"), std::string::npos) << diff->values.diff;
  EXPECT_EQ(diff->counts(), (DiffCounts{.added = 1, .changed = 1, .removed = 1, .unchanged = 0}));
  EXPECT_EQ(diff->objects[0].key.kind, "Secret");
  EXPECT_NE(diff->objects[0].diff.find("+++ Secret shop/db (revision 5)"), std::string::npos) << diff->objects[0].diff;
  EXPECT_EQ(diff->to_json()["counts"]["removed"], 1);
}

TEST(RevisionDiff, UnreadableManifestsNameTheRevision) {
  RevisionSnapshot good{"revision 1", json::object(), "", nullptr};
  RevisionSnapshot bad{"revision 2", json::object(), "a: [\n", nullptr};
  auto diff = diff_revisions(good, bad);
  ASSERT_FALSE(diff);
  EXPECT_NE(diff.error().message.find("revision 2"), std::string::npos) << diff.error().message;
}

}  // namespace
}  // namespace pier::release
