// The nftables ruleset, pure: rendering (exact text, the weight cascade,
// schedulers, IPv6, fullnat, refusals), incremental updates, and parsing
// `nft -j list table inet pier_lb` output captured from nft 1.0.6 in a
// network namespace (the table below was written by render_table with the
// counters preset, then listed). The round trip through a real kernel is in
// tests/integration/lb_nftables_netns_test.cc.
#include "lb/nft_ruleset.h"

#include <gtest/gtest.h>

#include <numeric>
#include <regex>

namespace pier::lb::nft {
namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

VirtualService service(const char* vip, uint16_t port, Protocol protocol, std::vector<RealServer> servers,
                       Scheduler scheduler = Scheduler::kWlc, Forwarding forwarding = Forwarding::kNat) {
  VirtualService vs;
  vs.key = {ip(vip), port, protocol};
  vs.scheduler = scheduler;
  vs.forwarding = forwarding;
  vs.real_servers = std::move(servers);
  std::sort(vs.real_servers.begin(), vs.real_servers.end(), endpoint_less);
  return vs;
}

Services of(std::vector<VirtualService> list) {
  Services out;
  for (auto& vs : list) out[vs.key] = vs;
  return out;
}

// The services the fixture was rendered from (10.1.3.226 and the UDP service
// left out of the pasted listing).
Services fixture_services() {
  return of({
      service("10.1.3.225", 80, Protocol::kTcp, {{ip("10.1.0.130"), 80, 1}, {ip("10.1.51.20"), 80, 3}, {ip("10.1.51.21"), 80, 0}}),
      service("10.1.3.227", 80, Protocol::kTcp, {{ip("10.1.0.9"), 80, 0}}),
      service("2001:db8::10", 443, Protocol::kTcp, {{ip("2001:db8::5"), 8443, 1}, {ip("2001:db8::6"), 8443, 2}},
              Scheduler::kWrr, Forwarding::kFullNat),
  });
}

constexpr const char* kFixture = R"json({"nftables": [
{"metainfo":{"version":"1.0.6","release_name":"Lester Gooch #5","json_schema_version":1}},
{"table":{"family":"inet","name":"pier_lb","handle":2}},
{"counter":{"family":"inet","name":"svc_10_1_3_225_80_tcp","table":"pier_lb","handle":13,"packets":12,"bytes":720}},
{"counter":{"family":"inet","name":"svc_10_1_3_225_80_tcp_in","table":"pier_lb","handle":14,"packets":100,"bytes":8000}},
{"counter":{"family":"inet","name":"svc_10_1_3_225_80_tcp_out","table":"pier_lb","handle":15,"packets":90,"bytes":50000}},
{"counter":{"family":"inet","name":"svc_10_1_3_227_80_tcp","table":"pier_lb","handle":19,"packets":0,"bytes":0}},
{"counter":{"family":"inet","name":"svc_10_1_3_227_80_tcp_in","table":"pier_lb","handle":20,"packets":0,"bytes":0}},
{"counter":{"family":"inet","name":"svc_10_1_3_227_80_tcp_out","table":"pier_lb","handle":21,"packets":0,"bytes":0}},
{"counter":{"family":"inet","name":"svc_2001-db8--10_443_tcp","table":"pier_lb","handle":22,"packets":0,"bytes":0}},
{"counter":{"family":"inet","name":"svc_2001-db8--10_443_tcp_in","table":"pier_lb","handle":23,"packets":0,"bytes":0}},
{"counter":{"family":"inet","name":"svc_2001-db8--10_443_tcp_out","table":"pier_lb","handle":24,"packets":0,"bytes":0}},
{"map":{"family":"inet","name":"services4","table":"pier_lb","type":["ipv4_addr","inet_proto","inet_service"],"handle":25,"map":"verdict","elem":[[{"concat":["10.1.3.225","tcp",80]},{"goto":{"target":"svc_10_1_3_225_80_tcp"}}],[{"concat":["10.1.3.227","tcp",80]},{"goto":{"target":"svc_10_1_3_227_80_tcp"}}]]}},
{"map":{"family":"inet","name":"traffic_in4","table":"pier_lb","type":["ipv4_addr","inet_proto","inet_service"],"handle":26,"map":"counter","elem":[[{"concat":["10.1.3.225","tcp",80]},"svc_10_1_3_225_80_tcp_in"],[{"concat":["10.1.3.227","tcp",80]},"svc_10_1_3_227_80_tcp_in"]]}},
{"map":{"family":"inet","name":"traffic_out4","table":"pier_lb","type":["ipv4_addr","inet_proto","inet_service"],"handle":27,"map":"counter","elem":[[{"concat":["10.1.3.225","tcp",80]},"svc_10_1_3_225_80_tcp_out"],[{"concat":["10.1.3.227","tcp",80]},"svc_10_1_3_227_80_tcp_out"]]}},
{"set":{"family":"inet","name":"fullnat4","table":"pier_lb","type":["ipv4_addr","inet_proto","inet_service"],"handle":28}},
{"map":{"family":"inet","name":"services6","table":"pier_lb","type":["ipv6_addr","inet_proto","inet_service"],"handle":29,"map":"verdict","elem":[[{"concat":["2001:db8::10","tcp",443]},{"goto":{"target":"svc_2001-db8--10_443_tcp"}}]]}},
{"map":{"family":"inet","name":"traffic_in6","table":"pier_lb","type":["ipv6_addr","inet_proto","inet_service"],"handle":30,"map":"counter","elem":[[{"concat":["2001:db8::10","tcp",443]},"svc_2001-db8--10_443_tcp_in"]]}},
{"map":{"family":"inet","name":"traffic_out6","table":"pier_lb","type":["ipv6_addr","inet_proto","inet_service"],"handle":31,"map":"counter","elem":[[{"concat":["2001:db8::10","tcp",443]},"svc_2001-db8--10_443_tcp_out"]]}},
{"set":{"family":"inet","name":"fullnat6","table":"pier_lb","type":["ipv6_addr","inet_proto","inet_service"],"handle":32,"elem":[{"concat":["2001:db8::10","tcp",443]}]}},
{"chain":{"family":"inet","table":"pier_lb","name":"prerouting","handle":1,"type":"nat","hook":"prerouting","prio":-100,"policy":"accept"}},
{"chain":{"family":"inet","table":"pier_lb","name":"output","handle":2,"type":"nat","hook":"output","prio":-100,"policy":"accept"}},
{"chain":{"family":"inet","table":"pier_lb","name":"postrouting","handle":3,"type":"nat","hook":"postrouting","prio":100,"policy":"accept"}},
{"chain":{"family":"inet","table":"pier_lb","name":"forward","handle":4,"type":"filter","hook":"forward","prio":0,"policy":"accept"}},
{"chain":{"family":"inet","table":"pier_lb","name":"svc_10_1_3_225_80_tcp","handle":6}},
{"chain":{"family":"inet","table":"pier_lb","name":"svc_10_1_3_227_80_tcp","handle":8}},
{"chain":{"family":"inet","table":"pier_lb","name":"svc_2001-db8--10_443_tcp","handle":9}},
{"rule":{"family":"inet","table":"pier_lb","chain":"prerouting","handle":33,"expr":[{"vmap":{"key":{"concat":[{"payload":{"protocol":"ip","field":"daddr"}},{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}}]},"data":"@services4"}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"prerouting","handle":34,"expr":[{"vmap":{"key":{"concat":[{"payload":{"protocol":"ip6","field":"daddr"}},{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}}]},"data":"@services6"}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"output","handle":35,"expr":[{"vmap":{"key":{"concat":[{"payload":{"protocol":"ip","field":"daddr"}},{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}}]},"data":"@services4"}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"output","handle":36,"expr":[{"vmap":{"key":{"concat":[{"payload":{"protocol":"ip6","field":"daddr"}},{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}}]},"data":"@services6"}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"postrouting","handle":37,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"match":{"op":"in","left":{"ct":{"key":"status"}},"right":"dnat"}},{"match":{"op":"==","left":{"concat":[{"ct":{"key":"ip daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"right":"@fullnat4"}},{"masquerade":null}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"postrouting","handle":38,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"udp"}},{"match":{"op":"in","left":{"ct":{"key":"status"}},"right":"dnat"}},{"match":{"op":"==","left":{"concat":[{"ct":{"key":"ip daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"right":"@fullnat4"}},{"masquerade":null}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"postrouting","handle":39,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv6"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"match":{"op":"in","left":{"ct":{"key":"status"}},"right":"dnat"}},{"match":{"op":"==","left":{"concat":[{"ct":{"key":"ip6 daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"right":"@fullnat6"}},{"masquerade":null}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"postrouting","handle":40,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv6"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"udp"}},{"match":{"op":"in","left":{"ct":{"key":"status"}},"right":"dnat"}},{"match":{"op":"==","left":{"concat":[{"ct":{"key":"ip6 daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"right":"@fullnat6"}},{"masquerade":null}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"forward","handle":41,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"match":{"op":"==","left":{"ct":{"key":"direction"}},"right":"original"}},{"counter":{"map":{"key":{"concat":[{"ct":{"key":"ip daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"data":"@traffic_in4"}}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"forward","handle":42,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"match":{"op":"==","left":{"ct":{"key":"direction"}},"right":"reply"}},{"counter":{"map":{"key":{"concat":[{"ct":{"key":"ip daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"data":"@traffic_out4"}}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"forward","handle":43,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"udp"}},{"match":{"op":"==","left":{"ct":{"key":"direction"}},"right":"original"}},{"counter":{"map":{"key":{"concat":[{"ct":{"key":"ip daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"data":"@traffic_in4"}}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"forward","handle":44,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"udp"}},{"match":{"op":"==","left":{"ct":{"key":"direction"}},"right":"reply"}},{"counter":{"map":{"key":{"concat":[{"ct":{"key":"ip daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"data":"@traffic_out4"}}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"forward","handle":45,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv6"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"match":{"op":"==","left":{"ct":{"key":"direction"}},"right":"original"}},{"counter":{"map":{"key":{"concat":[{"ct":{"key":"ip6 daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"data":"@traffic_in6"}}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"forward","handle":46,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv6"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"match":{"op":"==","left":{"ct":{"key":"direction"}},"right":"reply"}},{"counter":{"map":{"key":{"concat":[{"ct":{"key":"ip6 daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"data":"@traffic_out6"}}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"forward","handle":47,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv6"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"udp"}},{"match":{"op":"==","left":{"ct":{"key":"direction"}},"right":"original"}},{"counter":{"map":{"key":{"concat":[{"ct":{"key":"ip6 daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"data":"@traffic_in6"}}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"forward","handle":48,"expr":[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv6"}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"udp"}},{"match":{"op":"==","left":{"ct":{"key":"direction"}},"right":"reply"}},{"counter":{"map":{"key":{"concat":[{"ct":{"key":"ip6 daddr","dir":"original"}},{"meta":{"key":"l4proto"}},{"ct":{"key":"proto-dst","dir":"original"}}]},"data":"@traffic_out6"}}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_10_1_3_225_80_tcp","handle":52,"comment":"pier sched=wlc fwd=nat persist=0","expr":[{"counter":"svc_10_1_3_225_80_tcp"}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_10_1_3_225_80_tcp","handle":53,"comment":"weight 1","expr":[{"match":{"op":"<","left":{"numgen":{"mode":"random","mod":4,"offset":0}},"right":1}},{"counter":{"packets":3,"bytes":180}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"dnat":{"family":"ip","addr":"10.1.0.130","port":80}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_10_1_3_225_80_tcp","handle":54,"comment":"weight 3","expr":[{"counter":{"packets":9,"bytes":540}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"dnat":{"family":"ip","addr":"10.1.51.20","port":80}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_10_1_3_225_80_tcp","handle":55,"comment":"weight 0","expr":[{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"dnat":{"family":"ip","addr":"10.1.51.21","port":80}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_10_1_3_227_80_tcp","handle":59,"comment":"pier sched=wlc fwd=nat persist=0","expr":[{"counter":"svc_10_1_3_227_80_tcp"}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_10_1_3_227_80_tcp","handle":60,"comment":"no real server with weight > 0","expr":[{"drop":null}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_10_1_3_227_80_tcp","handle":61,"comment":"weight 0","expr":[{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"dnat":{"family":"ip","addr":"10.1.0.9","port":80}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_2001-db8--10_443_tcp","handle":62,"comment":"pier sched=wrr fwd=fullnat persist=0","expr":[{"counter":"svc_2001-db8--10_443_tcp"}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_2001-db8--10_443_tcp","handle":63,"comment":"weight 1","expr":[{"match":{"op":"<","left":{"numgen":{"mode":"inc","mod":3,"offset":0}},"right":1}},{"counter":{"packets":0,"bytes":0}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"dnat":{"family":"ip6","addr":"2001:db8::5","port":8443}}]}},
{"rule":{"family":"inet","table":"pier_lb","chain":"svc_2001-db8--10_443_tcp","handle":64,"comment":"weight 2","expr":[{"counter":{"packets":0,"bytes":0}},{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"dnat":{"family":"ip6","addr":"2001:db8::6","port":8443}}]}}
]})json";

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (line.find(needle) != std::string::npos) out.push_back(line);
    pos = end + 1;
  }
  return out;
}

TEST(NftNames, ServiceChainNamesRoundTrip) {
  ServiceKey v4{ip("10.1.3.225"), 80, Protocol::kTcp};
  ServiceKey v6{ip("2001:db8::10"), 443, Protocol::kUdp};
  ServiceKey v6short{ip("::1"), 53, Protocol::kUdp};
  EXPECT_EQ(service_chain_name(v4), "svc_10_1_3_225_80_tcp");
  EXPECT_EQ(service_chain_name(v6), "svc_2001-db8--10_443_udp");
  EXPECT_EQ(service_chain_name(v6short), "svc_--1_53_udp");
  for (const auto& k : {v4, v6, v6short}) EXPECT_EQ(parse_service_chain_name(service_chain_name(k)), k);
  for (const char* bad : {"prerouting", "svc_", "svc_10_1_3_225_0_tcp", "svc_10_1_3_225_80_sctp", "svc_10_1_3_80_tcp",
                          "svc_010_1_3_225_80_tcp", "svc_10_1_3_225_080_tcp", "svc_2001-db8--10_443_tcp_in"})
    EXPECT_FALSE(parse_service_chain_name(bad)) << bad;
}

TEST(NftRender, OneServiceTableExactly) {
  Services s = of({service("10.1.3.225", 80, Protocol::kTcp,
                           {{ip("10.1.0.130"), 80, 1}, {ip("10.1.51.20"), 80, 3}, {ip("10.1.51.21"), 80, 0}})});
  const std::string expected = R"(add table inet pier_lb
delete table inet pier_lb
table inet pier_lb {
map services4 {
type ipv4_addr . inet_proto . inet_service : verdict
elements = {
10.1.3.225 . tcp . 80 : goto svc_10_1_3_225_80_tcp
}
}
map traffic_in4 {
type ipv4_addr . inet_proto . inet_service : counter
elements = {
10.1.3.225 . tcp . 80 : "svc_10_1_3_225_80_tcp_in"
}
}
map traffic_out4 {
type ipv4_addr . inet_proto . inet_service : counter
elements = {
10.1.3.225 . tcp . 80 : "svc_10_1_3_225_80_tcp_out"
}
}
set fullnat4 {
type ipv4_addr . inet_proto . inet_service
}
map services6 {
type ipv6_addr . inet_proto . inet_service : verdict
}
map traffic_in6 {
type ipv6_addr . inet_proto . inet_service : counter
}
map traffic_out6 {
type ipv6_addr . inet_proto . inet_service : counter
}
set fullnat6 {
type ipv6_addr . inet_proto . inet_service
}
chain prerouting {
type nat hook prerouting priority dstnat; policy accept;
ip daddr . meta l4proto . th dport vmap @services4
ip6 daddr . meta l4proto . th dport vmap @services6
}
chain output {
type nat hook output priority -100; policy accept;
ip daddr . meta l4proto . th dport vmap @services4
ip6 daddr . meta l4proto . th dport vmap @services6
}
chain postrouting {
type nat hook postrouting priority srcnat; policy accept;
meta nfproto ipv4 meta l4proto tcp ct status dnat ct original ip daddr . meta l4proto . ct original proto-dst @fullnat4 masquerade
meta nfproto ipv4 meta l4proto udp ct status dnat ct original ip daddr . meta l4proto . ct original proto-dst @fullnat4 masquerade
meta nfproto ipv6 meta l4proto tcp ct status dnat ct original ip6 daddr . meta l4proto . ct original proto-dst @fullnat6 masquerade
meta nfproto ipv6 meta l4proto udp ct status dnat ct original ip6 daddr . meta l4proto . ct original proto-dst @fullnat6 masquerade
}
chain forward {
type filter hook forward priority filter; policy accept;
meta nfproto ipv4 meta l4proto tcp ct direction original counter name ct original ip daddr . meta l4proto . ct original proto-dst map @traffic_in4
meta nfproto ipv4 meta l4proto tcp ct direction reply counter name ct original ip daddr . meta l4proto . ct original proto-dst map @traffic_out4
meta nfproto ipv4 meta l4proto udp ct direction original counter name ct original ip daddr . meta l4proto . ct original proto-dst map @traffic_in4
meta nfproto ipv4 meta l4proto udp ct direction reply counter name ct original ip daddr . meta l4proto . ct original proto-dst map @traffic_out4
meta nfproto ipv6 meta l4proto tcp ct direction original counter name ct original ip6 daddr . meta l4proto . ct original proto-dst map @traffic_in6
meta nfproto ipv6 meta l4proto tcp ct direction reply counter name ct original ip6 daddr . meta l4proto . ct original proto-dst map @traffic_out6
meta nfproto ipv6 meta l4proto udp ct direction original counter name ct original ip6 daddr . meta l4proto . ct original proto-dst map @traffic_in6
meta nfproto ipv6 meta l4proto udp ct direction reply counter name ct original ip6 daddr . meta l4proto . ct original proto-dst map @traffic_out6
}
counter svc_10_1_3_225_80_tcp {
}
counter svc_10_1_3_225_80_tcp_in {
}
counter svc_10_1_3_225_80_tcp_out {
}
chain svc_10_1_3_225_80_tcp {
counter name "svc_10_1_3_225_80_tcp" comment "pier sched=wlc fwd=nat persist=0"
numgen random mod 4 < 1 counter meta l4proto tcp dnat ip to 10.1.0.130:80 comment "weight 1"
counter meta l4proto tcp dnat ip to 10.1.51.20:80 comment "weight 3"
meta l4proto tcp dnat ip to 10.1.51.21:80 comment "weight 0"
}
}
)";
  EXPECT_EQ(render_table(s), expected);
  EXPECT_EQ(render_table(s), render_table(s));  // deterministic
}

// Each step takes `w` of the `R` remaining: over the cascade every server
// gets exactly weight / total of the new connections.
TEST(NftRender, WeightCascadeGivesEachServerItsShare) {
  std::vector<uint32_t> weights = {2, 0, 5, 3, 7, 1};
  std::vector<RealServer> servers;
  for (size_t i = 0; i < weights.size(); ++i)
    servers.push_back({ip(("10.2.0." + std::to_string(i + 1)).c_str()), 8080, weights[i]});
  Services s = of({service("10.1.3.225", 80, Protocol::kTcp, servers)});
  std::string text = render_table(s);
  std::regex step(R"re(numgen random mod (\d+) < (\d+) counter meta l4proto tcp dnat ip to ([0-9.]+):8080 comment "weight (\d+)")re");
  double reach = 1.0;  // probability that a connection gets this far
  uint32_t total = std::accumulate(weights.begin(), weights.end(), 0u);
  std::map<std::string, double> share;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), step); it != std::sregex_iterator(); ++it) {
    double r = std::stod((*it)[1]), w = std::stod((*it)[2]);
    EXPECT_EQ((*it)[2], (*it)[4]);
    share[(*it)[3]] = reach * w / r;
    reach *= (r - w) / r;
  }
  auto last = lines_with(text, "comment \"weight 1\"");
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0], "counter meta l4proto tcp dnat ip to 10.2.0.6:8080 comment \"weight 1\"");
  share["10.2.0.6"] = reach;
  for (size_t i = 0; i < weights.size(); ++i)
    EXPECT_NEAR(share["10.2.0." + std::to_string(i + 1)], double(weights[i]) / total, 1e-12) << i;
  // The weight-0 server comes after the last (final) DNAT: listed, never chosen.
  auto zero = lines_with(text, "weight 0");
  ASSERT_EQ(zero.size(), 1u);
  EXPECT_EQ(zero[0], "meta l4proto tcp dnat ip to 10.2.0.2:8080 comment \"weight 0\"");
  EXPECT_GT(text.find(zero[0]), text.find(last[0]));
}

TEST(NftRender, SchedulersIpv6FullnatAndNoReadyServer) {
  Services s = of({
      service("10.1.3.225", 53, Protocol::kUdp, {{ip("10.1.0.5"), 53, 1}, {ip("10.1.0.6"), 53, 1}}, Scheduler::kRr,
              Forwarding::kFullNat),
      service("10.1.3.226", 443, Protocol::kTcp, {{ip("10.1.0.9"), 8443, 2}, {ip("10.1.0.10"), 8443, 2}}, Scheduler::kSh),
      service("10.1.3.227", 80, Protocol::kTcp, {{ip("10.1.0.9"), 80, 0}}),
      service("2001:db8::10", 443, Protocol::kTcp, {{ip("2001:db8::5"), 8443, 1}, {ip("2001:db8::6"), 8443, 2}},
              Scheduler::kSh, Forwarding::kFullNat),
  });
  std::string text = render_table(s);
  EXPECT_EQ(lines_with(text, "numgen inc").size(), 1u);
  EXPECT_EQ(lines_with(text, "numgen inc")[0], "numgen inc mod 2 < 1 counter meta l4proto udp dnat ip to 10.1.0.5:53 comment \"weight 1\"");
  EXPECT_EQ(lines_with(text, "jhash ip saddr")[0],
            "jhash ip saddr mod 4 seed 1 < 2 counter meta l4proto tcp dnat ip to 10.1.0.9:8443 comment \"weight 2\"");
  EXPECT_EQ(lines_with(text, "jhash ip6 saddr")[0],
            "jhash ip6 saddr mod 3 seed 1 < 1 counter meta l4proto tcp dnat ip6 to [2001:db8::5]:8443 comment \"weight 1\"");
  EXPECT_EQ(lines_with(text, "drop").size(), 1u);
  EXPECT_NE(text.find("chain svc_10_1_3_227_80_tcp {\ncounter name \"svc_10_1_3_227_80_tcp\" comment \"pier sched=wlc "
                      "fwd=nat persist=0\"\ndrop comment"),
            std::string::npos);
  EXPECT_NE(text.find("2001:db8::10 . tcp . 443 : goto svc_2001-db8--10_443_tcp"), std::string::npos);
  EXPECT_NE(text.find("set fullnat4 {\ntype ipv4_addr . inet_proto . inet_service\nelements = {\n10.1.3.225 . udp . 53\n}"),
            std::string::npos);
  EXPECT_NE(text.find("set fullnat6 {\ntype ipv6_addr . inet_proto . inet_service\nelements = {\n2001:db8::10 . tcp . 443\n}"),
            std::string::npos);
  EXPECT_NE(text.find("2001:db8::10 . tcp . 443 : \"svc_2001-db8--10_443_tcp_out\""), std::string::npos);
  EXPECT_NE(text.find("comment \"pier sched=sh fwd=fullnat persist=0\""), std::string::npos);
}

TEST(NftRender, RefusesWhatNftablesCannotDo) {
  for (Forwarding f : {Forwarding::kDr, Forwarding::kTun}) {
    auto r = check_supported(service("10.1.3.225", 80, Protocol::kTcp, {}, Scheduler::kWlc, f));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().retry, Retry::kNo);
    EXPECT_NE(r.error().message.find("10.1.3.225:80/TCP: forwarding " + std::string(name(f))), std::string::npos);
  }
  VirtualService persistent = service("10.1.3.225", 80, Protocol::kTcp, {});
  persistent.persistence_seconds = 300;
  ASSERT_FALSE(check_supported(persistent));
  EXPECT_NE(check_supported(persistent).error().message.find("persistence"), std::string::npos);
  EXPECT_FALSE(check_supported(service("10.1.3.225", 80, Protocol::kTcp, {{ip("2001:db8::5"), 80, 1}})));
  EXPECT_FALSE(check_supported(service("10.1.3.225", 80, Protocol::kTcp,
                                       {{ip("10.0.0.1"), 80, 0xffffffffu}, {ip("10.0.0.2"), 80, 1}})));
  EXPECT_TRUE(check_supported(service("10.1.3.225", 80, Protocol::kTcp, {{ip("10.0.0.1"), 80, 7}}, Scheduler::kMh,
                                      Forwarding::kFullNat)));
}

