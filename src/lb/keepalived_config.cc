#include "lb/keepalived_config.h"

#include <algorithm>
#include <set>
#include <string_view>

namespace pier::lb {

namespace {

constexpr const char* kSettingsKey = "keepalived settings";

// keepalived's parser splits on blanks, ends a line at `#` or `!`, and
// reads `{`, `}` and `"` itself: a bare word must avoid all of them.
bool is_bare_word(std::string_view text) {
  if (text.empty()) return false;
  for (unsigned char c : text) {
    if (c <= 0x20 || c >= 0x7f) return false;
    if (c == '"' || c == '#' || c == '!' || c == '{' || c == '}' || c == '\\') return false;
  }
  return true;
}

// Inside "...": blanks are fine, quotes, comment characters, backslashes
// and control characters are not.
bool is_quotable(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f) return false;
    if (c == '"' || c == '#' || c == '!' || c == '\\') return false;
  }
  return true;
}

// Linux interface names: 1-15 bytes, no '/', no blanks.
bool is_interface_name(std::string_view name) {
  return name.size() <= 15 && is_bare_word(name) && name.find('/') == std::string_view::npos && name != "." &&
         name != "..";
}

std::string_view lb_kind(Forwarding forwarding) {
  switch (forwarding) {
    case Forwarding::kNat: return "NAT";
    case Forwarding::kDr: return "DR";
    case Forwarding::kTun: return "TUN";
    case Forwarding::kFullNat: break;
  }
  return "";
}

