#include "lb/address.h"

#include <gtest/gtest.h>

namespace pier::lb {
namespace {

TEST(IpAddress, ParsesAndNormalizes) {
  EXPECT_EQ(IpAddress::parse("10.1.3.226")->text(), "10.1.3.226");
  EXPECT_EQ(IpAddress::parse("2001:0db8:0:0::0001")->text(), "2001:db8::1");
  EXPECT_EQ(*IpAddress::parse("2001:db8::1"), *IpAddress::parse("2001:0db8::0:1"));
  EXPECT_EQ(IpAddress::parse("2001:db8::1")->text_with_port(80), "[2001:db8::1]:80");
  for (const char* bad : {"", "10.1", "10.1.3.256", "010.1.3.2", "xx.xx.x3.226", "10.1.3.226/32", "[2001:db8::1]",
                          "2001:db8::1%eth0", "10.1.3.226 "})
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
}

TEST(HostPort, ParsesAddressPortAndWeight) {
  auto v4 = parse_host_port(" 10.1.0.130:80 ");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->address.text(), "10.1.0.130");
  EXPECT_EQ(v4->port, 80);
  EXPECT_FALSE(v4->weight);
  auto weighted = parse_host_port("[2001:db8::5]:8080:3");
  ASSERT_TRUE(weighted);
  EXPECT_EQ(weighted->address.text(), "2001:db8::5");
  EXPECT_EQ(weighted->port, 8080);
  EXPECT_EQ(weighted->weight, 3u);
  for (const char* bad : {"10.1.0.130", "10.1.0.130:", "10.1.0.130:0", "10.1.0.130:65536", "10.1.0.130:80:x",
                          "10.1.0.130:80:-1", "2001:db8::5:80", "[2001:db8::5:80", "[10.1.0.1]:80", "host:80"})
    EXPECT_FALSE(parse_host_port(bad)) << bad;
}

TEST(AddressRange, CidrRangeAndSingle) {
  auto cidr = parse_address_range("10.9.0.7/29");
  ASSERT_TRUE(cidr);
  EXPECT_EQ(cidr->first.text(), "10.9.0.0");
  EXPECT_EQ(cidr->last.text(), "10.9.0.7");
  auto range = parse_address_range("2001:db8::10 - 2001:db8::1f");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->last.text(), "2001:db8::1f");
  EXPECT_TRUE(parse_address_range("10.9.0.1"));
  for (const char* bad : {"10.9.0.0/33", "10.9.0.9-10.9.0.1", "10.9.0.1-2001:db8::1", "nope"})
    EXPECT_FALSE(parse_address_range(bad)) << bad;
  EXPECT_EQ(next_address(*IpAddress::parse("10.0.0.255"))->text(), "10.0.1.0");
  EXPECT_FALSE(next_address(*IpAddress::parse("255.255.255.255")));
}

}  // namespace
}  // namespace pier::lb
