#include "router.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include "api_path.h"

namespace pier::testing::kube_double {

namespace {

HttpReply fail(const ApiError& error) { return HttpReply::error(error); }

template <class T>
RouteOutcome outcome_of(ApiResult<T> result) {
  if (!result) return fail(result.error());
  return std::move(*result);
}

nlohmann::json version_info() {
  return {{"major", "1"},
          {"minor", "35"},
          {"emulationMajor", "1"},
          {"emulationMinor", "35"},
          {"minCompatibilityMajor", "1"},
          {"minCompatibilityMinor", "34"},
          {"gitVersion", "v1.35.0"},
          {"gitCommit", "pier-kube-double"},
          {"gitTreeState", "clean"},
          {"buildDate", "2025-12-17T00:00:00Z"},
          {"goVersion", "go1.25.5"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

}  // namespace

std::string media_type(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) type.pop_back();
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.front()))) type.erase(type.begin());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

Router::Router(RestOperations& rest, ResourceCatalog& catalog, Authenticator& auth, FaultInjector& faults,
               std::string server_address)
    : rest_(rest), catalog_(catalog), auth_(auth), faults_(faults), server_address_(std::move(server_address)) {}

RouteOutcome Router::handle(const IncomingRequest& request) {
  faults_.record(request.method, request.target);
  if (auto failure = faults_.take_failure()) return fail(*failure);
  try {
    return route(request);
  } catch (const std::exception& e) {
    return fail(ApiError::internal(e.what()));
  }
}

RouteOutcome Router::route(const IncomingRequest& request) {
  Target target = parse_target(request.target);
  auto user = auth_.authenticate(request.authorization, request.client_certificate);
  if (!user) return fail(ApiError::unauthorized());

  const ApiPath& api = target.api;
  bool is_get = request.method == "GET" || request.method == "HEAD";
  switch (api.kind) {
    case ApiPath::Kind::kVersion:
      if (!is_get) return fail(ApiError::method_not_allowed(request.method));
      return HttpReply::json(200, version_info().dump());
    case ApiPath::Kind::kHealth:
      if (!is_get) return fail(ApiError::method_not_allowed(request.method));
      return HttpReply::text(200, "ok");
    case ApiPath::Kind::kCoreVersions:
      if (!is_get) return fail(ApiError::method_not_allowed(request.method));
      return HttpReply::json(200, catalog_.api_versions(server_address_).dump());
    case ApiPath::Kind::kGroupList:
      if (!is_get) return fail(ApiError::method_not_allowed(request.method));
      return HttpReply::json(200, catalog_.api_group_list().dump());
    case ApiPath::Kind::kGroup: {
      if (!is_get) return fail(ApiError::method_not_allowed(request.method));
      auto group = catalog_.api_group(api.group);
      if (!group) return fail(ApiError::resource_not_served());
      return HttpReply::json(200, group->dump());
    }
    case ApiPath::Kind::kResourceList: {
      if (!is_get) return fail(ApiError::method_not_allowed(request.method));
      auto list = catalog_.api_resource_list(api.group, api.version);
      if (!list) return fail(ApiError::resource_not_served());
      return HttpReply::json(200, list->dump());
    }
    case ApiPath::Kind::kResource:
      return resource(request, target, *user);
    case ApiPath::Kind::kUnknown:
      break;
  }
  return fail(ApiError::resource_not_served());
}

RouteOutcome Router::resource(const IncomingRequest& request, const Target& target, const UserInfo& user) {
  const ApiPath& api = target.api;
  TypePtr type = catalog_.find_resource(api.group, api.version, api.resource);
  if (!type) return fail(ApiError::resource_not_served());

  bool collection = api.name.empty();
  bool is_watch = request.method == "GET" && target.query.flag("watch");
  // Namespaced kinds are addressed inside a namespace, except to list or
  // watch across all of them; cluster-scoped kinds never are.
  if (type->namespaced && api.namespace_name.empty() && !(request.method == "GET" && collection))
    return fail(ApiError::resource_not_served());
  if (!type->namespaced && !api.namespace_name.empty()) return fail(ApiError::resource_not_served());
  if (!api.subresource.empty() && !(api.subresource == "status" && type->has_status))
    return fail(ApiError::resource_not_served());

  std::string verb;
  if (request.method == "GET" || request.method == "HEAD") {
    verb = is_watch ? "watch" : collection ? "list" : "get";
  } else if (request.method == "POST") {
    verb = "create";
  } else if (request.method == "PUT") {
    verb = "update";
  } else if (request.method == "PATCH") {
    verb = "patch";
  } else if (request.method == "DELETE") {
    verb = collection ? "deletecollection" : "delete";
  } else {
    return fail(ApiError::method_not_allowed(request.method));
  }
  if (auto denied = auth_.authorize(user, verb, type.get(), api.namespace_name, api.name, api.subresource))
    return fail(*denied);

  ResourceRequest call;
  call.type = type;
  call.namespace_name = api.namespace_name;
  call.name = api.name;
  call.subresource = api.subresource;
  call.query = target.query;
  call.body = request.body;
  call.content_type = media_type(request.content_type);
  call.user_agent = request.user_agent;

  if (verb == "watch") {
    if (!collection) {
      // A watch on one object's URL is a watch on its name.
      std::string selector = "metadata.name=" + api.name;
      if (auto fields = call.query.get("fieldSelector"); fields && !fields->empty()) selector += "," + *fields;
      call.query.set("fieldSelector", selector);
      call.name.clear();
    }
    return outcome_of(rest_.watch(call));
  }
  if (verb == "get") return outcome_of(rest_.get(call));
  if (verb == "list") return outcome_of(rest_.list(call));
  if (verb == "create") return outcome_of(rest_.create(call));
  if (verb == "update") return outcome_of(rest_.replace(call));
  if (verb == "patch") return outcome_of(rest_.patch(call));
  if (verb == "delete") return outcome_of(rest_.remove(call));
  return outcome_of(rest_.remove_collection(call));
}

}  // namespace pier::testing::kube_double