std::string subject(const VirtualService& service) {
  if (service.owner.configmap_key.empty() && service.owner.service.empty())
    return "virtual service " + service.key.text();
  return service.owner.text();
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Why keepalived cannot express this check, or "" when it can.
std::string health_check_problem(const HealthCheck& check) {
  if (check.kind == HealthCheckKind::kNone) return "";
  if (check.interval_seconds == 0) return "health check interval must be at least 1 second";
  if (check.fall == 0) return "health check fall must be at least 1";
  if (check.rise != 1)
    return "health check rise " + std::to_string(check.rise) +
           ": keepalived brings a real server back after one successful check and cannot wait for more (use rise 1)";
  switch (check.kind) {
    case HealthCheckKind::kNone: break;
    case HealthCheckKind::kTcp:
    case HealthCheckKind::kHttp:
      if (check.connect_timeout_seconds == 0) return "health check connect timeout must be at least 1 second";
      if (check.kind == HealthCheckKind::kHttp) {
        if (!check.http_path.starts_with('/') || !is_bare_word(check.http_path))
          return "HTTP check path \"" + check.http_path +
                 "\" must start with '/' and hold no blanks, quotes, '#', '!', braces or backslashes";
        if (check.http_status < 100 || check.http_status > 599)
          return "HTTP check status " + std::to_string(check.http_status) + " is not an HTTP status (100-599)";
      }
      break;
    case HealthCheckKind::kMisc:
      if (!check.misc_path.starts_with('/'))
        return "MISC_CHECK script \"" + check.misc_path + "\" must be an absolute path";
      if (!is_quotable(check.misc_path))
        return "MISC_CHECK script \"" + check.misc_path +
               "\" holds a quote, '#', '!', a backslash or a control character, which keepalived cannot read back";
      if (check.misc_timeout_seconds == 0) return "MISC_CHECK timeout must be at least 1 second";
      break;
  }
  return "";
}

const HealthCheck& check_for(const KeepalivedSettings& settings, const ServiceKey& key) {
  auto it = settings.health_check_overrides.find(key);
  return it == settings.health_check_overrides.end() ? settings.health_check : it->second;
}

std::string vrrp_problem(const VrrpSettings& vrrp) {
  if (!is_interface_name(vrrp.interface)) return "VRRP interface \"" + vrrp.interface + "\" is not an interface name";
  if (!is_bare_word(vrrp.instance_name)) return "VRRP instance name \"" + vrrp.instance_name + "\" is not one word";
  if (vrrp.virtual_router_id < 1 || vrrp.virtual_router_id > 255)
    return "VRRP virtual_router_id " + std::to_string(vrrp.virtual_router_id) + " is not 1-255";
  // 255 means "owns the addresses", which contradicts state BACKUP + nopreempt.
  if (vrrp.priority < 1 || vrrp.priority > 254)
    return "VRRP priority " + std::to_string(vrrp.priority) + " is not 1-254";
  if (vrrp.advert_int_seconds < 1 || vrrp.advert_int_seconds > 255)
    return "VRRP advert_int " + std::to_string(vrrp.advert_int_seconds) + " is not 1-255 seconds";
  return "";
}

void render_check(std::string& out, const HealthCheck& check, const RealServer& server) {
  auto line = [&out](std::string_view indent, std::string_view text) {
    out += indent;
    out += text;
    out += '\n';
  };
  auto retries = [&] {
    line("      ", "retry " + std::to_string(check.fall - 1));
    line("      ", "delay_before_retry " + std::to_string(check.retry_delay_seconds));
  };
  switch (check.kind) {
    case HealthCheckKind::kNone: return;
    case HealthCheckKind::kTcp:
      line("    ", "TCP_CHECK {");
      line("      ", "connect_timeout " + std::to_string(check.connect_timeout_seconds));
      retries();
      break;
    case HealthCheckKind::kHttp:
      line("    ", "HTTP_GET {");
      line("      ", "url {");
      line("        ", "path " + check.http_path);
      line("        ", "status_code " + std::to_string(check.http_status));
      line("      ", "}");
      line("      ", "connect_timeout " + std::to_string(check.connect_timeout_seconds));
      retries();
      break;
    case HealthCheckKind::kMisc: {
      std::string path = replace_all(check.misc_path, "{address}", server.address.text());
      path = replace_all(std::move(path), "{port}", std::to_string(server.port));
      line("    ", "MISC_CHECK {");
      line("      ", "misc_path \"" + path + "\"");
      line("      ", "misc_timeout " + std::to_string(check.misc_timeout_seconds));
      if (check.misc_dynamic) line("      ", "misc_dynamic");
      retries();
      break;
    }
  }
  line("    ", "}");
}

// A virtual service as keepalived can take it, or nullopt with the reason
// pushed to problems; real servers keepalived cannot take are dropped alone.
std::optional<VirtualService> expressible(const VirtualService& service, const HealthCheck& check,
                                          bool script_user_ok, std::vector<Problem>& problems) {
  const std::string who = subject(service);
  const std::string key = service.key.text();
  if (service.forwarding == Forwarding::kFullNat) {
    problems.push_back({who, key + ": forwarding fullnat: stock keepalived has no FullNAT lb_kind (NAT, DR or TUN only)"});
    return std::nullopt;
  }
  if (service.key.port == 0) {
    problems.push_back({who, key + ": port 0 (all ports) is not supported"});
    return std::nullopt;
  }
  if (std::string why = health_check_problem(check); !why.empty()) {
    problems.push_back({who, key + ": " + why});
    return std::nullopt;
  }
  if (check.kind == HealthCheckKind::kMisc && !script_user_ok) {
    problems.push_back({who, key + ": MISC_CHECK needs a valid script_user"});
    return std::nullopt;
  }
  VirtualService out = service;
  out.real_servers.clear();
  std::vector<RealServer> servers = service.real_servers;
  std::stable_sort(servers.begin(), servers.end(), endpoint_less);
  for (const RealServer& server : servers) {
    if (server.address.family != service.key.vip.family) {
      problems.push_back({who, key + ": real server " + server.text() + " is not of the VIP's address family"});
      continue;
    }
    if (server.port == 0) {
      problems.push_back({who, key + ": real server " + server.text() + " has port 0"});
      continue;
    }
    // IPVS cannot change the port when it only routes or tunnels the
    // packet; keepalived would silently reset it to the VIP's.
    if (service.forwarding != Forwarding::kNat && server.port != service.key.port) {
      problems.push_back({who, key + ": real server " + server.text() + ": forwarding " +
                                   std::string(name(service.forwarding)) +
                                   " cannot change the port; only NAT can send to another port than the VIP's"});
      continue;
    }
    if (!out.real_servers.empty() && same_endpoint(out.real_servers.back(), server)) {
      problems.push_back({who, key + ": real server " + server.text() + " listed twice"});
      continue;
    }
    out.real_servers.push_back(server);
  }
  if (out.real_servers.empty()) {
    problems.push_back({who, key + ": no real server keepalived can use; keepalived ignores a virtual_server without one"});
    return std::nullopt;
  }
  return out;
}

void render_vrrp(std::string& out, const VrrpSettings& vrrp, const std::set<IpAddress>& vips) {
  // keepalived wants the advertised addresses of one family; the others ride
  // along unadvertised, still moved with the instance.
  const Family advertised = vips.begin()->family;
  auto prefix = [](const IpAddress& a) { return a.text() + (a.family == Family::kV4 ? "/32" : "/128"); };
  out += "vrrp_instance " + vrrp.instance_name + " {\n";
  out += "  state BACKUP\n";
  out += "  nopreempt\n";
  out += "  interface " + vrrp.interface + "\n";
  out += "  virtual_router_id " + std::to_string(vrrp.virtual_router_id) + "\n";
  out += "  priority " + std::to_string(vrrp.priority) + "\n";
  out += "  advert_int " + std::to_string(vrrp.advert_int_seconds) + "\n";
  out += "  virtual_ipaddress {\n";
  for (const IpAddress& vip : vips)
    if (vip.family == advertised) out += "    " + prefix(vip) + "\n";
  out += "  }\n";
  if (std::any_of(vips.begin(), vips.end(), [&](const IpAddress& a) { return a.family != advertised; })) {
    out += "  virtual_ipaddress_excluded {\n";
    for (const IpAddress& vip : vips)
      if (vip.family != advertised) out += "    " + prefix(vip) + "\n";
    out += "  }\n";
  }
  out += "}\n";
}

void render_service(std::string& out, const VirtualService& service, const HealthCheck& check) {
  const ServiceKey& key = service.key;
  out += "virtual_server " + key.vip.text() + " " + std::to_string(key.port) + " {\n";
  out += "  delay_loop " + std::to_string(std::max<uint32_t>(check.interval_seconds, 1)) + "\n";
  out += "  lb_algo " + std::string(name(service.scheduler)) + "\n";
  out += "  lb_kind " + std::string(lb_kind(service.forwarding)) + "\n";
  if (service.persistence_seconds > 0)
    out += "  persistence_timeout " + std::to_string(service.persistence_seconds) + "\n";
  out += "  protocol " + std::string(name(key.protocol)) + "\n";
  for (const RealServer& server : service.real_servers) {
    out += "  real_server " + server.address.text() + " " + std::to_string(server.port) + " {\n";
    out += "    weight " + std::to_string(server.weight) + "\n";
    render_check(out, check, server);
    out += "  }\n";
  }
  out += "}\n";
}

}  // namespace

