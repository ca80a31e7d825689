#include "server/health.h"

#include <exception>

namespace pier::server {

Health::Health(Logger logger) : logger_(std::move(logger)) {}

void Health::add_check(std::string name, std::function<Result<void>()> check) {
  std::lock_guard lock(mutex_);
  checks_.emplace_back(std::move(name), std::move(check));
}

std::vector<Health::CheckResult> Health::run_checks() const {
  std::vector<std::pair<std::string, std::function<Result<void>()>>> checks;
  {
    std::lock_guard lock(mutex_);
    checks = checks_;
  }
  std::vector<CheckResult> results;
  for (const auto& [name, check] : checks) {
    CheckResult result{name, false, ""};
    try {
      Result<void> outcome = check();
      result.ok = outcome.has_value();
      if (!outcome) result.message = outcome.error().describe();
    } catch (const std::exception& e) {
      result.message = std::string("check threw: ") + e.what();
    }
    results.push_back(std::move(result));
  }
  return results;
}

Response Health::healthz(const Request&) const { return Response::json(200, {{"status", "ok"}}); }

Response Health::readyz(const Request&) const {
  if (shutting_down_) {
    Response response = Response::json(503, {{"status", "shutting down"}, {"error", "shutting down"}});
    return response;
  }
  nlohmann::json checks = nlohmann::json::array();
  std::string failed;
  for (const CheckResult& result : run_checks()) {
    checks.push_back({{"name", result.name}, {"ok", result.ok}});
    if (!result.ok) {
      if (!failed.empty()) failed += ", ";
      failed += result.name;
      logger_.warn("readiness check failed", {{"check", result.name}, {"error", result.message}});
    }
  }
  if (failed.empty()) return Response::json(200, {{"status", "ready"}, {"checks", checks}});
  return Response::json(503, {{"status", "not ready"}, {"error", "not ready: " + failed}, {"checks", checks}});
}

}  // namespace pier::server