TEST(NftUpdate, TouchesOnlyTheChangedServicesInASafeOrder) {
  Services before = of({
      service("10.1.3.225", 80, Protocol::kTcp, {{ip("10.1.0.130"), 80, 1}, {ip("10.1.51.20"), 80, 1}}),
      service("10.1.3.227", 80, Protocol::kTcp, {{ip("10.1.0.9"), 80, 1}}),
      service("10.1.3.229", 80, Protocol::kTcp, {{ip("10.1.0.99"), 80, 1}}),
  });
  Services after = before;
  after.erase(ServiceKey{ip("10.1.3.227"), 80, Protocol::kTcp});
  after[ServiceKey{ip("10.1.3.225"), 80, Protocol::kTcp}].real_servers.pop_back();
  VirtualService added = service("10.1.3.228", 80, Protocol::kTcp, {{ip("10.1.0.130"), 80, 1}}, Scheduler::kWlc,
                                 Forwarding::kFullNat);
  after[added.key] = added;
  std::vector<ServiceKey> touched = {ServiceKey{ip("10.1.3.227"), 80, Protocol::kTcp},
                                     ServiceKey{ip("10.1.3.225"), 80, Protocol::kTcp}, added.key};
  const std::string expected = R"(delete element inet pier_lb services4 { 10.1.3.227 . tcp . 80 }
delete element inet pier_lb traffic_in4 { 10.1.3.227 . tcp . 80 }
delete element inet pier_lb traffic_out4 { 10.1.3.227 . tcp . 80 }
flush chain inet pier_lb svc_10_1_3_225_80_tcp
add rule inet pier_lb svc_10_1_3_225_80_tcp counter name "svc_10_1_3_225_80_tcp" comment "pier sched=wlc fwd=nat persist=0"
add rule inet pier_lb svc_10_1_3_225_80_tcp counter meta l4proto tcp dnat ip to 10.1.0.130:80 comment "weight 1"
flush chain inet pier_lb svc_10_1_3_227_80_tcp
delete chain inet pier_lb svc_10_1_3_227_80_tcp
delete counter inet pier_lb svc_10_1_3_227_80_tcp
delete counter inet pier_lb svc_10_1_3_227_80_tcp_in
delete counter inet pier_lb svc_10_1_3_227_80_tcp_out
add counter inet pier_lb svc_10_1_3_228_80_tcp
add counter inet pier_lb svc_10_1_3_228_80_tcp_in
add counter inet pier_lb svc_10_1_3_228_80_tcp_out
add chain inet pier_lb svc_10_1_3_228_80_tcp
add rule inet pier_lb svc_10_1_3_228_80_tcp counter name "svc_10_1_3_228_80_tcp" comment "pier sched=wlc fwd=fullnat persist=0"
add rule inet pier_lb svc_10_1_3_228_80_tcp counter meta l4proto tcp dnat ip to 10.1.0.130:80 comment "weight 1"
add element inet pier_lb fullnat4 { 10.1.3.228 . tcp . 80 }
add element inet pier_lb traffic_in4 { 10.1.3.228 . tcp . 80 : "svc_10_1_3_228_80_tcp_in" }
add element inet pier_lb traffic_out4 { 10.1.3.228 . tcp . 80 : "svc_10_1_3_228_80_tcp_out" }
add element inet pier_lb services4 { 10.1.3.228 . tcp . 80 : goto svc_10_1_3_228_80_tcp }
)";
  EXPECT_EQ(render_update(before, after, touched), expected);
  EXPECT_EQ(render_update(before, before, touched).find("delete"), std::string::npos);
  EXPECT_EQ(render_update(before, after, {}), "");
}