std::vector<Problem> check_keepalived_settings(const KeepalivedSettings& settings) {
  std::vector<Problem> problems;
  if (!settings.router_id.empty() && !is_bare_word(settings.router_id))
    problems.push_back({kSettingsKey, "router_id \"" + settings.router_id + "\" is not one word"});
  if (settings.vrrp) {
    if (std::string why = vrrp_problem(*settings.vrrp); !why.empty()) problems.push_back({kSettingsKey, why});
  }
  if (!is_bare_word(settings.script_user))
    problems.push_back({kSettingsKey, "script_user \"" + settings.script_user + "\" is not a user name"});
  if (std::string why = health_check_problem(settings.health_check); !why.empty())
    problems.push_back({kSettingsKey, "default " + why});
  for (const auto& [key, check] : settings.health_check_overrides)
    if (std::string why = health_check_problem(check); !why.empty())
      problems.push_back({kSettingsKey, "override for " + key.text() + ": " + why});
  return problems;
}

RenderedKeepalived render_keepalived_conf(const KeepalivedSettings& settings,
                                          const std::vector<VirtualService>& desired) {
  RenderedKeepalived result;
  const bool router_id_ok = settings.router_id.empty() || is_bare_word(settings.router_id);
  if (!router_id_ok)
    result.problems.push_back({kSettingsKey, "router_id \"" + settings.router_id + "\" is not one word; left out"});
  const bool script_user_ok = is_bare_word(settings.script_user);
  bool vrrp_ok = settings.vrrp.has_value();
  if (settings.vrrp) {
    if (std::string why = vrrp_problem(*settings.vrrp); !why.empty()) {
      result.problems.push_back({kSettingsKey, why + "; no vrrp_instance written"});
      vrrp_ok = false;
    }
  }

  // Sorted by key whatever the caller's order; the first of two equal keys wins.
  std::vector<const VirtualService*> order;
  order.reserve(desired.size());
  for (const VirtualService& service : desired) order.push_back(&service);
  std::stable_sort(order.begin(), order.end(),
                   [](const VirtualService* a, const VirtualService* b) { return a->key < b->key; });

  std::vector<std::pair<VirtualService, const HealthCheck*>> services;
  std::set<IpAddress> vips;
  bool any_script = false;
  for (size_t i = 0; i < order.size(); ++i) {
    const VirtualService& service = *order[i];
    if (i > 0 && order[i - 1]->key == service.key) {
      result.problems.push_back({subject(service), service.key.text() + ": listed twice; the first is kept"});
      continue;
    }
    const HealthCheck& check = check_for(settings, service.key);
    std::optional<VirtualService> ok = expressible(service, check, script_user_ok, result.problems);
    if (!ok) continue;
    vips.insert(ok->key.vip);
    any_script = any_script || check.kind == HealthCheckKind::kMisc;
    services.emplace_back(std::move(*ok), &check);
  }

  std::string& out = result.text;
  out += kKeepalivedHeader;
  out += "\nglobal_defs {\n";
  if (!settings.router_id.empty() && router_id_ok) out += "  router_id " + settings.router_id + "\n";
  if (any_script) {
    // Without it keepalived runs scripts as root and says so at every start.
    out += "  enable_script_security\n";
    out += "  script_user " + settings.script_user + "\n";
  }
  out += "}\n";
  // No VIP, no instance: keepalived rejects a vrrp_instance without one.
  if (vrrp_ok && !vips.empty()) {
    out += '\n';
    render_vrrp(out, *settings.vrrp, vips);
  }
  for (const auto& [service, check] : services) {
    out += '\n';
    render_service(out, service, *check);
  }
  return result;
}

}  // namespace pier::lb
