#include "manifest/names.h"

namespace pier::manifest {

namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool is_dns1123_label(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  for (char c : s)
    if (!lower_alnum(c) && c != '-') return false;
  return true;
}

bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || !lower_alnum(part.front()) || !lower_alnum(part.back())) return false;
    for (char c : part)
      if (!lower_alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_dns1035_label(std::string_view s) { return is_dns1123_label(s) && s.front() >= 'a' && s.front() <= 'z'; }

bool is_label_value(std::string_view s) {
  if (s.empty()) return true;
  if (s.size() > 63 || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

bool is_label_key(std::string_view s) {
  auto slash = s.find('/');
  std::string_view name = s;
  if (slash != std::string_view::npos) {
    if (!is_dns1123_subdomain(s.substr(0, slash))) return false;
    name = s.substr(slash + 1);
  }
  return !name.empty() && is_label_value(name);
}

std::optional<std::string> check_object_name(std::string_view kind, std::string_view name) {
  if (name.empty()) return "metadata.name must not be empty";
  if (kind == "Namespace") {
    if (!is_dns1123_label(name))
      return "metadata.name \"" + std::string(name) +
             "\" must be a DNS-1123 label: at most 63 lower case letters, digits or '-', starting and ending with a letter or digit";
    return std::nullopt;
  }
  if (kind == "Service") {
    if (!is_dns1035_label(name))
      return "metadata.name \"" + std::string(name) +
             "\" must be a DNS-1035 label: at most 63 lower case letters, digits or '-', starting with a letter and ending with a letter or digit";
    return std::nullopt;
  }
  if (kind == "Role" || kind == "ClusterRole" || kind == "RoleBinding" || kind == "ClusterRoleBinding") {
    if (name == "." || name == ".." || name.find('/') != std::string_view::npos || name.find('%') != std::string_view::npos)
      return "metadata.name \"" + std::string(name) + "\" may not be '.' or '..' nor contain '/' or '%'";
    return std::nullopt;
  }
  if (!is_dns1123_subdomain(name))
    return "metadata.name \"" + std::string(name) +
           "\" must be a DNS-1123 subdomain: at most 253 lower case letters, digits, '-' or '.', each part starting and ending with a letter or digit";
  return std::nullopt;
}

}  // namespace pier::manifest
