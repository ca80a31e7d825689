#include "server/access_log.h"

#include <algorithm>
#include <array>

#include "server/percent_encoding.h"

namespace pier::server {

bool is_secret_name(std::string_view raw_name) {
  std::string name = percent_decode(raw_name, true).value_or(std::string(raw_name));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::array<std::string_view, 5> kExact = {"key", "auth", "authorization", "sig", "code"};
  static constexpr std::array<std::string_view, 8> kContains = {"token",  "password", "passwd",    "secret",
                                                                "apikey", "api_key",  "signature", "credential"};
  if (std::find(kExact.begin(), kExact.end(), name) != kExact.end()) return true;
  return std::any_of(kContains.begin(), kContains.end(),
                     [&](std::string_view part) { return name.find(part) != std::string::npos; });
}

std::string redact_query(std::string_view query) {
  std::string out;
  out.reserve(query.size());
  bool first = true;
  while (true) {
    std::size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    std::size_t eq = piece.find('=');
    if (eq != std::string_view::npos && is_secret_name(piece.substr(0, eq))) {
      out += piece.substr(0, eq);
      out += "=REDACTED";
    } else {
      out += piece;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

void log_access(const Logger& logger, const AccessRecord& record) {
  if (!logger.enabled(LogLevel::kInfo)) return;
  // Whole milliseconds with two decimals are plenty; fewer digits, shorter lines.
  double duration_ms = static_cast<double>(static_cast<long long>(record.duration_ms * 100 + 0.5)) / 100;
  std::string query = record.query.empty() ? std::string() : redact_query(record.query);
  std::string_view route = record.route.empty() ? std::string_view("unmatched") : record.route;
  if (record.user.empty()) {
    logger.info("request", {{"method", record.method},
                            {"route", route},
                            {"path", record.path},
                            {"query", query},
                            {"status", record.status},
                            {"duration_ms", duration_ms},
                            {"bytes", record.bytes},
                            {"remote", record.remote},
                            {"request_id", record.request_id}});
  } else {
    logger.info("request", {{"method", record.method},
                            {"route", route},
                            {"path", record.path},
                            {"query", query},
                            {"status", record.status},
                            {"duration_ms", duration_ms},
                            {"bytes", record.bytes},
                            {"remote", record.remote},
                            {"request_id", record.request_id},
                            {"user", record.user}});
  }
}

}  // namespace pier::server
