#include "catalog/string_formats.h"

#include <arpa/inet.h>

#include <cctype>
#include <string>

namespace pier::catalog {

namespace {

bool is_hostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.back() == '.') s.remove_suffix(1);
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    std::string_view label = s.substr(start, dot - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    start = dot + 1;
  }
  return true;
}

bool is_ip(int family, std::string_view s) {
  std::string text(s);
  unsigned char buffer[16];
  return inet_pton(family, text.c_str(), buffer) == 1;
}

bool is_email(std::string_view s) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return false;
  for (char c : s.substr(0, at))
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) return false;
  return is_hostname(s.substr(at + 1));
}

// scheme ":" rest, with the scheme as RFC 3986 has it and no spaces.
bool is_uri(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s.substr(0, colon))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  for (char c : s)
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) return false;
  return colon + 1 < s.size();
}

}  // namespace

bool is_checked_format(std::string_view format) {
  return format == "hostname" || format == "ipv4" || format == "ipv6" || format == "email" || format == "uri";
}

bool matches_format(std::string_view format, std::string_view text) {
  if (format == "hostname") return is_hostname(text);
  if (format == "ipv4") return is_ip(AF_INET, text);
  if (format == "ipv6") return is_ip(AF_INET6, text);
  if (format == "email") return is_email(text);
  if (format == "uri") return is_uri(text);
  return true;
}

}  // namespace pier::catalog
