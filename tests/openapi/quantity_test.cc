#include "openapi/quantity.h"

#include <gtest/gtest.h>

namespace pier::openapi {
namespace {

TEST(QuantityTest, AcceptsTheGrammar) {
  for (const char* q : {"1", "0", "0.5", "100m", "1Gi", "1e3", "1.5E-3", "+1", ".5", "5.", "-1", "128Mi", "2Ti", "1Ei",
                        "1k", "1M", "1G", "1T", "1P", "1E", "250n", "10u", "1e+3", "1E0", "007", "1.25Gi"}) {
    EXPECT_TRUE(is_valid_quantity(q)) << q;
  }
}

TEST(QuantityTest, RejectsWhatTheServerRejects) {
  for (const char* q : {"1Gb", "", "1.2.3", "Gi", "1 Gi", "1K", "1gi", "1e", "1e1.5", "1eKi", "+-1", "-", ".", ".Gi",
                        "1Mi ", " 1", "1mi", "1Ki3", "1e3Ki", "abc", "1,5", "e3", "1e99999999999999999999"}) {
    EXPECT_FALSE(is_valid_quantity(q)) << q;
  }
}

TEST(QuantityTest, ExponentMustFitInSixtyFourBits) {
  EXPECT_TRUE(is_valid_quantity("1e9223372036854775807"));
  EXPECT_FALSE(is_valid_quantity("1e9223372036854775808"));
  EXPECT_TRUE(is_valid_quantity("1e-9223372036854775808"));
  EXPECT_TRUE(is_valid_quantity("1e00000000000000000000001"));
}

}  // namespace
}  // namespace pier::openapi
