#include "lb/nft_ruleset.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace pier::lb::nft {
namespace {

using nlohmann::json;

std::string_view proto_word(Protocol p) { return p == Protocol::kTcp ? "tcp" : "udp"; }
bool is_v6(const IpAddress& a) { return a.family == Family::kV6; }
std::string_view fam(const ServiceKey& k) { return is_v6(k.vip) ? "6" : "4"; }
std::string_view ip_word(const ServiceKey& k) { return is_v6(k.vip) ? "ip6" : "ip"; }

std::string table_ref() { return "inet " + std::string(kTable); }

// The key of the services maps: VIP . l4proto . port.
std::string service_element(const ServiceKey& k) {
  return k.vip.text() + " . " + std::string(proto_word(k.protocol)) + " . " + std::to_string(k.port);
}

std::string counter_name(const ServiceKey& k, std::string_view suffix = "") {
  return service_chain_name(k) + std::string(suffix);
}

std::string service_comment(const VirtualService& vs) {
  return "pier sched=" + std::string(name(vs.scheduler)) + " fwd=" + std::string(name(vs.forwarding)) +
         " persist=" + std::to_string(vs.persistence_seconds);
}

// The selector that sends a new connection to this real server with
// probability weight / remaining, given that none before it took it: over
// the cascade each server gets weight / total. rr and wrr step a counter
// (deterministic rotation), sh hashes the client address (a client stays on
// its server while the set is unchanged), every other scheduler draws at random.
std::string selector(const VirtualService& vs, uint64_t remaining, uint32_t weight, size_t index) {
  std::string mod = " mod " + std::to_string(remaining);
  std::string below = " < " + std::to_string(weight) + " ";
  switch (vs.scheduler) {
    case Scheduler::kRr:
    case Scheduler::kWrr:
      return "numgen inc" + mod + below;
    case Scheduler::kSh:
      // A seed per step, so that the steps' draws are independent.
      return "jhash " + std::string(ip_word(vs.key)) + " saddr" + mod + " seed " + std::to_string(index + 1) + below;
    default:
      return "numgen random" + mod + below;
  }
}

std::string dnat(const VirtualService& vs, const RealServer& rs) {
  std::string to = is_v6(vs.key.vip) ? "[" + rs.address.text() + "]:" + std::to_string(rs.port)
                                     : rs.address.text() + ":" + std::to_string(rs.port);
  return "meta l4proto " + std::string(proto_word(vs.key.protocol)) + " dnat " + std::string(ip_word(vs.key)) +
         " to " + to;
}

std::string weight_comment(uint32_t weight) { return " comment \"weight " + std::to_string(weight) + "\""; }

// The rules of a service chain, in order.
std::vector<std::string> service_rules(const VirtualService& vs) {
  std::vector<std::string> rules;
  rules.push_back("counter name \"" + counter_name(vs.key) + "\" comment \"" + service_comment(vs) + "\"");
  uint64_t remaining = 0;
  for (const auto& rs : vs.real_servers) remaining += rs.weight;
  size_t index = 0;
  for (const auto& rs : vs.real_servers) {
    if (rs.weight == 0) continue;
    std::string pick = remaining == rs.weight ? "" : selector(vs, remaining, rs.weight, index);
    rules.push_back(pick + "counter " + dnat(vs, rs) + weight_comment(rs.weight));
    remaining -= rs.weight;
    ++index;
  }
  // No server takes new connections: refuse them rather than let them reach
  // the load balancer's own sockets.
  if (index == 0) rules.push_back("drop comment \"no real server with weight > 0\"");
  // Draining servers: after the last DNAT (a final verdict), so never reached,
  // but listed so that a restart reads them back at weight 0.
  for (const auto& rs : vs.real_servers)
    if (rs.weight == 0) rules.push_back(dnat(vs, rs) + weight_comment(0));
  return rules;
}

void append_elements(std::string& out, std::string_view header, const std::vector<std::string>& elements) {
  out += header;
  if (!elements.empty()) {
    out += "elements = {\n";
    for (size_t i = 0; i < elements.size(); ++i) {
      out += elements[i];
      out += i + 1 < elements.size() ? ",\n" : "\n";
    }
    out += "}\n";
  }
  out += "}\n";
}

std::string base_chains() {
  std::string out;
  const std::string dispatch =
      "ip daddr . meta l4proto . th dport vmap @services4\n"
      "ip6 daddr . meta l4proto . th dport vmap @services6\n";
  out += "chain prerouting {\ntype nat hook prerouting priority dstnat; policy accept;\n" + dispatch + "}\n";
  // Local clients (the load balancer itself) go through output, not prerouting.
  out += "chain output {\ntype nat hook output priority -100; policy accept;\n" + dispatch + "}\n";
  // The connection's original VIP, protocol and port name its service in
  // both directions (nft needs the protocol fixed to read ct proto-dst).
  std::string masquerade, count;
  for (std::string f : {"4", "6"}) {
    std::string family = f == "4" ? "meta nfproto ipv4 " : "meta nfproto ipv6 ";
    std::string key = std::string("ct original ") + (f == "4" ? "ip" : "ip6") + " daddr . meta l4proto . ct original proto-dst";
    for (std::string proto : {"tcp", "udp"}) {
      std::string match = family + "meta l4proto " + proto + " ";
      masquerade += match + "ct status dnat " + key + " @fullnat" + f + " masquerade\n";
      count += match + "ct direction original counter name " + key + " map @traffic_in" + f + "\n";
      count += match + "ct direction reply counter name " + key + " map @traffic_out" + f + "\n";
    }
  }
  out += "chain postrouting {\ntype nat hook postrouting priority srcnat; policy accept;\n" + masquerade + "}\n";
  out += "chain forward {\ntype filter hook forward priority filter; policy accept;\n" + count + "}\n";
  return out;
}

std::string addr_type(std::string_view f) { return f == "4" ? "ipv4_addr" : "ipv6_addr"; }

}  // namespace

