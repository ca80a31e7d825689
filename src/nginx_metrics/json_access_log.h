// nginx access-log lines written with `log_format ... escape=json` (the
// README gives the exact format), parsed in one pass without building a
// JSON tree: the daemon must read millions of lines a second.
//
//   JsonAccessLogParser parser;            // default field names, as in the README
//   AccessRecord record;
//   if (!parser.parse(line, record)) errors.inc(parser.problem());
//
// Values may be strings ("status":"200") or bare numbers ("status":200);
// other fields are skipped whatever they hold (objects and arrays too).
// Escapes are decoded (\" \\ \/ \b \f \n \r \t \uXXXX, as nginx writes them).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "nginx_metrics/access_record.h"

namespace pier::nginx_metrics {

// The JSON keys of the fields Pier reads.
struct JsonFieldNames {
  std::string host = "host";
  std::string method = "method";
  std::string status = "status";
  std::string bytes_sent = "bytes_sent";
  std::string request_time = "request_time";
  std::string upstream_addr = "upstream_addr";
  std::string upstream_status = "upstream_status";
  std::string upstream_response_time = "upstream_response_time";
};

class JsonAccessLogParser {
 public:
  explicit JsonAccessLogParser(JsonFieldNames names = {});

  // False for a line that is not one JSON object with a valid status;
  // problem() then names what was wrong ("truncated", "no status", ...).
  bool parse(std::string_view line, AccessRecord& record);
  std::string_view problem() const { return problem_; }

 private:
  enum Field : uint8_t { kHost, kMethod, kStatus, kBytes, kRequestTime, kUpstreamAddr, kUpstreamStatus, kUpstreamTime, kFieldCount, kOther };
  Field field_of(std::string_view key) const;
  bool fail(std::string_view why) {
    problem_ = why;
    return false;
  }

  std::array<std::string, kFieldCount> names_;
  std::string scratch_;  // decoded escaped values; reserved per line so views stay valid
  std::string_view problem_;
};

}  // namespace pier::nginx_metrics
