// What the API server's refusals become: a Kubernetes Status (or whatever a
// proxy in between sent) -> pier::Error with the context, the attempt, the
// server's words, per-field details and a hint for the common fixes.
//
//   Attempt attempt{.what = "apply apps/v1 Deployment web/jetty", .verb = "patch",
//                   .resource = "deployments", .group = "apps", .namespace_name = "web"};
//   Error e = error_from_status(response.status, &status, response.body, "context prod-bj", attempt);
//
// client.h's error_from_response is the public face of this file.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::kube {

// What was tried, for messages and for the RBAC hint of a 403.
struct Attempt {
  std::string what;  // "apply apps/v1 Deployment web/jetty"
  std::string verb;  // the RBAC verb: get, list, watch, create, update, patch, delete
  std::string resource;     // "deployments"; "" = take it from the Status details
  std::string subresource;  // "status" or ""
  std::string group;        // "apps"; "" for the core group
  std::string namespace_name;
};

// "context prod-bj": how messages name a cluster.
std::string context_label(std::string_view context_name);

// The Error for a refusal. `http_status` is the response's status, or 0 for
// a Status carried by a watch ERROR event (its `code` then decides).
// `status` is the parsed body when it is a Status object, else nullptr and
// `raw_body` is summarised (an HTML error page shows its <title>).
Error error_from_status(int http_status, const nlohmann::json* status, std::string_view raw_body,
                        std::string_view context_label, const Attempt& attempt);

// The RBAC verb for the first word of an Attempt's `what` ("apply" -> "patch",
// "replace" -> "update"); the word itself when it is already a verb.
std::string rbac_verb_for(std::string_view what);

// A transport error with the cluster and the attempt in front, unless the
// transport already named the cluster.
Error with_context(Error error, std::string_view context_label, std::string_view what);

}  // namespace pier::kube