std::string service_chain_name(const ServiceKey& key) {
  std::string addr = key.vip.text();
  std::replace(addr.begin(), addr.end(), is_v6(key.vip) ? ':' : '.', is_v6(key.vip) ? '-' : '_');
  return "svc_" + addr + "_" + std::to_string(key.port) + "_" + std::string(proto_word(key.protocol));
}

std::optional<ServiceKey> parse_service_chain_name(std::string_view name) {
  if (!name.starts_with("svc_")) return std::nullopt;
  name.remove_prefix(4);
  size_t p2 = name.rfind('_');
  if (p2 == std::string_view::npos || p2 == 0) return std::nullopt;
  size_t p1 = name.rfind('_', p2 - 1);
  if (p1 == std::string_view::npos) return std::nullopt;
  auto protocol = parse_protocol(name.substr(p2 + 1));
  auto port = parse_number(name.substr(p1 + 1, p2 - p1 - 1), 65535);
  if (!protocol || !port || *port == 0) return std::nullopt;
  std::string addr(name.substr(0, p1));
  if (addr.find('-') != std::string::npos || addr.find('_') == std::string::npos)
    std::replace(addr.begin(), addr.end(), '-', ':');
  else
    std::replace(addr.begin(), addr.end(), '_', '.');
  auto vip = IpAddress::parse(addr);
  if (!vip) return std::nullopt;
  ServiceKey key{*vip, static_cast<uint16_t>(*port), *protocol};
  // Only the one spelling we write: anything else is not ours to parse.
  if (service_chain_name(key) != std::string("svc_") + std::string(name)) return std::nullopt;
  return key;
}

Result<void> check_supported(const ServiceKey& key, Forwarding forwarding, uint32_t persistence_seconds) {
  if (forwarding == Forwarding::kDr || forwarding == Forwarding::kTun)
    return fail(Error::invalid(key.text() + ": forwarding " + std::string(name(forwarding)) +
                               " needs IPVS (the packet keeps the VIP as destination); the nftables dataplane "
                               "does nat and fullnat only"));
  if (persistence_seconds > 0)
    return fail(Error::invalid(key.text() + ": persistence (" + std::to_string(persistence_seconds) +
                               " s) is not supported by the nftables dataplane; use sched=sh for client "
                               "affinity or the ipvs dataplane"));
  return {};
}

Result<void> check_supported(const VirtualService& vs) {
  if (auto ok = check_supported(vs.key, vs.forwarding, vs.persistence_seconds); !ok) return ok;
  uint64_t total = 0;
  for (const auto& rs : vs.real_servers) {
    if (rs.address.family != vs.key.vip.family)
      return fail(Error::invalid(vs.key.text() + ": real server " + rs.text() + " is not of the VIP's address family"));
    if (rs.port == 0) return fail(Error::invalid(vs.key.text() + ": real server " + rs.text() + " has port 0"));
    total += rs.weight;
  }
  if (total > std::numeric_limits<uint32_t>::max())
    return fail(Error::invalid(vs.key.text() + ": the sum of the weights does not fit 32 bits"));
  return {};
}

