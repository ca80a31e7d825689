#include "kube/client.h"

#include <utility>

#include "kube/status_error.h"
#include "common/url_encoding.h"
#include "kube/watch_decoder.h"

namespace pier::kube {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kApplyPatch = "application/apply-patch+yaml";
// A watch is silent at most until the server ends it (timeoutSeconds), plus
// this margin; longer silence means a dead connection.
constexpr std::chrono::seconds kWatchSilenceMargin{30};

std::string string_at(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return {};
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const nlohmann::json& metadata_of(const nlohmann::json& object) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  if (!object.is_object()) return kEmpty;
  auto it = object.find("metadata");
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

// Never throws: strings that came in as JSON are valid UTF-8 already, and
// anything else is replaced rather than aborting the request.
std::string to_json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string describe_kind(const GroupVersionKind& gvk) { return gvk.api_version() + " " + gvk.kind; }

// "web/jetty" for a namespaced object, "jetty" for a cluster-scoped one.
std::string object_ref(const ResourceInfo& info, std::string_view namespace_name, std::string_view name) {
  if (!info.namespaced || namespace_name.empty()) return std::string(name);
  return std::string(namespace_name) + "/" + std::string(name);
}

std::string collection_ref(const ResourceInfo& info, std::string_view namespace_name) {
  if (!info.namespaced) return "";
  if (namespace_name.empty()) return " in all namespaces";
  return " in namespace " + std::string(namespace_name);
}

// Real servers leave apiVersion and kind out of list items.
void fill_type(nlohmann::json& object, const GroupVersionKind& gvk) {
  if (!object.is_object()) return;
  if (string_at(object, "apiVersion").empty()) object["apiVersion"] = gvk.api_version();
  if (string_at(object, "kind").empty()) object["kind"] = gvk.kind;
}

bool is_success(int status) { return status >= 200 && status <= 299; }

Attempt attempt_for(std::string what, std::string verb, const ResourceInfo& info, std::string_view namespace_name,
                    std::string subresource = {}) {
  return Attempt{.what = std::move(what),
                 .verb = std::move(verb),
                 .resource = info.resource,
                 .subresource = std::move(subresource),
                 .group = info.gvk.group,
                 .namespace_name = info.namespaced ? std::string(namespace_name) : std::string()};
}

Error refusal(const HttpResponse& response, std::string_view label, const Attempt& attempt) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  const bool is_status = body.is_object() && string_at(body, "kind") == "Status";
  return error_from_status(response.status, is_status ? &body : nullptr, response.body, label, attempt);
}

// One request whose 2xx reply is a JSON object.
Result<nlohmann::json> exchange(Transport& transport, std::string_view label, const HttpRequest& request,
                                const Attempt& attempt) {
  auto response = transport.send(request);
  if (!response) return fail(with_context(response.error(), label, attempt.what));
  if (!is_success(response->status)) return fail(refusal(*response, label, attempt));
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object())
    return fail(Error::make(ErrorCode::kIo,
                            std::string(label) + ": " + attempt.what + ": the server's reply is not a JSON object",
                            Retry::kYes));
  return body;
}

HttpRequest make_request(std::string method, std::string path) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.accept = std::string(kJson);
  return request;
}

// What an object to write names: its kind's resource, namespace and name.
struct Target {
  ResourceInfo info;
  std::string namespace_name;
  std::string name;
  std::string ref;  // "apps/v1 Deployment web/jetty"
};

