// The syntax rules of apimachinery's validation for names and labels, with
// the real server's messages (they end up in 422 Invalid causes):
//
//   if (auto problem = check_name("Web_1", NameRule::kSubdomain)) ...
//   // *problem == "a lowercase RFC 1123 subdomain must consist of ..."
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "resource_type.h"

namespace pier::testing::kube_double {

// nullopt when valid; else the reason (without "Invalid value: ...").
std::optional<std::string> check_name(std::string_view name, NameRule rule);
// A label key: an optional DNS subdomain prefix and '/', then a name of at
// most 63 characters ([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?).
std::optional<std::string> check_label_key(std::string_view key);
// A label value: empty, or like the name part of a key.
std::optional<std::string> check_label_value(std::string_view value);

}  // namespace pier::testing::kube_double