// A change of forwarding rewrites the chain and moves the service in or out
// of the fullnat set; its counters and map elements stay.
TEST(NftUpdate, ForwardingChangeMovesTheServiceInAndOutOfFullnat) {
  Services before = of({service("2001:db8::10", 443, Protocol::kTcp, {{ip("2001:db8::5"), 8443, 1}})});
  ServiceKey key = before.begin()->first;
  Services after = before;
  after[key].forwarding = Forwarding::kFullNat;
  std::vector<ServiceKey> touched = {key};
  EXPECT_EQ(render_update(before, after, touched),
            "flush chain inet pier_lb svc_2001-db8--10_443_tcp\n"
            "add rule inet pier_lb svc_2001-db8--10_443_tcp counter name \"svc_2001-db8--10_443_tcp\" comment \"pier "
            "sched=wlc fwd=fullnat persist=0\"\n"
            "add rule inet pier_lb svc_2001-db8--10_443_tcp counter meta l4proto tcp dnat ip6 to [2001:db8::5]:8443 "
            "comment \"weight 1\"\n"
            "add element inet pier_lb fullnat6 { 2001:db8::10 . tcp . 443 }\n");
  std::string back = render_update(after, before, touched);
  EXPECT_EQ(back.find("delete element inet pier_lb fullnat6 { 2001:db8::10 . tcp . 443 }\n"), 0u);
  EXPECT_EQ(back.find("delete counter"), std::string::npos);  // counters survive a change
  // Removing a fullnat service removes its fullnat element before its chain.
  Services none;
  std::string removal = render_update(after, none, touched);
  EXPECT_LT(removal.find("delete element inet pier_lb fullnat6"), removal.find("delete chain"));
}