// Resolves an object's kind and checks it names what the verb needs.
Result<Target> target_of(Discovery& discovery, std::string_view label, std::string_view verb,
                         const nlohmann::json& object, bool needs_name) {
  const GroupVersionKind gvk = GroupVersionKind::of(object);
  const auto& metadata = metadata_of(object);
  Target target;
  target.name = string_at(metadata, "name");
  target.namespace_name = string_at(metadata, "namespace");
  std::string shown_name = target.name.empty() ? string_at(metadata, "generateName") + "*" : target.name;
  auto invalid = [&](std::string why) {
    return Error::invalid(std::string(label) + ": " + std::string(verb) + " " + describe_kind(gvk) + " " +
                          shown_name + ": " + why);
  };
  if (!object.is_object())
    return fail(Error::invalid(std::string(label) + ": " + std::string(verb) + ": not a JSON object"));
  if (gvk.version.empty() || gvk.kind.empty()) return fail(invalid("the object has no apiVersion or no kind"));
  if (needs_name && target.name.empty()) return fail(invalid("the object has no metadata.name"));
  if (target.name.empty() && string_at(metadata, "generateName").empty())
    return fail(invalid("the object has neither metadata.name nor metadata.generateName"));
  auto info = discovery.resolve(gvk);
  if (!info) return fail(with_context(info.error(), label, std::string(verb) + " " + describe_kind(gvk)));
  target.info = std::move(*info);
  if (target.info.namespaced && target.namespace_name.empty())
    return fail(invalid("a namespaced kind needs metadata.namespace"));
  if (!target.info.namespaced) target.namespace_name.clear();
  target.ref = describe_kind(gvk) + " " + object_ref(target.info, target.namespace_name, shown_name);
  return target;
}

}  // namespace

Client::Client(std::shared_ptr<Transport> transport, std::string context_name)
    : transport_(std::move(transport)),
      context_name_(std::move(context_name)),
      discovery_(std::make_unique<Discovery>(*transport_, context_name_)) {}

Result<nlohmann::json> Client::get(const GroupVersionKind& gvk, std::string_view namespace_name,
                                   std::string_view name) {
  const std::string label = context_label(context_name_);
  auto info = discovery_->resolve(gvk);
  if (!info) return fail(with_context(info.error(), label, "get " + describe_kind(gvk) + " " + std::string(name)));
  const std::string what = "get " + describe_kind(gvk) + " " + object_ref(*info, namespace_name, name);
  if (info->namespaced && namespace_name.empty())
    return fail(Error::invalid(label + ": " + what + ": a namespaced kind needs a namespace"));
  if (name.empty()) return fail(Error::invalid(label + ": " + what + ": no name given"));
  auto object = exchange(*transport_, label, make_request("GET", info->object_path(namespace_name, name)),
                         attempt_for(what, "get", *info, namespace_name));
  if (object) fill_type(*object, info->gvk);
  return object;
}

Result<ObjectList> Client::list(const GroupVersionKind& gvk, std::string_view namespace_name,
                                const ListOptions& options) {
  const std::string label = context_label(context_name_);
  auto info = discovery_->resolve(gvk);
  if (!info) return fail(with_context(info.error(), label, "list " + describe_kind(gvk)));
  const std::string what = "list " + describe_kind(gvk) + collection_ref(*info, namespace_name);
  const Attempt attempt = attempt_for(what, "list", *info, namespace_name);

  ObjectList out;
  std::string continue_token;
  bool unpaged = false;  // after a continue token expired: one list without pages
  for (;;) {
    std::string limit = (options.page_size > 0 && !unpaged) ? std::to_string(options.page_size) : "";
    // A continued page reads the snapshot of the first one: the server
    // refuses a resourceVersion next to a continue token.
    std::string resource_version = continue_token.empty() ? options.resource_version : "";
    std::string path = info->collection_path(namespace_name) + encode_query({{"labelSelector", options.label_selector},
                                                                             {"fieldSelector", options.field_selector},
                                                                             {"limit", limit},
                                                                             {"continue", continue_token},
                                                                             {"resourceVersion", resource_version}});
    auto response = transport_->send(make_request("GET", path));
    if (!response) return fail(with_context(response.error(), label, what));
    if (response->status == 410 && !continue_token.empty() && !unpaged) {
      // The snapshot behind the token was compacted away while we paged.
      out.items.clear();
      continue_token.clear();
      unpaged = true;
      continue;
    }
    if (!is_success(response->status)) return fail(refusal(*response, label, attempt));
    nlohmann::json page = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (!page.is_object())
      return fail(Error::make(ErrorCode::kIo, label + ": " + what + ": the server's reply is not a JSON object",
                              Retry::kYes));
    if (auto items = page.find("items"); items != page.end() && items->is_array()) {
      out.items.reserve(out.items.size() + items->size());
      for (auto& item : *items) {
        fill_type(item, info->gvk);
        out.items.push_back(std::move(item));
      }
    }
    const auto& metadata = metadata_of(page);
    out.resource_version = string_at(metadata, "resourceVersion");
    continue_token = string_at(metadata, "continue");
    if (continue_token.empty()) break;
  }
  return out;
}

