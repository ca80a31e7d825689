#include "lb/endpoint_slices.h"

#include <gtest/gtest.h>

namespace pier::lb {
namespace {

using nlohmann::json;

std::vector<std::string> texts(const std::vector<RealServer>& servers) {
  std::vector<std::string> out;
  for (const auto& s : servers) out.push_back(s.text() + "*" + std::to_string(s.weight));
  return out;
}

json slice(const char* type, json ports, json endpoints) {
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata", {{"namespace", "shop"}, {"name", "web-abc"}, {"labels", {{"kubernetes.io/service-name", "web"}}}}},
          {"addressType", type},
          {"ports", ports},
          {"endpoints", endpoints}};
}

json endpoint(const char* ip, json conditions) { return {{"addresses", {ip}}, {"conditions", conditions}}; }

TEST(EndpointSlices, ReadyServingTerminatingAndNamedPorts) {
  json a = slice("IPv4", {{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}, {{"name", "metrics"}, {"port", 9100}}},
                 {endpoint("10.2.0.3", {{"ready", true}, {"serving", true}, {"terminating", false}}),
                  endpoint("10.2.0.1", json::object()),  // conditions unknown = ready
                  endpoint("10.2.0.2", {{"ready", false}, {"serving", true}, {"terminating", true}}),   // draining
                  endpoint("10.2.0.4", {{"ready", false}, {"serving", false}, {"terminating", true}}),  // gone
                  endpoint("10.2.0.5", {{"ready", false}, {"serving", false}, {"terminating", false}})}); // starting
  // The same pod seen in a second slice while the controller splits them.
  json b = slice("IPv4", {{{"name", "http"}, {"port", 8080}}}, {endpoint("10.2.0.2", {{"ready", true}})});
  json v6 = slice("IPv6", {{{"name", "http"}, {"port", 8080}}}, {endpoint("2001:db8::2", {{"ready", true}})});
  EXPECT_EQ(texts(real_servers_for({&a, &b, &v6}, "http", Protocol::kTcp, Family::kV4, 1)),
            (std::vector<std::string>{"10.2.0.1:8080*1", "10.2.0.2:8080*1", "10.2.0.3:8080*1"}));
  EXPECT_EQ(texts(real_servers_for({&a}, "http", Protocol::kTcp, Family::kV4, 5)),
            (std::vector<std::string>{"10.2.0.1:8080*5", "10.2.0.2:8080*0", "10.2.0.3:8080*5"}));
  EXPECT_EQ(texts(real_servers_for({&a}, "metrics", Protocol::kTcp, Family::kV4, 1)).front(), "10.2.0.1:9100*1");
  EXPECT_TRUE(real_servers_for({&a}, "http", Protocol::kUdp, Family::kV4, 1).empty());
  EXPECT_TRUE(real_servers_for({&a}, "", Protocol::kTcp, Family::kV4, 1).empty());
  EXPECT_EQ(texts(real_servers_for({&v6}, "http", Protocol::kTcp, Family::kV6, 1)),
            (std::vector<std::string>{"[2001:db8::2]:8080*1"}));
  EXPECT_EQ(slice_service(a), "shop/web");
}

TEST(EndpointSlices, MalformedPartsAreIgnored) {
  json bad = {{"addressType", "IPv4"},
              {"ports", {{{"name", "http"}, {"port", "8080"}}}},
              {"endpoints", {endpoint("10.2.0.1", json::object())}}};
  EXPECT_TRUE(real_servers_for({&bad}, "http", Protocol::kTcp, Family::kV4, 1).empty());
  json weird = slice("IPv4", {{{"name", "http"}, {"port", 80}}},
                     {{{"addresses", json::array()}}, {{"addresses", {"not-an-ip"}}}, {{"addresses", {42}}}, json(7)});
  EXPECT_TRUE(real_servers_for({&weird}, "http", Protocol::kTcp, Family::kV4, 1).empty());
  EXPECT_EQ(slice_service(json::object()), "");
}

}  // namespace
}  // namespace pier::lb
