// How a real server's health is checked: what the operator configures once
// (or per virtual service) and both checkers read. The keepalived dataplane
// renders it as TCP_CHECK / HTTP_GET / MISC_CHECK (keepalived_config.h);
// for the ipvs and nftables dataplanes Pier checks itself
// (health_checker.h) with the same meaning.
//
//   lb::HealthCheck check{.kind = lb::HealthCheckKind::kHttp, .http_path = "/healthz"};
//   check.rise = 2;  // Pier's own checker; keepalived accepts only 1
#pragma once

#include <cstdint>
#include <string>

namespace pier::lb {

enum class HealthCheckKind : uint8_t {
  kNone,  // no checker: every real server stays in
  kTcp,   // TCP_CHECK: a TCP connect to the real server's port
  kHttp,  // HTTP_GET: GET path, expect status
  kMisc,  // MISC_CHECK: run a script; exit 0 = up, 1 = down (see misc_dynamic)
};

struct HealthCheck {
  HealthCheckKind kind = HealthCheckKind::kTcp;
  uint32_t interval_seconds = 6;         // delay_loop: between two checks of a real server
  uint32_t connect_timeout_seconds = 3;  // TCP_CHECK, HTTP_GET (for HTTP: connect, request and status line)
  // Consecutive failures that take a real server out: keepalived's `retry`
  // is fall - 1 (the first failure plus retry more), `delay_before_retry`
  // apart.
  uint32_t fall = 3;
  uint32_t retry_delay_seconds = 2;
  // Consecutive successes that bring it back. keepalived brings a server
  // back after one successful check and has no setting for more, so its
  // dataplane accepts only 1; Pier's own checker honours any value >= 1.
  uint32_t rise = 1;
  std::string http_path = "/";  // HTTP_GET
  uint16_t http_status = 200;   // HTTP_GET, 100-599
  // MISC_CHECK: an absolute path, with arguments separated by blanks (no
  // shell, no quoting). keepalived runs it as KeepalivedSettings::script_user;
  // Pier's checker as its own user. Exit 0 = up, 1 = down; with
  // misc_dynamic, 2-255 = up at weight (code - 2). `{address}` and `{port}`
  // are replaced by the real server's, so one script serves every server:
  // "/usr/local/bin/check-dns {address} {port}".
  std::string misc_path = {};
  uint32_t misc_timeout_seconds = 5;
  bool misc_dynamic = false;

  bool operator==(const HealthCheck&) const = default;
};

}  // namespace pier::lb
