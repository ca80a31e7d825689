// Liveness and readiness, as Kubernetes probes and load balancers ask:
//   GET /healthz -> 200 {"status":"ok"} while the process serves at all;
//   GET /readyz  -> 200 when every readiness check passes, else 503 naming
//                   the checks that failed (their messages go to the log, not
//                   to the unauthenticated caller).
//
//   server.health().add_check("database", [&]() -> Result<void> { return store.ping(); });
//
// Once the server starts stopping, /readyz answers 503 ("shutting down") so
// that load balancers stop sending new work while in-flight requests finish.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "server/json_log.h"
#include "server/request.h"
#include "server/response.h"

namespace pier::server {

class Health {
 public:
  explicit Health(Logger logger);

  // A named readiness check. It runs on a worker thread for each /readyz
  // request, so it may block briefly (keep a timeout of its own well under
  // the probe's).
  void add_check(std::string name, std::function<Result<void>()> check);
  void set_shutting_down() { shutting_down_ = true; }

  struct CheckResult {
    std::string name;
    bool ok = false;
    std::string message;  // why it failed
  };
  // Every check, in the order added; exceptions count as failures.
  std::vector<CheckResult> run_checks() const;

  Response healthz(const Request& request) const;
  Response readyz(const Request& request) const;

 private:
  Logger logger_;
  std::atomic<bool> shutting_down_{false};
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::function<Result<void>()>>> checks_;
};

}  // namespace pier::server
