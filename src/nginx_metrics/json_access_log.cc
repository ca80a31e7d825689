#include "nginx_metrics/json_access_log.h"

#include <cstring>

#include "nginx_metrics/upstream_fields.h"

namespace pier::nginx_metrics {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// A cursor over the line. Every read checks the end: a truncated line is
// an error, never a read past it.
struct Cursor {
  const char* p;
  const char* end;

  void skip_space() {
    while (p < end && is_space(*p)) ++p;
  }
  bool take(char c) {
    skip_space();
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
};

// A string whose opening quote was consumed. Without escapes the view
// points into the line; with them the value is decoded into `scratch`.
bool read_string(Cursor& c, std::string& scratch, std::string_view& out) {
  const char* start = c.p;
  const char* quote = static_cast<const char*>(std::memchr(c.p, '"', static_cast<size_t>(c.end - c.p)));
  if (!quote) return false;
  const char* backslash = static_cast<const char*>(std::memchr(c.p, '\\', static_cast<size_t>(quote - c.p)));
  if (!backslash) {
    out = std::string_view(start, static_cast<size_t>(quote - start));
    c.p = quote + 1;
    return true;
  }
  size_t begin = scratch.size();
  scratch.append(start, backslash);
  const char* p = backslash;
  while (p < c.end) {
    char ch = *p;
    if (ch == '"') {
      out = std::string_view(scratch).substr(begin);
      c.p = p + 1;
      return true;
    }
    if (ch != '\\') {
      scratch.push_back(ch);
      ++p;
      continue;
    }
    if (++p >= c.end) return false;
    switch (*p) {
      case '"': scratch.push_back('"'); break;
      case '\\': scratch.push_back('\\'); break;
      case '/': scratch.push_back('/'); break;
      case 'b': scratch.push_back('\b'); break;
      case 'f': scratch.push_back('\f'); break;
      case 'n': scratch.push_back('\n'); break;
      case 'r': scratch.push_back('\r'); break;
      case 't': scratch.push_back('\t'); break;
      case 'u': {
        if (c.end - p < 5) return false;
        unsigned code = 0;
        for (int i = 1; i <= 4; ++i) {
          int d = hex_digit(p[i]);
          if (d < 0) return false;
          code = code * 16 + static_cast<unsigned>(d);
        }
        append_utf8(scratch, code);
        p += 4;
        break;
      }
      default:
        return false;
    }
    ++p;
  }
  return false;
}

// A bare value (number, true, false, null): up to the next delimiter.
bool read_bare(Cursor& c, std::string_view& out) {
  const char* start = c.p;
  while (c.p < c.end && *c.p != ',' && *c.p != '}' && !is_space(*c.p)) ++c.p;
  if (c.p == start) return false;
  out = std::string_view(start, static_cast<size_t>(c.p - start));
  return true;
}

// Skips a nested object or array whose opening bracket was consumed.
bool skip_nested(Cursor& c) {
  int depth = 1;
  while (c.p < c.end) {
    char ch = *c.p++;
    if (ch == '"') {
      while (c.p < c.end && *c.p != '"') {
        if (*c.p == '\\' && c.end - c.p < 2) return false;
        c.p += (*c.p == '\\') ? 2 : 1;
      }
      if (c.p >= c.end) return false;
      ++c.p;
    } else if (ch == '{' || ch == '[') {
      if (++depth > 64) return false;
    } else if (ch == '}' || ch == ']') {
      if (--depth == 0) return true;
    }
  }
  return false;
}

}  // namespace

JsonAccessLogParser::JsonAccessLogParser(JsonFieldNames names) {
  names_[kHost] = std::move(names.host);
  names_[kMethod] = std::move(names.method);
  names_[kStatus] = std::move(names.status);
  names_[kBytes] = std::move(names.bytes_sent);
  names_[kRequestTime] = std::move(names.request_time);
  names_[kUpstreamAddr] = std::move(names.upstream_addr);
  names_[kUpstreamStatus] = std::move(names.upstream_status);
  names_[kUpstreamTime] = std::move(names.upstream_response_time);
}

JsonAccessLogParser::Field JsonAccessLogParser::field_of(std::string_view key) const {
  for (uint8_t i = 0; i < kFieldCount; ++i)
    if (names_[i] == key) return static_cast<Field>(i);
  return kOther;
}

bool JsonAccessLogParser::parse(std::string_view line, AccessRecord& record) {
  record.clear();
  problem_ = {};
  scratch_.clear();
  scratch_.reserve(line.size());  // decoded values never outgrow the line: views stay valid
  Cursor c{line.data(), line.data() + line.size()};
  if (!c.take('{')) return fail("not a JSON object");
  std::array<std::string_view, kFieldCount> values{};
  std::array<bool, kFieldCount> seen{};
  if (!c.take('}')) {
    for (;;) {
      if (!c.take('"')) return fail(c.p >= c.end ? "truncated" : "expected a key");
      std::string_view key;
      if (!read_string(c, scratch_, key)) return fail("truncated");
      if (!c.take(':')) return fail(c.p >= c.end ? "truncated" : "expected ':'");
      c.skip_space();
      if (c.p >= c.end) return fail("truncated");
      Field field = field_of(key);
      std::string_view value;
      if (*c.p == '"') {
        ++c.p;
        if (!read_string(c, scratch_, value)) return fail("truncated");
      } else if (*c.p == '{' || *c.p == '[') {
        ++c.p;
        if (!skip_nested(c)) return fail("truncated");
        field = kOther;
      } else if (!read_bare(c, value)) {
        return fail("expected a value");
      }
      if (field != kOther) {
        values[field] = value;
        seen[field] = true;
      }
      if (c.take(',')) continue;
      if (c.take('}')) break;
      return fail(c.p >= c.end ? "truncated" : "expected ',' or '}'");
    }
  }
  c.skip_space();
  if (c.p != c.end) return fail("text after the object");

  if (!seen[kStatus] || !parse_status(values[kStatus], record.status)) return fail("no valid status");
  record.host = values[kHost];
  record.method = values[kMethod];
  if (seen[kBytes] && !values[kBytes].empty() && values[kBytes] != "-" &&
      !parse_unsigned(values[kBytes], record.bytes_sent))
    return fail("bad bytes_sent");
  if (seen[kRequestTime] && !values[kRequestTime].empty() && !parse_seconds(values[kRequestTime], record.request_seconds))
    return fail("bad request_time");
  if (!split_upstreams(values[kUpstreamAddr], values[kUpstreamStatus], values[kUpstreamTime], record.upstreams,
                       record.upstream_seconds))
    return fail("bad upstream fields");
  return true;
}

}  // namespace pier::nginx_metrics
