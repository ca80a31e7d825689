// Kubernetes' rules for object names and labels (apimachinery validation):
// DNS-1123 labels and subdomains, DNS-1035 labels, label keys and values.
//
//   if (auto why = check_object_name("Service", "1web")) report(*why);
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pier::manifest {

bool is_dns1123_label(std::string_view s);      // "web-1": lower case alnum and '-', <= 63
bool is_dns1123_subdomain(std::string_view s);  // "web.v1": labels joined by '.', <= 253
bool is_dns1035_label(std::string_view s);      // a DNS-1123 label that starts with a letter
bool is_label_value(std::string_view s);        // <= 63, [A-Za-z0-9] at both ends, [-_.A-Za-z0-9] inside
bool is_label_key(std::string_view s);          // [prefix/]name

// Why `name` is not a valid name for `kind`, or nothing when it is.
std::optional<std::string> check_object_name(std::string_view kind, std::string_view name);

}  // namespace pier::manifest
