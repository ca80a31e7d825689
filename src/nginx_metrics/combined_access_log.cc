#include "nginx_metrics/combined_access_log.h"

#include "nginx_metrics/upstream_fields.h"

namespace pier::nginx_metrics {
namespace {

// A cursor over the line; every read checks the end.
struct Cursor {
  std::string_view rest;

  bool space() {
    if (rest.empty() || rest.front() != ' ') return false;
    rest.remove_prefix(1);
    return true;
  }
  // Up to the next space.
  bool word(std::string_view& out) {
    size_t end = rest.find(' ');
    out = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return !out.empty();
  }
  // "..." (nginx writes an embedded quote as \x22, so the next quote ends it;
  // a backslash-escaped one is stepped over all the same).
  bool quoted(std::string_view& out) {
    if (rest.empty() || rest.front() != '"') return false;
    size_t i = 1;
    while (i < rest.size() && rest[i] != '"') i += rest[i] == '\\' ? 2 : 1;
    if (i >= rest.size()) return false;
    out = rest.substr(1, i - 1);
    rest.remove_prefix(i + 1);
    return true;
  }
  bool bracketed(std::string_view& out) {
    if (rest.empty() || rest.front() != '[') return false;
    size_t end = rest.find(']');
    if (end == std::string_view::npos) return false;
    out = rest.substr(1, end - 1);
    rest.remove_prefix(end + 1);
    return true;
  }
  // One value that may be a multi-value list ("a, b : c"): a value ending
  // in ',' or followed by " : " goes on past the space.
  bool list(std::string_view& out) {
    size_t i = 0;
    for (;;) {
      while (i < rest.size() && rest[i] != ' ') ++i;
      if (i < rest.size() && i > 0 && rest[i - 1] == ',') {
        ++i;
        continue;
      }
      if (i + 3 < rest.size() && rest[i] == ' ' && rest[i + 1] == ':' && rest[i + 2] == ' ') {
        i += 3;
        continue;
      }
      break;
    }
    out = rest.substr(0, i);
    rest.remove_prefix(i);
    return !out.empty();
  }
};

}  // namespace

std::vector<std::string> default_combined_fields() {
  return {"request_time", "upstream_response_time", "upstream_addr", "upstream_status", "host"};
}

Result<CombinedAccessLogParser> CombinedAccessLogParser::create(const std::vector<std::string>& extra_fields) {
  std::vector<Extra> extras;
  for (const auto& f : extra_fields) {
    if (f == "request_time") extras.push_back(Extra::kRequestTime);
    else if (f == "upstream_response_time") extras.push_back(Extra::kUpstreamTime);
    else if (f == "upstream_addr") extras.push_back(Extra::kUpstreamAddr);
    else if (f == "upstream_status") extras.push_back(Extra::kUpstreamStatus);
    else if (f == "host") extras.push_back(Extra::kHost);
    else if (f == "-") extras.push_back(Extra::kSkip);
    else
      return pier::fail(Error::invalid("--combined-fields: unknown field '" + f +
                                 "' (request_time, upstream_response_time, upstream_addr, upstream_status, host, or - to skip one)"));
  }
  return CombinedAccessLogParser(std::move(extras));
}

bool CombinedAccessLogParser::parse(std::string_view line, AccessRecord& record) {
  record.clear();
  problem_ = {};
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  Cursor c{line};
  std::string_view remote, dash, user, time, request, status, bytes, referer, agent;
  if (!c.word(remote) || !c.space() || !c.word(dash) || !c.space() || !c.word(user) || !c.space())
    return fail("not the combined format");
  if (!c.bracketed(time) || !c.space()) return fail("no [time]");
  if (!c.quoted(request) || !c.space()) return fail("no \"request\"");
  if (!c.word(status) || !c.space() || !parse_status(status, record.status)) return fail("no valid status");
  if (!c.word(bytes) || !parse_unsigned(bytes, record.bytes_sent)) return fail("bad bytes_sent");
  if (!c.space() || !c.quoted(referer) || !c.space() || !c.quoted(agent)) return fail("no referer and user agent");
  record.method = request.substr(0, request.find(' '));
  std::string_view upstream_addr, upstream_status, upstream_time;
  for (Extra extra : extras_) {
    std::string_view value;
    if (!c.space() || !c.list(value)) return fail("missing extra fields");
    switch (extra) {
      case Extra::kRequestTime:
        if (value != "-" && !parse_seconds(value, record.request_seconds)) return fail("bad request_time");
        break;
      case Extra::kUpstreamTime: upstream_time = value; break;
      case Extra::kUpstreamAddr: upstream_addr = value; break;
      case Extra::kUpstreamStatus: upstream_status = value; break;
      case Extra::kHost: record.host = value; break;
      case Extra::kSkip: break;
    }
  }
  if (!c.rest.empty()) return fail("text after the fields");
  if (!split_upstreams(upstream_addr, upstream_status, upstream_time, record.upstreams, record.upstream_seconds))
    return fail("bad upstream fields");
  return true;
}

}  // namespace pier::nginx_metrics