Result<nlohmann::json> Client::create(const nlohmann::json& object, bool dry_run) {
  const std::string label = context_label(context_name_);
  auto target = target_of(*discovery_, label, "create", object, /*needs_name=*/false);
  if (!target) return fail(target.error());
  HttpRequest request = make_request(
      "POST", target->info.collection_path(target->namespace_name) + encode_query({{"dryRun", dry_run ? "All" : ""}}));
  request.body = to_json_text(object);
  request.content_type = std::string(kJson);
  request.idempotent = false;  // a resent POST may create a second object (generateName)
  auto created = exchange(*transport_, label, request,
                          attempt_for("create " + target->ref, "create", target->info, target->namespace_name));
  if (created) fill_type(*created, target->info.gvk);
  return created;
}

Result<nlohmann::json> Client::replace(const nlohmann::json& object) {
  const std::string label = context_label(context_name_);
  auto target = target_of(*discovery_, label, "replace", object, /*needs_name=*/true);
  if (!target) return fail(target.error());
  HttpRequest request = make_request("PUT", target->info.object_path(target->namespace_name, target->name));
  request.body = to_json_text(object);
  request.content_type = std::string(kJson);
  // With a resourceVersion a resent PUT fails with a conflict instead of
  // overwriting a change made in between.
  request.idempotent = !string_at(metadata_of(object), "resourceVersion").empty();
  auto replaced = exchange(*transport_, label, request,
                           attempt_for("replace " + target->ref, "update", target->info, target->namespace_name));
  if (replaced) fill_type(*replaced, target->info.gvk);
  return replaced;
}

Result<nlohmann::json> Client::replace_status(const nlohmann::json& object) {
  const std::string label = context_label(context_name_);
  auto target = target_of(*discovery_, label, "replace the status of", object, /*needs_name=*/true);
  if (!target) return fail(target.error());
  const std::string what = "replace the status of " + target->ref;
  if (!target->info.has_status)
    return fail(Error::not_found(label + ": " + what + ": " + target->info.resource + " has no status subresource"));
  HttpRequest request = make_request("PUT", target->info.object_path(target->namespace_name, target->name) + "/status");
  request.body = to_json_text(object);
  request.content_type = std::string(kJson);
  request.idempotent = !string_at(metadata_of(object), "resourceVersion").empty();
  auto replaced = exchange(*transport_, label, request,
                           attempt_for(what, "update", target->info, target->namespace_name, "status"));
  if (replaced) fill_type(*replaced, target->info.gvk);
  return replaced;
}

Result<nlohmann::json> Client::apply(const nlohmann::json& object, const ApplyOptions& options) {
  const std::string label = context_label(context_name_);
  auto target = target_of(*discovery_, label, "apply", object, /*needs_name=*/true);
  if (!target) return fail(target.error());
  if (options.field_manager.empty())
    return fail(Error::invalid(label + ": apply " + target->ref + ": server-side apply needs a field manager"));
  HttpRequest request = make_request(
      "PATCH", target->info.object_path(target->namespace_name, target->name) +
                   encode_query({{"fieldManager", options.field_manager},
                                 {"force", options.force ? "true" : ""},
                                 {"dryRun", options.dry_run ? "All" : ""}}));
  request.body = to_json_text(object);  // JSON is YAML: the apply-patch content type takes it as it is
  request.content_type = std::string(kApplyPatch);
  request.idempotent = true;  // applying the same intent twice gives the same object
  auto applied = exchange(*transport_, label, request,
                          attempt_for("apply " + target->ref, "patch", target->info, target->namespace_name));
  if (applied) fill_type(*applied, target->info.gvk);
  return applied;
}