std::string render_table(const Services& services) {
  std::string out;
  out.reserve(services.size() * 1200 + 4096);
  // `add` first so that `delete` cannot fail on a missing table: the kernel
  // applies the three as one transaction, so the old table is replaced whole.
  out += "add table " + table_ref() + "\ndelete table " + table_ref() + "\ntable " + table_ref() + " {\n";
  std::map<std::string, std::vector<std::string>> elements;  // "services4" -> element lines
  for (const auto& [key, vs] : services) {
    std::string f(fam(key));
    std::string element = service_element(key);
    elements["services" + f].push_back(element + " : goto " + service_chain_name(key));
    elements["traffic_in" + f].push_back(element + " : \"" + counter_name(key, "_in") + "\"");
    elements["traffic_out" + f].push_back(element + " : \"" + counter_name(key, "_out") + "\"");
    if (vs.forwarding == Forwarding::kFullNat) elements["fullnat" + f].push_back(element);
  }
  for (std::string f : {"4", "6"}) {
    const std::string a = addr_type(f);
    append_elements(out, "map services" + f + " {\ntype " + a + " . inet_proto . inet_service : verdict\n",
                    elements["services" + f]);
    for (std::string dir : {"in", "out"})
      append_elements(out, "map traffic_" + dir + f + " {\ntype " + a + " . inet_proto . inet_service : counter\n",
                      elements["traffic_" + dir + f]);
    append_elements(out, "set fullnat" + f + " {\ntype " + a + " . inet_proto . inet_service\n", elements["fullnat" + f]);
  }
  out += base_chains();
  for (const auto& [key, vs] : services) {
    std::string c = counter_name(key);
    out += "counter " + c + " {\n}\ncounter " + c + "_in {\n}\ncounter " + c + "_out {\n}\n";
    out += "chain " + service_chain_name(key) + " {\n";
    for (const auto& rule : service_rules(vs)) out += rule + "\n";
    out += "}\n";
  }
  out += "}\n";
  return out;
}

std::string render_update(const Services& before, const Services& after, std::span<const ServiceKey> touched) {
  const std::string t = table_ref();
  std::string drop_elements, body, add_elements;
  std::set<ServiceKey> keys(touched.begin(), touched.end());
  for (const auto& key : keys) {
    auto old_it = before.find(key);
    auto new_it = after.find(key);
    bool had = old_it != before.end();
    std::string chain = service_chain_name(key);
    std::string c = counter_name(key);
    std::string f(fam(key));
    std::string element = service_element(key);
    bool fullnat_before = had && old_it->second.forwarding == Forwarding::kFullNat;
    bool fullnat_after = new_it != after.end() && new_it->second.forwarding == Forwarding::kFullNat;
    if (fullnat_before && !fullnat_after) drop_elements += "delete element " + t + " fullnat" + f + " { " + element + " }\n";
    if (fullnat_after && !fullnat_before) add_elements += "add element " + t + " fullnat" + f + " { " + element + " }\n";
    if (had && new_it == after.end()) {
      for (std::string map : {"services", "traffic_in", "traffic_out"})
        drop_elements += "delete element " + t + " " + map + f + " { " + element + " }\n";
      body += "flush chain " + t + " " + chain + "\ndelete chain " + t + " " + chain + "\n";
      body += "delete counter " + t + " " + c + "\ndelete counter " + t + " " + c + "_in\ndelete counter " + t + " " +
              c + "_out\n";
      continue;
    }
    if (new_it == after.end()) continue;  // neither before nor after
    if (had) {
      body += "flush chain " + t + " " + chain + "\n";
    } else {
      body += "add counter " + t + " " + c + "\nadd counter " + t + " " + c + "_in\nadd counter " + t + " " + c +
              "_out\nadd chain " + t + " " + chain + "\n";
      add_elements += "add element " + t + " traffic_in" + f + " { " + element + " : \"" + c + "_in\" }\n";
      add_elements += "add element " + t + " traffic_out" + f + " { " + element + " : \"" + c + "_out\" }\n";
      add_elements += "add element " + t + " services" + f + " { " + element + " : goto " + chain + " }\n";
    }
    for (const auto& rule : service_rules(new_it->second)) body += "add rule " + t + " " + chain + " " + rule + "\n";
  }
  // Element deletions first (they reference chains and counters about to go),
  // additions last (they reference chains and counters just made).
  return drop_elements + body + add_elements;
}

