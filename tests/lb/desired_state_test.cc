#include "lb/desired_state.h"

#include <gtest/gtest.h>

namespace pier::lb {
namespace {

using nlohmann::json;

json service(const std::string& ns, const std::string& name, json ports, const std::string& type = "ClusterIP") {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"namespace", ns}, {"name", name}}},
          {"spec", {{"type", type}, {"ports", ports}}}};
}

json port(const std::string& name, int number, int target, const std::string& protocol = "TCP") {
  return {{"name", name}, {"port", number}, {"targetPort", target}, {"protocol", protocol}};
}

json slice(const std::string& ns, const std::string& service_name, json ports, std::vector<std::string> ready,
           std::vector<std::string> terminating = {}) {
  json endpoints = json::array();
  for (const auto& ip : ready) endpoints.push_back({{"addresses", {ip}}, {"conditions", {{"ready", true}}}});
  for (const auto& ip : terminating)
    endpoints.push_back({{"addresses", {ip}}, {"conditions", {{"ready", false}, {"serving", true}, {"terminating", true}}}});
  return {{"metadata", {{"namespace", ns}, {"name", service_name + "-x"}, {"labels", {{"kubernetes.io/service-name", service_name}}}}},
          {"addressType", "IPv4"},
          {"ports", ports},
          {"endpoints", endpoints}};
}

ServiceKey key(const char* vip, uint16_t port, Protocol protocol = Protocol::kTcp) {
  return {*IpAddress::parse(vip), port, protocol};
}

std::vector<std::string> servers(const Desired& d, const ServiceKey& k) {
  std::vector<std::string> out;
  auto it = d.services.find(k);
  if (it == d.services.end()) return {"<missing " + k.text() + ">"};
  for (const auto& s : it->second.real_servers) out.push_back(s.text() + "*" + std::to_string(s.weight));
  return out;
}

std::vector<std::string> problems(const Desired& d) {
  std::vector<std::string> out;
  for (const auto& p : d.problems) out.push_back(p.key + ": " + p.reason);
  return out;
}

// The ingress service of the seed: one VIP, every Service port, named
// target ports resolved through the EndpointSlice, terminating pods draining.
TEST(DesiredState, TheSeedsIngressServiceWithSamePorts) {
  Snapshot s;
  s.configmap = {{"10.20.3.226", "gslb/nginx-ingress-controller-new-lb:s,sched=sh,persist=60"},
                 {"10.20.3.225-80", "10.1.0.130:80, 10.1.51.20:80:3"}};
  s.services.push_back(service("gslb", "nginx-ingress-controller-new-lb", {port("http", 80, 0), port("https", 443, 0)}));
  s.endpoint_slices.push_back(slice("gslb", "nginx-ingress-controller-new-lb",
                                    {{{"name", "http"}, {"port", 8080}}, {{"name", "https"}, {"port", 8443}}},
                                    {"10.2.0.1", "10.2.0.2"}, {"10.2.0.3"}));
  Desired d = compute_desired(s);
  EXPECT_TRUE(d.problems.empty()) << problems(d).front();
  ASSERT_EQ(d.services.size(), 3u);
  EXPECT_EQ(servers(d, key("10.20.3.226", 80)),
            (std::vector<std::string>{"10.2.0.1:8080*1", "10.2.0.2:8080*1", "10.2.0.3:8080*0"}));
  EXPECT_EQ(servers(d, key("10.20.3.226", 443)),
            (std::vector<std::string>{"10.2.0.1:8443*1", "10.2.0.2:8443*1", "10.2.0.3:8443*0"}));
  EXPECT_EQ(servers(d, key("10.20.3.225", 80)), (std::vector<std::string>{"10.1.0.130:80*1", "10.1.51.20:80*3"}));
  const VirtualService& vs = d.services.at(key("10.20.3.226", 443));
  EXPECT_EQ(vs.scheduler, Scheduler::kSh);
  EXPECT_EQ(vs.persistence_seconds, 60u);
  EXPECT_EQ(vs.forwarding, Forwarding::kNat);
  EXPECT_EQ(vs.owner.text(), "configmap key 10.20.3.226");
  EXPECT_EQ(vs.owner.service, "gslb/nginx-ingress-controller-new-lb");
  EXPECT_EQ(d.by_service.at("gslb/nginx-ingress-controller-new-lb").size(), 2u);
  EXPECT_TRUE(d.ingress.empty());  // not a LoadBalancer Service
}

