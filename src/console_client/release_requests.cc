#include "console_client/release_requests.h"

namespace pier::console_client {

int timeout_seconds(std::chrono::milliseconds timeout) {
  long long seconds = (timeout.count() + 999) / 1000;
  if (seconds < 1) return 1;
  if (seconds > 365LL * 24 * 3600) return 365 * 24 * 3600;  // a year: the server caps it anyway
  return static_cast<int>(seconds);
}

nlohmann::json DeployRequest::to_json() const {
  nlohmann::json body = {{"app", app}};
  if (!preset.empty()) body["preset"] = preset;
  if (!team.empty()) body["team"] = team;
  body["values"] = values;
  if (!message.empty()) body["message"] = message;
  body["dry_run"] = dry_run;
  body["wait"] = wait;
  body["timeout_seconds"] = timeout_seconds(timeout);
  body["force_conflicts"] = force_conflicts;
  body["auto_rollback"] = auto_rollback;
  return body;
}

nlohmann::json RollbackRequest::to_json() const {
  nlohmann::json body = {{"revision", revision}};
  if (!message.empty()) body["message"] = message;
  body["dry_run"] = dry_run;
  body["wait"] = wait;
  body["timeout_seconds"] = timeout_seconds(timeout);
  return body;
}

}  // namespace pier::console_client