namespace {

// The "pier sched=wlc fwd=nat persist=0" comment of a service chain's first rule.
void parse_service_comment(std::string_view comment, ActualService& service) {
  size_t pos = 0;
  while (pos < comment.size()) {
    size_t end = comment.find(' ', pos);
    if (end == std::string_view::npos) end = comment.size();
    std::string_view word = comment.substr(pos, end - pos);
    pos = end + 1;
    size_t eq = word.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = word.substr(0, eq), v = word.substr(eq + 1);
    if (k == "sched") {
      if (auto s = parse_scheduler(v)) service.scheduler = *s;
    } else if (k == "fwd") {
      if (auto f = parse_forwarding(v)) service.forwarding = *f;
    } else if (k == "persist") {
      if (auto p = parse_number(v, 86400 * 365)) service.persistence_seconds = *p;
    }
  }
}

struct ParsedRule {
  std::optional<RealServer> server;  // a DNAT rule
  uint64_t connections = 0;
  std::string comment;
};

Result<ParsedRule> parse_rule(const json& rule) {
  ParsedRule out;
  if (rule.contains("comment") && rule["comment"].is_string()) out.comment = rule["comment"].get<std::string>();
  if (!rule.contains("expr") || !rule["expr"].is_array()) return out;
  for (const auto& e : rule["expr"]) {
    if (!e.is_object()) continue;
    if (e.contains("counter") && e["counter"].is_object()) out.connections = e["counter"].value("packets", uint64_t{0});
    if (e.contains("dnat") && e["dnat"].is_object()) {
      const json& d = e["dnat"];
      if (!d.contains("addr") || !d["addr"].is_string() || !d.contains("port") || !d["port"].is_number_unsigned())
        return fail(Error::make(ErrorCode::kInvalidInput, "nft rule: dnat without address and port", Retry::kResync));
      auto addr = IpAddress::parse(d["addr"].get<std::string>());
      uint64_t port = d["port"].get<uint64_t>();
      if (!addr || port == 0 || port > 65535)
        return fail(Error::make(ErrorCode::kInvalidInput, "nft rule: bad dnat target " + d.dump(), Retry::kResync));
      RealServer rs{*addr, static_cast<uint16_t>(port), 0};
      if (out.comment.starts_with("weight "))
        if (auto w = parse_number(std::string_view(out.comment).substr(7), std::numeric_limits<uint32_t>::max()))
          rs.weight = *w;
      out.server = rs;
    }
  }
  return out;
}

struct Parsed {
  Actual actual;
  std::map<ServiceKey, ServiceTraffic> traffic;
};

Result<Parsed> parse_listing(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return fail(Error::make(ErrorCode::kInvalidInput, std::string("nft JSON output: ") + e.what(), Retry::kResync));
  }
  if (!doc.is_object() || !doc.contains("nftables") || !doc["nftables"].is_array())
    return fail(Error::make(ErrorCode::kInvalidInput, "nft JSON output: no \"nftables\" array", Retry::kResync));
  Parsed out;
  auto service = [&](const ServiceKey& key) -> ActualService& {
    auto [it, fresh] = out.actual.services.try_emplace(key);
    if (fresh) {
      it->second.key = key;
      it->second.owned = true;
      // Until the chain's comment says otherwise: what render writes by default.
      it->second.scheduler = Scheduler::kWlc;
      it->second.forwarding = Forwarding::kNat;
      out.traffic[key].key = key;
    }
    return it->second;
  };
  for (const auto& item : doc["nftables"]) {
    if (!item.is_object() || item.empty()) continue;
    const auto& [kind, body] = *item.items().begin();
    if (!body.is_object() || body.value("table", "") != kTable || body.value("family", "") != "inet") continue;
    if (kind == "chain") {
      if (auto key = parse_service_chain_name(body.value("name", ""))) service(*key);
    } else if (kind == "rule") {
      auto key = parse_service_chain_name(body.value("chain", ""));
      if (!key) continue;
      ActualService& s = service(*key);
      auto rule = parse_rule(body);
      if (!rule) return fail(rule.error());
      if (rule->comment.starts_with("pier ")) parse_service_comment(rule->comment, s);
      if (!rule->server) continue;
      s.real_servers.push_back({*rule->server, 0, std::nullopt});
      out.traffic[*key].real_servers.push_back({rule->server->address, rule->server->port, {rule->connections, 0, 0, 0, 0}});
    } else if (kind == "counter") {
      std::string n = body.value("name", "");
      uint64_t packets = body.value("packets", uint64_t{0}), bytes = body.value("bytes", uint64_t{0});
      std::string_view base = n;
      int which = 0;  // 0 connections, 1 in, 2 out
      if (base.ends_with("_in")) base.remove_suffix(3), which = 1;
      else if (base.ends_with("_out")) base.remove_suffix(4), which = 2;
      auto key = parse_service_chain_name(base);
      if (!key) continue;
      service(*key);
      TrafficCounters& c = out.traffic[*key].counters;
      if (which == 0) c.connections = packets;
      if (which == 1) c.packets_in = packets, c.bytes_in = bytes;
      if (which == 2) c.packets_out = packets, c.bytes_out = bytes;
    }
  }
  for (auto& [key, s] : out.actual.services) {
    std::sort(s.real_servers.begin(), s.real_servers.end(),
              [](const ActualRealServer& a, const ActualRealServer& b) { return endpoint_less(a.server, b.server); });
    auto dup = std::unique(s.real_servers.begin(), s.real_servers.end(),
                           [](const ActualRealServer& a, const ActualRealServer& b) { return same_endpoint(a.server, b.server); });
    s.real_servers.erase(dup, s.real_servers.end());
  }
  return out;
}

}  // namespace

