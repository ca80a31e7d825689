#include "field_manager.h"

#include <gtest/gtest.h>

namespace pier::testing::kube_double {
namespace {

FieldManagerScope scope(const std::string& now = "2026-01-01T00:00:00Z") {
  FieldManagerScope s;
  s.schema = BuiltinSchemas::instance().for_kind("apps", "v1", "Deployment");
  s.reset_status = true;
  s.api_version = "apps/v1";
  s.now = now;
  return s;
}

nlohmann::json deployment(int replicas, const std::string& image) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "web"}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
          {"spec",
           {{"replicas", replicas},
            {"template", {{"spec", {{"containers", {{{"name", "web"}, {"image", image}}}}}}}}}}};
}

nlohmann::json applied(const nlohmann::json* live, const nlohmann::json& config, const std::string& manager,
                       bool force = false) {
  auto result = apply_configuration(live, config, manager, force, scope());
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  return result ? *result : nlohmann::json();
}

TEST(FieldManager, ApplyRecordsTheApplierAndWhatItSent) {
  nlohmann::json object = applied(nullptr, deployment(3, "nginx:1"), "pier");
  auto entries = read_managed_fields(object);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].manager, "pier");
  EXPECT_EQ(entries[0].operation, "Apply");
  EXPECT_EQ(entries[0].api_version, "apps/v1");
  EXPECT_EQ(entries[0].time, "2026-01-01T00:00:00Z");
  nlohmann::json fields = entries[0].fields.to_fields_v1();
  EXPECT_TRUE(fields["f:spec"].contains("f:replicas"));
  EXPECT_TRUE(fields["f:metadata"]["f:labels"].contains("f:app"));
  EXPECT_FALSE(fields["f:metadata"].contains("f:name"));  // identity is never owned
  EXPECT_EQ(object["spec"]["replicas"], 3);
}

TEST(FieldManager, ConflictWithAnotherApplierUnlessForced) {
  nlohmann::json object = applied(nullptr, deployment(3, "nginx:1"), "pier");
  nlohmann::json other = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                          {"metadata", {{"name", "web"}}}, {"spec", {{"replicas", 5}}}};
  auto conflict = apply_configuration(&object, other, "other", false, scope());
  ASSERT_FALSE(conflict.has_value());
  const ApiError& error = conflict.error();
  EXPECT_EQ(error.code, 409);
  EXPECT_EQ(error.reason, "Conflict");
  EXPECT_EQ(error.message, "Apply failed with 1 conflict: conflict with \"pier\": .spec.replicas");
  ASSERT_EQ(error.causes.size(), 1u);
  EXPECT_EQ(error.causes[0].reason, "FieldManagerConflict");
  EXPECT_EQ(error.causes[0].message, "conflict with \"pier\"");
  EXPECT_EQ(error.causes[0].field, ".spec.replicas");

  nlohmann::json forced = applied(&object, other, "other", /*force=*/true);
  EXPECT_EQ(forced["spec"]["replicas"], 5);
  for (const auto& entry : read_managed_fields(forced)) {
    bool owns = entry.fields.has({PathElement::field("spec"), PathElement::field("replicas")});
    EXPECT_EQ(owns, entry.manager == "other") << entry.manager;
  }
}

TEST(FieldManager, SameValueIsSharedNotAConflict) {
  nlohmann::json object = applied(nullptr, deployment(3, "nginx:1"), "pier");
  nlohmann::json other = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                          {"metadata", {{"name", "web"}}}, {"spec", {{"replicas", 3}}}};
  nlohmann::json shared = applied(&object, other, "other");
  // pier stops applying replicas: "other" still owns it, so it stays.
  nlohmann::json without = deployment(3, "nginx:1");
  without["spec"].erase("replicas");
  nlohmann::json after = applied(&shared, without, "pier");
  EXPECT_EQ(after["spec"]["replicas"], 3);
}