TEST(DesiredState, VipPortKeyPicksOneServicePort) {
  Snapshot s;
  s.configmap = {{"10.20.3.230-8443", "shop/web:port=https"}, {"10.20.3.231-80", "shop/web"},
                 {"10.20.3.232-9000", "shop/single"}, {"10.20.3.233-9000", "shop/web"}};
  s.services.push_back(service("shop", "web", {port("http", 80, 8080), port("https", 443, 8443)}));
  s.services.push_back(service("shop", "single", {port("", 5000, 5000, "UDP")}));
  Desired d = compute_desired(s);
  EXPECT_EQ(d.services.at(key("10.20.3.230", 8443)).service_port_name, "https");
  EXPECT_EQ(d.services.at(key("10.20.3.231", 80)).service_port_name, "http");
  EXPECT_TRUE(d.services.contains(key("10.20.3.232", 9000, Protocol::kUdp)));
  EXPECT_EQ(problems(d), (std::vector<std::string>{
                             "configmap key 10.20.3.233-9000: service shop/web has several ports and none is 9000; "
                             "choose one with port="}));
}

TEST(DesiredState, LoadBalancerServicesGetVipsAndStatus) {
  Snapshot s;
  s.config.vip_pool = {"10.30.0.0/30"};
  s.configmap = {{"10.30.0.0-80", "10.1.0.1:80"}};  // the pool's first address is taken by the ConfigMap
  auto lb = [&](const char* name) { return service("shop", name, {port("http", 80, 8080)}, "LoadBalancer"); };
  json annotated = lb("annotated");
  annotated["metadata"]["annotations"] = {{kVipAnnotation, "10.40.0.9"}};
  json fixed = lb("fixed");
  fixed["spec"]["loadBalancerIP"] = "10.40.0.8";
  json sticky = lb("zz-sticky");  // keeps the address it has even though it sorts last
  sticky["status"] = {{"loadBalancer", {{"ingress", {{{"ip", "10.30.0.1"}}}}}}};
  json other_class = lb("other");
  other_class["spec"]["loadBalancerClass"] = "metallb.io/metallb";
  s.services = {lb("b-new"), lb("a-new"), annotated, fixed, sticky, other_class, lb("c-none-left")};
  s.endpoint_slices.push_back(slice("shop", "a-new", {{{"name", "http"}, {"port", 8080}}}, {"10.2.1.1"}));

  Desired d = compute_desired(s);
  auto ip = [&](const char* name) { return d.ingress.at(std::string("shop/") + name); };
  EXPECT_EQ(ip("annotated"), json::parse(R"([{"ip":"10.40.0.9"}])"));
  EXPECT_EQ(ip("fixed"), json::parse(R"([{"ip":"10.40.0.8"}])"));
  EXPECT_EQ(ip("zz-sticky"), json::parse(R"([{"ip":"10.30.0.1"}])"));
  EXPECT_EQ(ip("a-new"), json::parse(R"([{"ip":"10.30.0.2"}])"));
  EXPECT_EQ(ip("b-new"), json::parse(R"([{"ip":"10.30.0.3"}])"));
  EXPECT_EQ(ip("c-none-left"), json::array());
  EXPECT_FALSE(d.ingress.contains("shop/other"));
  EXPECT_EQ(servers(d, key("10.30.0.2", 80)), (std::vector<std::string>{"10.2.1.1:8080*1"}));
  EXPECT_EQ(problems(d), (std::vector<std::string>{"service shop/c-none-left: the VIP pool has no free IPv4 address"}));
  // Same snapshot, same answer.
  EXPECT_EQ(compute_desired(s).services, d.services);
}