TEST(NftParse, ActualFromCapturedListing) {
  auto actual = parse_actual(kFixture);
  ASSERT_TRUE(actual.has_value()) << actual.error().message;
  Services expected = fixture_services();
  ASSERT_EQ(actual->services.size(), expected.size());
  for (const auto& [key, vs] : expected) {
    ASSERT_TRUE(actual->services.contains(key)) << key.text();
    const ActualService& a = actual->services.at(key);
    EXPECT_TRUE(a.owned);
    EXPECT_EQ(a.scheduler, vs.scheduler) << key.text();
    EXPECT_EQ(a.forwarding, vs.forwarding) << key.text();
    EXPECT_EQ(a.persistence_seconds, 0u);
    ASSERT_EQ(a.real_servers.size(), vs.real_servers.size()) << key.text();
    for (size_t i = 0; i < vs.real_servers.size(); ++i) {
      EXPECT_EQ(a.real_servers[i].server, vs.real_servers[i]) << key.text() << " " << i;
      EXPECT_EQ(a.real_servers[i].active_connections, 0u);
      EXPECT_FALSE(a.real_servers[i].drain_started);
    }
  }
  // What the core does with it: the same desired state gives no operation.
  Desired desired;
  desired.services = expected;
  EXPECT_TRUE(diff(desired, *actual, {.now = std::chrono::steady_clock::now()}).operations.empty());
}

