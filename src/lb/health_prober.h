// One health probe of one real server: the effect behind the checker.
// Every probe is bounded by its timeout (a dead server, a server that
// accepts and never answers, a script that hangs) and leaves nothing behind:
// its socket is closed, its script reaped (killed first when late).
//
//   lb::SystemProber prober;
//   lb::ProbeResult r = prober.probe(address, 80, {.kind = lb::HealthCheckKind::kHttp, .http_path = "/healthz"});
//   if (!r.up) log(r.message);   // "HTTP 503, expected 200"
//
// The kinds mean what keepalived's checks mean (TCP_CHECK, HTTP_GET,
// MISC_CHECK), so one HealthCheck behaves the same under every dataplane.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "lb/address.h"
#include "lb/health_check_spec.h"
#include "lb/health_state.h"

namespace pier::lb {

// The checker's access to the network and to processes; tests of the
// scheduler use a scripted one.
class Prober {
 public:
  virtual ~Prober() = default;
  // Must return within the check's timeout (plus a little) and be callable
  // from several threads at once.
  virtual ProbeResult probe(const IpAddress& address, uint16_t port, const HealthCheck& check) = 0;
};

// Real sockets and processes: probe_tcp, probe_http or probe_misc by kind,
// with the check's timeouts. kNone is always up.
class SystemProber final : public Prober {
 public:
  ProbeResult probe(const IpAddress& address, uint16_t port, const HealthCheck& check) override;
};

// A TCP connect (non-blocking, then poll) within `timeout`; the connection
// is closed at once. Up: "connected to 10.1.0.130:80"; down: "connect to
// 10.1.0.130:80: connection refused", "...: timed out after 3 s".
ProbeResult probe_tcp(const IpAddress& address, uint16_t port, std::chrono::milliseconds timeout);

// `GET path HTTP/1.1` with Host and `Connection: close`; only the status
// line is read and compared with `expected_status`. `timeout` covers the
// connect, the request and the status line together. Down: "HTTP 503,
// expected 200", "GET / on 10.1.0.130:80: not an HTTP response", "...:
// timed out after 3 s".
ProbeResult probe_http(const IpAddress& address, uint16_t port, const std::string& path, uint16_t expected_status,
                       std::chrono::milliseconds timeout);

// Runs `misc_path` (split at blanks, no shell; `{address}` and `{port}`
// replaced in each argument) in its own process group with standard input
// and output on /dev/null. Exit 0 = up, 1 = down; with `dynamic`, 2-255 =
// up at weight code - 2 (keepalived's misc_dynamic), without it down. Past
// `timeout` the whole process group is killed and the script reaped: down,
// "script timed out after 5 s (killed)".
ProbeResult probe_misc(const std::string& misc_path, const IpAddress& address, uint16_t port, bool dynamic,
                       std::chrono::milliseconds timeout);

// The argv probe_misc runs: "/bin/check {address} {port}" -> {"/bin/check",
// "10.1.0.130", "53"}. Empty when there is no program.
std::vector<std::string> misc_argv(const std::string& misc_path, const IpAddress& address, uint16_t port);

}  // namespace pier::lb
