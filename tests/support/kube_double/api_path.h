// Request targets of the Kubernetes REST API, split into what they address:
//
//   auto t = parse_target("/apis/apps/v1/namespaces/web/deployments/jetty/status?dryRun=All");
//   t.path.kind == ApiPath::Kind::kResource; t.path.group == "apps";
//   t.path.namespace_name == "web"; t.path.resource == "deployments";
//   t.path.name == "jetty"; t.path.subresource == "status";
//   t.query.get("dryRun") == "All"
//
// Percent-encoding is decoded; in the query '+' is a space, as Go's
// url.ParseQuery reads it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pier::testing::kube_double {

class Query {
 public:
  static Query parse(std::string_view query_string);
  std::optional<std::string> get(const std::string& key) const;
  std::string get_or(const std::string& key, std::string fallback) const;
  // "true", "1" (and "" for a bare `?watch`) are true, as the real server reads booleans.
  bool flag(const std::string& key) const;
  bool has(const std::string& key) const { return params_.contains(key); }
  void set(const std::string& key, std::string value) { params_[key] = std::move(value); }

 private:
  std::map<std::string, std::string> params_;  // the first value of each key
};

struct ApiPath {
  enum class Kind {
    kUnknown,
    kVersion,       // /version
    kHealth,        // /healthz, /readyz, /livez
    kCoreVersions,  // /api
    kGroupList,     // /apis
    kGroup,         // /apis/<group>
    kResourceList,  // /api/v1, /apis/<group>/<version>
    kResource,      // a collection, an object or a subresource
  };
  Kind kind = Kind::kUnknown;
  std::string group;
  std::string version;
  std::string namespace_name;  // "" for cluster-scoped and all-namespaces requests
  std::string resource;        // plural
  std::string name;            // "" for a collection
  std::string subresource;     // "status", ...
};

struct Target {
  std::string path;  // decoded
  ApiPath api;
  Query query;
};

Target parse_target(std::string_view target);

std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace pier::testing::kube_double