TEST(NftParse, TrafficFromCapturedListing) {
  auto traffic = parse_traffic(kFixture);
  ASSERT_TRUE(traffic.has_value()) << traffic.error().message;
  ASSERT_EQ(traffic->size(), 3u);
  const ServiceTraffic& t = traffic->front();
  EXPECT_EQ(t.key, (ServiceKey{ip("10.1.3.225"), 80, Protocol::kTcp}));
  EXPECT_EQ(t.counters, (TrafficCounters{12, 100, 90, 8000, 50000}));
  ASSERT_EQ(t.real_servers.size(), 3u);
  EXPECT_EQ(t.real_servers[0].address, ip("10.1.0.130"));
  EXPECT_EQ(t.real_servers[0].counters.connections, 3u);
  EXPECT_EQ(t.real_servers[1].counters.connections, 9u);
  EXPECT_EQ(t.real_servers[2].counters.connections, 0u);  // draining: never chosen
  EXPECT_EQ(traffic->back().key.vip, ip("2001:db8::10"));
  EXPECT_EQ(traffic->back().real_servers.size(), 2u);
}

TEST(NftParse, RejectsWhatIsNotAListing) {
  for (const char* bad : {"", "{", "[]", "{\"nft\": []}"}) {
    auto r = parse_actual(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().retry, Retry::kResync);
  }
  auto empty = parse_actual(R"({"nftables": [{"metainfo": {"version": "1.0.6"}}]})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->services.empty());
  // A dnat rule whose target is not an address: a re-sync, not a crash.
  auto broken = parse_actual(R"({"nftables": [{"rule": {"family": "inet", "table": "pier_lb", "chain": "svc_10_1_3_225_80_tcp",
      "expr": [{"dnat": {"family": "ip", "addr": "nonsense", "port": 80}}]}}]})");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().retry, Retry::kResync);
  // Other tables and chains of other shapes are not ours: ignored.
  auto foreign = parse_actual(R"({"nftables": [{"chain": {"family": "inet", "table": "filter", "name": "svc_10_1_3_225_80_tcp"}},
      {"chain": {"family": "ip", "table": "pier_lb", "name": "svc_10_1_3_225_80_tcp"}},
      {"chain": {"family": "inet", "table": "pier_lb", "name": "svc_my_own"}}]})");
  ASSERT_TRUE(foreign);
  EXPECT_TRUE(foreign->services.empty());
}