Result<void> Client::remove(const GroupVersionKind& gvk, std::string_view namespace_name, std::string_view name,
                            const DeleteOptions& options) {
  const std::string label = context_label(context_name_);
  auto info = discovery_->resolve(gvk);
  if (!info) return fail(with_context(info.error(), label, "delete " + describe_kind(gvk) + " " + std::string(name)));
  const std::string what = "delete " + describe_kind(gvk) + " " + object_ref(*info, namespace_name, name);
  if (info->namespaced && namespace_name.empty())
    return fail(Error::invalid(label + ": " + what + ": a namespaced kind needs a namespace"));
  if (name.empty()) return fail(Error::invalid(label + ": " + what + ": no name given"));

  nlohmann::json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (options.dry_run) body["dryRun"] = nlohmann::json::array({"All"});
  if (options.precondition_resource_version)
    body["preconditions"] = {{"resourceVersion", *options.precondition_resource_version}};

  HttpRequest request = make_request("DELETE", info->object_path(namespace_name, name));
  request.body = to_json_text(body);
  request.content_type = std::string(kJson);
  // Without a precondition a resent DELETE could remove an object someone
  // re-created under the same name in between.
  request.idempotent = options.precondition_resource_version.has_value();
  auto response = transport_->send(request);
  if (!response) return fail(with_context(response.error(), label, what));
  if (!is_success(response->status))
    return fail(refusal(*response, label, attempt_for(what, "delete", *info, namespace_name)));
  return {};
}

Result<void> Client::watch(const GroupVersionKind& gvk, std::string_view namespace_name, const WatchOptions& options,
                           const std::function<bool(WatchEvent&&)>& on_event, std::stop_token stop) {
  const std::string label = context_label(context_name_);
  auto info = discovery_->resolve(gvk);
  if (!info) return fail(with_context(info.error(), label, "watch " + describe_kind(gvk)));
  const std::string what = "watch " + describe_kind(gvk) + collection_ref(*info, namespace_name);

  const std::string timeout = options.timeout_seconds > 0 ? std::to_string(options.timeout_seconds) : "";
  HttpRequest request = make_request("GET", info->collection_path(namespace_name) +
                                                encode_query({{"watch", "1"},
                                                              {"resourceVersion", options.resource_version},
                                                              {"allowWatchBookmarks", options.allow_bookmarks ? "true" : ""},
                                                              {"timeoutSeconds", timeout},
                                                              {"labelSelector", options.label_selector},
                                                              {"fieldSelector", options.field_selector}}));
  if (options.timeout_seconds > 0)
    request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::seconds(options.timeout_seconds) + kWatchSilenceMargin);

  WatchDecoder decoder(label, what);
  bool stopped_by_handler = false;
  std::optional<Error> failure;
  auto on_data = [&](std::string_view chunk) {
    auto out = decoder.feed(chunk);
    for (auto& event : out.events) {
      if (event.type != WatchEvent::Type::kBookmark) fill_type(event.object, info->gvk);
      if (!on_event(std::move(event))) {
        stopped_by_handler = true;
        return false;
      }
    }
    if (out.error) {
      failure = std::move(out.error);
      return false;
    }
    return !stop.stop_requested();
  };
  auto response = transport_->stream(request, on_data, stop);
  if (stopped_by_handler || stop.stop_requested()) return {};
  if (failure) return fail(std::move(*failure));
  if (!response) return fail(with_context(response.error(), label, what));
  if (!is_success(response->status))
    return fail(refusal(*response, label, attempt_for(what, "watch", *info, namespace_name)));
  if (decoder.pending_bytes() > 0)
    return fail(Error::make(ErrorCode::kUnavailable,
                            label + ": " + what + ": the stream ended inside an event (" +
                                std::to_string(decoder.pending_bytes()) +
                                " bytes dropped); watch again from the last resourceVersion",
                            Retry::kYes));
  return {};
}

Result<nlohmann::json> Client::server_version() {
  const std::string label = context_label(context_name_);
  return exchange(*transport_, label, make_request("GET", "/version"),
                  Attempt{.what = "read the server version (GET /version)", .verb = "get"});
}

}  // namespace pier::kube
