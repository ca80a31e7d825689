#include "lb/vip_pool.h"

#include <gtest/gtest.h>

namespace pier::lb {
namespace {

TEST(VipPool, LowestFreeFirstAcrossRanges) {
  auto pool = VipAllocator::create({"10.9.0.0/31", "2001:db8::1-2001:db8::2", "10.9.1.5"});
  ASSERT_TRUE(pool);
  pool->reserve(*IpAddress::parse("10.9.0.0"));
  EXPECT_EQ(pool->allocate(Family::kV4)->text(), "10.9.0.1");
  EXPECT_EQ(pool->allocate(Family::kV4)->text(), "10.9.1.5");
  EXPECT_FALSE(pool->allocate(Family::kV4));
  EXPECT_EQ(pool->allocate(Family::kV6)->text(), "2001:db8::1");
  EXPECT_TRUE(pool->contains(*IpAddress::parse("2001:db8::2")));
  EXPECT_FALSE(pool->contains(*IpAddress::parse("10.9.0.2")));
}

TEST(VipPool, BadRange) {
  auto pool = VipAllocator::create({"10.9.0.0/24", "10.9.1.0/99"});
  ASSERT_FALSE(pool);
  EXPECT_NE(pool.error().message.find("10.9.1.0/99"), std::string::npos);
}

}  // namespace
}  // namespace pier::lb
