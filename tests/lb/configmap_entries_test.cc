#include "lb/configmap_entries.h"

#include <gtest/gtest.h>

namespace pier::lb {
namespace {

std::vector<std::string> texts(const std::vector<RealServer>& servers) {
  std::vector<std::string> out;
  for (const auto& s : servers) out.push_back(s.text() + "*" + std::to_string(s.weight));
  return out;
}

// The seed's ConfigMap, with real addresses in place of its xx/yy masks.
TEST(ConfigMapEntries, TheSeedsExample) {
  auto parsed = parse_configmap({
      {"10.20.3.225-80", "10.1.0.130:80, 10.1.51.20:80"},
      {"10.20.3.225-443", "10.1.0.130:443, 10.1.51.20:443"},
      {"10.20.3.226", "gslb/nginx-ingress-controller-new-lb:s"},
      {"10.20.3.227", "openapi/openapi-nginx-lb:s"},
  });
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.entries.size(), 4u);
  const auto& explicit_entry = parsed.entries[1];  // key order: "-443" < "-80"
  EXPECT_EQ(explicit_entry.key, "10.20.3.225-80");
  EXPECT_EQ(explicit_entry.port, 80);
  EXPECT_EQ(texts(explicit_entry.real_servers), (std::vector<std::string>{"10.1.0.130:80*1", "10.1.51.20:80*1"}));
  const auto& service_entry = parsed.entries[2];
  EXPECT_EQ(service_entry.vip.text(), "10.20.3.226");
  EXPECT_EQ(service_entry.port, 0);
  EXPECT_EQ(service_entry.service, "gslb/nginx-ingress-controller-new-lb");
  EXPECT_TRUE(service_entry.options.same_ports);
}

TEST(ConfigMapEntries, Options) {
  auto e = parse_configmap_entry("10.20.3.226", "gslb/lb:s,sched=sh,fwd=dr,persist=300");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->options.scheduler, Scheduler::kSh);
  EXPECT_EQ(e->options.forwarding, Forwarding::kDr);
  EXPECT_EQ(e->options.persistence, 300u);

  auto named = parse_configmap_entry("10.20.3.226-8443", "shop/web:port=https");
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->options.service_port, "https");
  EXPECT_FALSE(named->options.same_ports);

  auto bare = parse_configmap_entry("10.20.3.226", "shop/web");  // a key without port means `s`
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->options.same_ports);

  auto udp = parse_configmap_entry("10.20.3.230-53", "10.1.0.5:53:3, 10.1.0.6:53, proto=udp, sched=rr, fwd=fullnat");
  ASSERT_TRUE(udp) << udp.error().message;
  EXPECT_EQ(udp->options.protocol, Protocol::kUdp);
  EXPECT_EQ(udp->options.forwarding, Forwarding::kFullNat);
  EXPECT_EQ(texts(udp->real_servers), (std::vector<std::string>{"10.1.0.5:53*3", "10.1.0.6:53*1"}));
}

TEST(ConfigMapEntries, Ipv6KeysUseUnderscores) {
  auto e = parse_configmap_entry("2001_db8__10-443", "[2001:db8::5]:8443, [2001:db8::6]:8443:2");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->vip.text(), "2001:db8::10");
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(texts(e->real_servers), (std::vector<std::string>{"[2001:db8::5]:8443*1", "[2001:db8::6]:8443*2"}));
  auto plain = parse_configmap_entry("2001:db8::10", "shop/web:s");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->vip.text(), "2001:db8::10");
}

TEST(ConfigMapEntries, EveryRejection) {
  struct Case {
    const char* key;
    const char* value;
    const char* reason;  // a part of the message
  };
  const Case cases[] = {
      {"xx.xx.x3.226", "gslb/lb:s", "is not an IPv4 or IPv6 address"},
      {"10.20.3.256-80", "10.1.0.1:80", "is not an IPv4 or IPv6 address"},
      {"10.20.3.225-0", "10.1.0.1:80", "port after '-'"},
      {"10.20.3.225-70000", "10.1.0.1:80", "port after '-'"},
      {"10.20.3.225-http", "10.1.0.1:80", "port after '-'"},
      {"10.20.3.225-80", "", "empty value"},
      {"10.20.3.225-80", "  ", "empty value"},
      {"10.20.3.225", "10.1.0.1:80", "need a VIP-PORT key"},
      {"10.20.3.225-80", "10.1.0.1", "is not ADDRESS:PORT"},
      {"10.20.3.225-80", "10.1.0.1:80,", "empty item"},
      {"10.20.3.225-80", "10.1.0.1:80, 10.1.0.1:80", "listed twice"},
      {"10.20.3.225-80", "[2001:db8::1]:80", "address family"},
      {"10.20.3.225-80", "10.1.0.1:80, sched=fastest", "unknown scheduler"},
      {"10.20.3.225-80", "10.1.0.1:80, fwd=magic", "unknown forwarding"},
      {"10.20.3.225-80", "10.1.0.1:80, persist=-1", "persist="},
      {"10.20.3.225-80", "10.1.0.1:80, persist=100000", "persist="},
      {"10.20.3.225-80", "10.1.0.1:80, proto=sctp", "unknown protocol"},
      {"10.20.3.225-80", "10.1.0.1:80, color=blue", "unknown option"},
      {"10.20.3.225-80", "10.1.0.1:80, port=http", "unknown option"},
      {"10.20.3.225-80", "sched=rr", "no real servers"},
      {"10.20.3.226", "gslb/", "not a valid namespace/service"},
      {"10.20.3.226", "Gslb/lb:s", "not a valid namespace/service"},
      {"10.20.3.226", "gslb/lb/x:s", "not a valid namespace/service"},
      {"10.20.3.226", "gslb/lb:x", "unknown option 'x'"},
      {"10.20.3.226", "gslb/lb:s,", "empty option"},
      {"10.20.3.226", "gslb/lb:proto=udp", "unknown option"},
      {"10.20.3.226-80", "gslb/lb:s", "the key already names port 80"},
      {"10.20.3.226", "gslb/lb:port=http", "this key has no port"},
      {"10.20.3.226-80", "gslb/lb:port=", "port= needs"},
  };
  for (const auto& c : cases) {
    auto e = parse_configmap_entry(c.key, c.value);
    ASSERT_FALSE(e) << c.key << ": " << c.value;
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(e.error().message.find(c.reason), std::string::npos) << c.key << ": " << c.value << " -> " << e.error().message;
  }
}

TEST(ConfigMapEntries, AMalformedEntryIsSkippedTheOthersWork) {
  auto parsed = parse_configmap({{"10.20.3.225-80", "10.1.0.130:80"}, {"10.20.3.226", "nonsense"}, {"10.20.3.227", "a/b:s"}});
  ASSERT_EQ(parsed.problems.size(), 1u);
  EXPECT_EQ(parsed.problems[0].key, "configmap key 10.20.3.226");
  EXPECT_EQ(parsed.entries.size(), 2u);
}

}  // namespace
}  // namespace pier::lb