TEST(DesiredState, ConflictsAreDecidedTheSameWayEveryTime) {
  Snapshot s;
  s.configmap = {
      {"10.20.3.240-80", "10.1.0.1:80"},
      {"10.20.3.240", "shop/web:s"},  // overlaps the key above on port 80; its port 443 still works
  };
  json lb = service("shop", "lb", {port("http", 80, 8080), port("dns", 53, 53, "UDP")}, "LoadBalancer");
  lb["spec"]["loadBalancerIP"] = "10.20.3.240";  // claims 10.20.3.240:80 too: the ConfigMap wins
  json twin = service("alpha", "lb2", {port("dns", 53, 53, "UDP")}, "LoadBalancer");
  twin["metadata"]["annotations"] = {{kVipAnnotation, "10.20.3.240"}};  // same VIP:53/UDP, smaller name wins
  s.services = {service("shop", "web", {port("http", 80, 8080), port("https", 443, 8443)}), lb, twin};
  Desired d = compute_desired(s);
  EXPECT_EQ(problems(d), (std::vector<std::string>{
                             "service shop/lb: 10.20.3.240:53/UDP is already claimed by service alpha/lb2",
                             "configmap key 10.20.3.240: 10.20.3.240:80/TCP is already claimed by configmap key "
                             "10.20.3.240-80",
                             "service shop/lb: 10.20.3.240:80/TCP is already claimed by configmap key 10.20.3.240-80",
                         }));
  EXPECT_EQ(d.services.at(key("10.20.3.240", 80)).owner.text(), "configmap key 10.20.3.240-80");
  EXPECT_EQ(d.services.at(key("10.20.3.240", 443)).owner.text(), "configmap key 10.20.3.240");
  EXPECT_EQ(d.services.at(key("10.20.3.240", 53, Protocol::kUdp)).owner.text(), "service alpha/lb2");
  EXPECT_EQ(d.ingress.at("shop/lb"), json::array());  // none of its ports got through
}

TEST(DesiredState, EachBadInputRejectedAlone) {
  Snapshot s;
  s.config.vip_pool = {"10.30.0.0/29"};
  s.configmap = {{"10.20.3.250", "shop/missing:s"}, {"10.20.3.251", "shop/noports:s"}, {"10.20.3.252", "bad value"},
                 {"10.20.3.253-80", "10.1.0.1:80"}};
  json bad_ip = service("shop", "badip", {port("http", 80, 80)}, "LoadBalancer");
  bad_ip["spec"]["loadBalancerIP"] = "10.0.0.300";
  json sctp = service("shop", "sctp", {port("s", 80, 80, "SCTP"), port("http", 81, 81)}, "LoadBalancer");
  s.services = {service("shop", "noports", json::array()), bad_ip, sctp,
                service("shop", "lbnoports", json::array(), "LoadBalancer")};
  Desired d = compute_desired(s);
  EXPECT_EQ(problems(d), (std::vector<std::string>{
                             "configmap key 10.20.3.252: expected real servers or namespace/service",
                             "configmap key 10.20.3.250: service shop/missing does not exist",
                             "configmap key 10.20.3.251: service shop/noports has no ports",
                             "service shop/badip: '10.0.0.300' is not a valid IP address",
                             "service shop/lbnoports: has no ports",
                             "service shop/sctp: port 80: protocol SCTP is not supported (TCP, UDP)",
                         }));
  EXPECT_TRUE(d.services.contains(key("10.20.3.253", 80)));
  EXPECT_TRUE(d.services.contains(key("10.30.0.0", 81)));  // sctp's TCP port, VIP from the pool
  EXPECT_EQ(d.services.size(), 2u);
}

