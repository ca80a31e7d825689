// How a plain (unquoted) YAML scalar reads: the rules of YAML 1.1 as
// Kubernetes' own reader (go-yaml v2 under sigs.k8s.io/yaml) applies them, so
// `on`, `yes` and `0777` mean what `kubectl apply` would take them to mean.
//
//   resolve_plain_scalar("3")    -> 3
//   resolve_plain_scalar("yes")  -> true
//   resolve_plain_scalar("3.0")  -> 3.0
//   resolve_plain_scalar("web")  -> "web"
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace pier::yamljson {

// The typed value of a plain scalar. Infinity and NaN come back as floats.
nlohmann::json resolve_plain_scalar(std::string_view text);

// True when `text`, written plainly, would read back as something other than
// this same string, under YAML 1.1 or YAML 1.2 rules.
bool plain_scalar_is_ambiguous(std::string_view text);

}  // namespace pier::yamljson
