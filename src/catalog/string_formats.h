// Checks for JSON Schema "format" values that valijson does not check itself
// (it checks date, time and date-time): hostname, ipv4, ipv6, email, uri.
//
//   if (!matches_format("hostname", "web.example.com")) ...
#pragma once

#include <string_view>

namespace pier::catalog {

// True when `text` matches `format`, or when the format is not one we know
// (unknown formats are annotations in draft-07, not assertions).
bool matches_format(std::string_view format, std::string_view text);

// True for the formats matches_format() checks: hostname, ipv4, ipv6, email, uri.
bool is_checked_format(std::string_view format);

}  // namespace pier::catalog
