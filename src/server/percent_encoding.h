// Percent-decoding of URL paths and query strings (RFC 3986), and query
// parsing (the application/x-www-form-urlencoded rules browsers use).
// Encoding is common/url_encoding.h.
//
//   auto segment = pier::server::percent_decode("my%20app");   // "my app"
//   auto query = pier::server::parse_query("limit=5&q=a+b");   // {limit: 5, q: "a b"}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace pier::server {

// Decodes %XX escapes (and `+` as a space when `plus_as_space`, for query
// components). nullopt for a malformed escape ("%", "%4", "%zz") or an
// encoded NUL byte, which no name or value of ours may contain.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space = false);


using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=2&b=3&flag" -> {a,1} {b,2} {b,3} {flag,""}, decoded, in order;
// empty pieces ("a=1&&b=2") are skipped. kInvalidInput for a malformed escape.
Result<QueryParams> parse_query(std::string_view query);

// The path split at '/' into decoded segments: "/" -> {}, "/a/b" -> {a, b},
// "/a/" -> {a, ""}. Each segment is decoded on its own, so an encoded slash
// ("%2F") stays inside its segment instead of creating a new one.
// kInvalidInput when the path does not start with '/' or has a bad escape.
Result<std::vector<std::string>> split_path(std::string_view path);

}  // namespace pier::server
