#include "yamljson/scalar_resolve.h"

#include <gtest/gtest.h>

namespace pier::yamljson {
namespace {

using nlohmann::json;

TEST(ScalarResolve, NullsAndBooleansFollowYaml11) {
  for (const char* s : {"", "~", "null", "Null", "NULL"}) EXPECT_TRUE(resolve_plain_scalar(s).is_null()) << s;
  for (const char* s : {"true", "True", "yes", "on", "ON", "y"}) EXPECT_EQ(resolve_plain_scalar(s), json(true)) << s;
  for (const char* s : {"false", "no", "off", "N"}) EXPECT_EQ(resolve_plain_scalar(s), json(false)) << s;
}

TEST(ScalarResolve, Integers) {
  EXPECT_EQ(resolve_plain_scalar("42"), json(42));
  EXPECT_EQ(resolve_plain_scalar("-7"), json(-7));
  EXPECT_EQ(resolve_plain_scalar("+7"), json(7));
  EXPECT_EQ(resolve_plain_scalar("0x1F"), json(31));
  EXPECT_EQ(resolve_plain_scalar("0777"), json(511));  // YAML 1.1 octal, as kubectl reads it
  EXPECT_EQ(resolve_plain_scalar("0o17"), json(15));
  EXPECT_EQ(resolve_plain_scalar("1_000"), json(1000));
  EXPECT_EQ(resolve_plain_scalar("0"), json(0));
  EXPECT_TRUE(resolve_plain_scalar("18446744073709551615").is_number_unsigned());
}

TEST(ScalarResolve, Floats) {
  EXPECT_EQ(resolve_plain_scalar("0.5"), json(0.5));
  EXPECT_EQ(resolve_plain_scalar("1e3"), json(1000.0));
  EXPECT_EQ(resolve_plain_scalar(".5"), json(0.5));
  EXPECT_EQ(resolve_plain_scalar("-1.5E-2"), json(-0.015));
  EXPECT_TRUE(resolve_plain_scalar("3.0").is_number_float());
  EXPECT_TRUE(std::isinf(resolve_plain_scalar(".inf").get<double>()));
  EXPECT_TRUE(std::isnan(resolve_plain_scalar(".nan").get<double>()));
}

TEST(ScalarResolve, EverythingElseIsAString) {
  for (const char* s : {"web", "1Gi", "100m", "1.2.3", "0x", "-", ".", "v1", "08x", "yes please", "1e", "e3"})
    EXPECT_EQ(resolve_plain_scalar(s), json(s)) << s;
}

TEST(ScalarResolve, Ambiguity) {
  EXPECT_TRUE(plain_scalar_is_ambiguous("on"));
  EXPECT_TRUE(plain_scalar_is_ambiguous("1.0"));
  EXPECT_TRUE(plain_scalar_is_ambiguous("2001-12-14"));
  EXPECT_TRUE(plain_scalar_is_ambiguous("<<"));
  EXPECT_FALSE(plain_scalar_is_ambiguous("nginx"));
  EXPECT_FALSE(plain_scalar_is_ambiguous("1Gi"));
}

}  // namespace
}  // namespace pier::yamljson
