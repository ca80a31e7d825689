#include "lb/model.h"

#include <array>
#include <utility>

namespace pier::lb {

namespace {

constexpr std::array<std::pair<Scheduler, std::string_view>, 14> kSchedulers = {{
    {Scheduler::kRr, "rr"},
    {Scheduler::kWrr, "wrr"},
    {Scheduler::kLc, "lc"},
    {Scheduler::kWlc, "wlc"},
    {Scheduler::kLblc, "lblc"},
    {Scheduler::kLblcr, "lblcr"},
    {Scheduler::kDh, "dh"},
    {Scheduler::kSh, "sh"},
    {Scheduler::kSed, "sed"},
    {Scheduler::kNq, "nq"},
    {Scheduler::kMh, "mh"},
    {Scheduler::kFo, "fo"},
    {Scheduler::kOvf, "ovf"},
    {Scheduler::kTwos, "twos"},
}};

constexpr std::array<std::pair<Forwarding, std::string_view>, 4> kForwardings = {{
    {Forwarding::kNat, "nat"},
    {Forwarding::kDr, "dr"},
    {Forwarding::kTun, "tun"},
    {Forwarding::kFullNat, "fullnat"},
}};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

std::string_view name(Protocol protocol) { return protocol == Protocol::kTcp ? "TCP" : "UDP"; }

std::string_view name(Scheduler scheduler) {
  for (const auto& [value, text] : kSchedulers)
    if (value == scheduler) return text;
  return "?";
}

std::string_view name(Forwarding forwarding) {
  for (const auto& [value, text] : kForwardings)
    if (value == forwarding) return text;
  return "?";
}

std::optional<Protocol> parse_protocol(std::string_view text) {
  std::string l = lower(text);
  if (l == "tcp") return Protocol::kTcp;
  if (l == "udp") return Protocol::kUdp;
  return std::nullopt;
}

std::optional<Scheduler> parse_scheduler(std::string_view text) {
  std::string l = lower(text);
  for (const auto& [value, known] : kSchedulers)
    if (known == l) return value;
  return std::nullopt;
}

std::optional<Forwarding> parse_forwarding(std::string_view text) {
  std::string l = lower(text);
  // ipvsadm's own words for the same methods.
  if (l == "masq" || l == "masquerading") return Forwarding::kNat;
  if (l == "route" || l == "gatewaying" || l == "gate") return Forwarding::kDr;
  if (l == "ipip") return Forwarding::kTun;
  for (const auto& [value, known] : kForwardings)
    if (known == l) return value;
  return std::nullopt;
}

std::string ServiceKey::text() const { return vip.text_with_port(port) + "/" + std::string(name(protocol)); }

std::string RealServer::text() const { return address.text_with_port(port); }

std::string Owner::text() const {
  if (!configmap_key.empty()) return "configmap key " + configmap_key;
  return "service " + service;
}

}  // namespace pier::lb