TEST(NftMirror, OperationsChangeTheMirror) {
  Services mirror;
  ServiceKey key{ip("10.1.3.225"), 80, Protocol::kTcp};
  Operation add{OperationKind::kAddService, key, Scheduler::kSh, Forwarding::kFullNat};
  ASSERT_TRUE(apply_operation(mirror, add));
  Operation rs = add;
  rs.kind = OperationKind::kAddRealServer;
  rs.server = {ip("10.1.0.2"), 80, 3};
  ASSERT_TRUE(apply_operation(mirror, rs));
  rs.server = {ip("10.1.0.1"), 80, 1};
  ASSERT_TRUE(apply_operation(mirror, rs));
  rs.kind = OperationKind::kUpdateRealServer;
  rs.server.weight = 0;
  ASSERT_TRUE(apply_operation(mirror, rs));
  const VirtualService& vs = mirror.at(key);
  EXPECT_EQ(vs.scheduler, Scheduler::kSh);
  EXPECT_EQ(vs.forwarding, Forwarding::kFullNat);
  ASSERT_EQ(vs.real_servers.size(), 2u);
  EXPECT_EQ(vs.real_servers[0], (RealServer{ip("10.1.0.1"), 80, 0}));
  EXPECT_EQ(vs.real_servers[1], (RealServer{ip("10.1.0.2"), 80, 3}));
  rs.kind = OperationKind::kRemoveRealServer;
  ASSERT_TRUE(apply_operation(mirror, rs));
  EXPECT_EQ(mirror.at(key).real_servers.size(), 1u);

  Operation dr{OperationKind::kAddService, ServiceKey{ip("10.1.3.226"), 80, Protocol::kTcp}, Scheduler::kWlc, Forwarding::kDr};
  auto refused = apply_operation(mirror, dr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().retry, Retry::kNo);
  EXPECT_FALSE(mirror.contains(dr.service));
  Operation remove{OperationKind::kRemoveService, key};
  ASSERT_TRUE(apply_operation(mirror, remove));
  EXPECT_TRUE(mirror.empty());
}

}  // namespace
}  // namespace pier::lb::nft