Result<Actual> parse_actual(std::string_view json_text) {
  auto parsed = parse_listing(json_text);
  if (!parsed) return fail(parsed.error());
  return std::move(parsed->actual);
}

Result<std::vector<ServiceTraffic>> parse_traffic(std::string_view json_text) {
  auto parsed = parse_listing(json_text);
  if (!parsed) return fail(parsed.error());
  std::vector<ServiceTraffic> out;
  out.reserve(parsed->traffic.size());
  for (auto& [key, t] : parsed->traffic) {
    std::sort(t.real_servers.begin(), t.real_servers.end(), [](const RealServerTraffic& a, const RealServerTraffic& b) {
      return a.address != b.address ? a.address < b.address : a.port < b.port;
    });
    out.push_back(std::move(t));
  }
  return out;
}

Result<void> apply_operation(Services& services, const Operation& op) {
  if (op.kind != OperationKind::kRemoveService && op.kind != OperationKind::kRemoveRealServer)
    if (auto ok = check_supported(op.service, op.forwarding, op.persistence_seconds); !ok) return ok;
  auto service_for = [&]() -> VirtualService& {
    auto [it, fresh] = services.try_emplace(op.service);
    it->second.key = op.service;
    it->second.scheduler = op.scheduler;
    it->second.forwarding = op.forwarding;
    it->second.persistence_seconds = op.persistence_seconds;
    return it->second;
  };
  switch (op.kind) {
    case OperationKind::kAddService:
    case OperationKind::kUpdateService:
      service_for();
      return {};
    case OperationKind::kRemoveService:
      services.erase(op.service);
      return {};
    case OperationKind::kAddRealServer:
    case OperationKind::kUpdateRealServer: {
      if (op.server.address.family != op.service.vip.family || op.server.port == 0)
        return fail(Error::invalid(op.text() + ": real server not of the VIP's family or port 0"));
      VirtualService& vs = service_for();
      auto& list = vs.real_servers;
      auto it = std::lower_bound(list.begin(), list.end(), op.server, endpoint_less);
      uint64_t total = op.server.weight;
      for (const auto& rs : list)
        if (!same_endpoint(rs, op.server)) total += rs.weight;
      if (total > std::numeric_limits<uint32_t>::max())
        return fail(Error::invalid(op.text() + ": the sum of the weights does not fit 32 bits"));
      if (it != list.end() && same_endpoint(*it, op.server))
        *it = op.server;
      else
        list.insert(it, op.server);
      return {};
    }
    case OperationKind::kRemoveRealServer: {
      auto found = services.find(op.service);
      if (found == services.end()) return {};
      auto& list = found->second.real_servers;
      std::erase_if(list, [&](const RealServer& rs) { return same_endpoint(rs, op.server); });
      return {};
    }
  }
  return {};
}

}  // namespace pier::lb::nft