TEST(FieldManager, FieldsNoLongerAppliedAreRemoved) {
  nlohmann::json config = deployment(3, "nginx:1");
  config["metadata"]["labels"]["tier"] = "front";
  nlohmann::json object = applied(nullptr, config, "pier");
  nlohmann::json less = deployment(3, "nginx:1");
  nlohmann::json after = applied(&object, less, "pier");
  EXPECT_FALSE(after["metadata"]["labels"].contains("tier"));
  EXPECT_EQ(after["metadata"]["labels"]["app"], "web");
}

TEST(FieldManager, ConflictWithAnUpdaterNamesItsApiVersion) {
  nlohmann::json object = applied(nullptr, deployment(3, "nginx:1"), "pier");
  nlohmann::json scaled = object;
  scaled["spec"]["replicas"] = 7;
  scaled = record_update(&object, scaled, "hpa-controller", scope());
  nlohmann::json reapply = deployment(3, "nginx:1");
  auto conflict = apply_configuration(&scaled, reapply, "pier", false, scope());
  ASSERT_FALSE(conflict.has_value());
  EXPECT_EQ(conflict.error().message,
            "Apply failed with 1 conflict: conflict with \"hpa-controller\" using apps/v1: .spec.replicas");
  EXPECT_EQ(conflict.error().causes[0].message, "conflict with \"hpa-controller\" using apps/v1");
}

TEST(FieldManager, ManyConflictsAreGroupedByManager) {
  nlohmann::json object = applied(nullptr, deployment(3, "nginx:1"), "pier");
  auto conflict = apply_configuration(&object, deployment(4, "nginx:2"), "other", false, scope());
  ASSERT_FALSE(conflict.has_value());
  EXPECT_EQ(conflict.error().message,
            "Apply failed with 2 conflicts: conflicts with \"pier\":\n- .spec.replicas\n"
            "- .spec.template.spec.containers[name=\"web\"].image");
  EXPECT_EQ(conflict.error().causes.size(), 2u);
}

TEST(FieldManager, UnchangedApplyKeepsItsTimestamp) {
  nlohmann::json object = applied(nullptr, deployment(3, "nginx:1"), "pier");
  auto again = apply_configuration(&object, deployment(3, "nginx:1"), "pier", false, scope("2030-01-01T00:00:00Z"));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, object);
}

TEST(FieldManager, StatusIsNotOwnedThroughTheMainResource) {
  nlohmann::json config = deployment(3, "nginx:1");
  config["status"] = {{"replicas", 3}};
  nlohmann::json object = applied(nullptr, config, "pier");
  EXPECT_FALSE(object.contains("status"));
  EXPECT_FALSE(read_managed_fields(object)[0].fields.to_fields_v1().contains("f:status"));
}

TEST(FieldManager, UpdateTakesOwnershipOfChangedFields) {
  nlohmann::json object = record_update(nullptr, deployment(3, "nginx:1"), "kubectl-create", scope());
  auto entries = read_managed_fields(object);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].operation, "Update");
  nlohmann::json edited = object;
  edited["spec"]["replicas"] = 4;
  edited = record_update(&object, edited, "kubectl-edit", scope());
  entries = read_managed_fields(edited);
  ASSERT_EQ(entries.size(), 2u);
  FieldPath replicas = {PathElement::field("spec"), PathElement::field("replicas")};
  EXPECT_FALSE(entries[0].fields.has(replicas));
  EXPECT_TRUE(entries[1].fields.has(replicas));
  EXPECT_EQ(entries[1].manager, "kubectl-edit");
}

TEST(FieldManager, EmptyManagedFieldsClearThem) {
  nlohmann::json object = record_update(nullptr, deployment(3, "nginx:1"), "a", scope());
  nlohmann::json cleared = object;
  cleared["metadata"]["managedFields"] = nlohmann::json::array();
  cleared = record_update(&object, cleared, "b", scope());
  EXPECT_FALSE(cleared["metadata"].contains("managedFields"));
}

}  // namespace
}  // namespace pier::testing::kube_double
