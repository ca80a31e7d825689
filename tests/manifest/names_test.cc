#include "manifest/names.h"

#include <gtest/gtest.h>

namespace pier::manifest {
namespace {

TEST(Names, Dns1123Label) {
  EXPECT_TRUE(is_dns1123_label("web-1"));
  EXPECT_TRUE(is_dns1123_label("1web"));
  EXPECT_FALSE(is_dns1123_label("Web"));
  EXPECT_FALSE(is_dns1123_label("web-"));
  EXPECT_FALSE(is_dns1123_label("a.b"));
  EXPECT_FALSE(is_dns1123_label(std::string(64, 'a')));
  EXPECT_TRUE(is_dns1123_label(std::string(63, 'a')));
}

TEST(Names, Dns1123Subdomain) {
  EXPECT_TRUE(is_dns1123_subdomain("web.v1"));
  EXPECT_FALSE(is_dns1123_subdomain("web..v1"));
  EXPECT_FALSE(is_dns1123_subdomain(".web"));
  EXPECT_FALSE(is_dns1123_subdomain("web_1"));
}

TEST(Names, Dns1035Label) {
  EXPECT_TRUE(is_dns1035_label("web"));
  EXPECT_FALSE(is_dns1035_label("1web"));
}

TEST(Names, Labels) {
  EXPECT_TRUE(is_label_value(""));
  EXPECT_TRUE(is_label_value("1.2.0"));
  EXPECT_TRUE(is_label_value("My_Value-1"));
  EXPECT_FALSE(is_label_value("1.2.0+build"));
  EXPECT_FALSE(is_label_value("-x"));
  EXPECT_FALSE(is_label_value(std::string(64, 'a')));
  EXPECT_TRUE(is_label_key("app.kubernetes.io/name"));
  EXPECT_TRUE(is_label_key("tier"));
  EXPECT_FALSE(is_label_key("app.kubernetes.io/"));
  EXPECT_FALSE(is_label_key("Bad_Prefix/x"));
}

TEST(Names, ObjectNameRulesByKind) {
  EXPECT_FALSE(check_object_name("Deployment", "web.v1"));
  EXPECT_TRUE(check_object_name("Service", "web.v1"));
  EXPECT_TRUE(check_object_name("Service", "1web"));
  EXPECT_TRUE(check_object_name("Namespace", "a.b"));
  EXPECT_FALSE(check_object_name("ClusterRole", "system:pier"));
  EXPECT_TRUE(check_object_name("ClusterRole", "a/b"));
  EXPECT_TRUE(check_object_name("ConfigMap", "Web"));
  EXPECT_EQ(*check_object_name("ConfigMap", ""), "metadata.name must not be empty");
}

}  // namespace
}  // namespace pier::manifest
