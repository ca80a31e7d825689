#include "name_validation.h"

namespace pier::testing::kube_double {

namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_dns_label(std::string_view text) {
  if (text.empty()) return false;
  if (!is_lower_alnum(text.front()) || !is_lower_alnum(text.back())) return false;
  for (char c : text)
    if (!is_lower_alnum(c) && c != '-') return false;
  return true;
}

bool is_dns_subdomain(std::string_view text) {
  if (text.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    std::string_view part = text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!is_dns_label(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_qualified_name_part(std::string_view text) {
  if (text.empty() || !is_alnum(text.front()) || !is_alnum(text.back())) return false;
  for (char c : text)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

const char* const kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const char* const kLabelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const char* const kDns1035Message =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
    "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const char* const kQualifiedNameMessage =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const char* const kLabelValueMessage =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
    "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

}  // namespace

std::optional<std::string> check_name(std::string_view name, NameRule rule) {
  switch (rule) {
    case NameRule::kSubdomain:
      if (name.size() > 253) return "must be no more than 253 characters";
      if (!is_dns_subdomain(name)) return kSubdomainMessage;
      return std::nullopt;
    case NameRule::kLabel:
      if (name.size() > 63) return "must be no more than 63 characters";
      if (!is_dns_label(name)) return kLabelMessage;
      return std::nullopt;
    case NameRule::kDns1035Label:
      if (name.size() > 63) return "must be no more than 63 characters";
      if (!is_dns_label(name) || !(name.front() >= 'a' && name.front() <= 'z')) return kDns1035Message;
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> check_label_key(std::string_view key) {
  std::string_view name = key;
  size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) return "prefix part must be non-empty";
    if (prefix.size() > 253) return "prefix part must be no more than 253 characters";
    if (!is_dns_subdomain(prefix)) return std::string("prefix part ") + kSubdomainMessage;
  }
  if (name.empty()) return "name part must be non-empty";
  if (name.size() > 63) return "name part must be no more than 63 characters";
  if (!is_qualified_name_part(name)) return kQualifiedNameMessage;
  return std::nullopt;
}

std::optional<std::string> check_label_value(std::string_view value) {
  if (value.empty()) return std::nullopt;
  if (value.size() > 63) return "must be no more than 63 characters";
  if (!is_qualified_name_part(value)) return kLabelValueMessage;
  return std::nullopt;
}

}  // namespace pier::testing::kube_double