TEST(DesiredState, Ipv6VipsAndEndpoints) {
  Snapshot s;
  s.config.vip_pool = {"10.30.0.0/30", "2001:db8:9::10-2001:db8:9::1f"};
  s.configmap = {{"2001_db8__10", "shop/web:s"}};
  json lb6 = service("shop", "web", {port("http", 80, 8080)}, "LoadBalancer");
  lb6["spec"]["ipFamilies"] = {"IPv6"};
  s.services = {lb6};
  json v6 = slice("shop", "web", {{{"name", "http"}, {"port", 8080}}}, {"2001:db8:1::5"});
  v6["addressType"] = "IPv6";
  s.endpoint_slices = {v6, slice("shop", "web", {{{"name", "http"}, {"port", 8080}}}, {"10.2.0.5"})};
  Desired d = compute_desired(s);
  EXPECT_TRUE(d.problems.empty());
  EXPECT_EQ(servers(d, key("2001:db8::10", 80)), (std::vector<std::string>{"[2001:db8:1::5]:8080*1"}));
  EXPECT_EQ(servers(d, key("2001:db8:9::10", 80)), (std::vector<std::string>{"[2001:db8:1::5]:8080*1"}));
  EXPECT_EQ(d.ingress.at("shop/web"), json::parse(R"([{"ip":"2001:db8:9::10"}])"));
}

// Whatever the API server (or a broken cache) hands over, no exception escapes.
TEST(DesiredState, MalformedObjectsDoNotThrow) {
  Snapshot s;
  s.config.vip_pool = {"10.30.0.0/30"};
  s.configmap = {{"10.20.3.226", "shop/web:s"}};
  s.services = {json(42), json::array(), json::object(), json::parse(R"({"metadata":{"namespace":"shop","name":"web"},
      "spec":{"type":"LoadBalancer","ports":[{"port":"80"},{"port":-1},{"port":80,"protocol":7,"name":3}],
              "ipFamilies":"IPv4","loadBalancerIP":12},"status":{"loadBalancer":{"ingress":"x"}}})")};
  s.endpoint_slices = {json("x"), json::parse(R"({"metadata":{"namespace":"shop","labels":{"kubernetes.io/service-name":"web"}},
      "addressType":"IPv4","ports":{"a":1},"endpoints":[1,2]})")};
  Desired d;
  EXPECT_NO_THROW(d = compute_desired(s));
  EXPECT_TRUE(d.services.contains(key("10.20.3.226", 80)));  // protocol 7 reads as absent: TCP
}

TEST(DesiredState, BadPoolIsAProblemNotACrash) {
  Snapshot s;
  s.config.vip_pool = {"10.30.0.0/40"};
  s.services = {service("shop", "web", {port("http", 80, 80)}, "LoadBalancer")};
  Desired d = compute_desired(s);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].key, "config vip_pool");
  EXPECT_TRUE(d.services.empty());
}

TEST(DesiredState, RefreshEndpointsTouchesOnlyThatService) {
  Snapshot s;
  s.configmap = {{"10.20.3.226", "shop/web:s"}, {"10.20.3.227", "shop/other:s"}};
  json ports = {{{"name", "http"}, {"port", 8080}}};
  s.services = {service("shop", "web", {port("http", 80, 8080)}), service("shop", "other", {port("http", 80, 8080)})};
  s.endpoint_slices = {slice("shop", "web", ports, {"10.2.0.1"}), slice("shop", "other", ports, {"10.3.0.1"})};
  Desired d = compute_desired(s);

  json changed = slice("shop", "web", ports, {"10.2.0.1", "10.2.0.2"});
  auto keys = refresh_endpoints(d, "shop/web", {&changed}, s.config);
  EXPECT_EQ(keys, (std::vector<ServiceKey>{key("10.20.3.226", 80)}));
  EXPECT_EQ(servers(d, key("10.20.3.226", 80)), (std::vector<std::string>{"10.2.0.1:8080*1", "10.2.0.2:8080*1"}));
  EXPECT_EQ(servers(d, key("10.20.3.227", 80)), (std::vector<std::string>{"10.3.0.1:8080*1"}));
  EXPECT_TRUE(refresh_endpoints(d, "shop/web", {&changed}, s.config).empty());  // nothing new
  EXPECT_TRUE(refresh_endpoints(d, "shop/unknown", {&changed}, s.config).empty());

  // The same as computing everything again.
  s.endpoint_slices[0] = changed;
  EXPECT_EQ(compute_desired(s).services, d.services);
}

}  // namespace
}  // namespace pier::lb
