// nginx's classic `combined` format extended with the fields the metrics
// need, in an order of the operator's choosing:
//
//   log_format pier_combined '$remote_addr - $remote_user [$time_local] "$request" $status '
//                            '$body_bytes_sent "$http_referer" "$http_user_agent" '
//                            '$request_time $upstream_response_time $upstream_addr $upstream_status $host';
//
//   CombinedAccessLogParser parser({"request_time", "upstream_response_time", "upstream_addr",
//                                   "upstream_status", "host"});
//   if (!parser.parse(line, record)) errors.inc(parser.problem());
//
// The extra fields are separated by single spaces; a multi-value upstream
// field keeps its `, ` and ` : ` separators (values never hold spaces
// otherwise), so it is read as one field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "nginx_metrics/access_record.h"

namespace pier::nginx_metrics {

class CombinedAccessLogParser {
 public:
  // Field names after the combined part: request_time, upstream_response_time,
  // upstream_addr, upstream_status, host, or "-" for one to skip.
  static Result<CombinedAccessLogParser> create(const std::vector<std::string>& extra_fields);

  bool parse(std::string_view line, AccessRecord& record);
  std::string_view problem() const { return problem_; }

 private:
  enum class Extra { kSkip, kRequestTime, kUpstreamTime, kUpstreamAddr, kUpstreamStatus, kHost };
  explicit CombinedAccessLogParser(std::vector<Extra> extras) : extras_(std::move(extras)) {}
  bool fail(std::string_view why) {
    problem_ = why;
    return false;
  }

  std::vector<Extra> extras_;
  std::string_view problem_;
};

// The default extra fields, as in the log_format above.
std::vector<std::string> default_combined_fields();

}  // namespace pier::nginx_metrics
