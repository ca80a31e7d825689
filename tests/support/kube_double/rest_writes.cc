// create, replace, patch (apply, merge, JSON patch), delete, deletecollection,
// and the store writes with side effects.
#include <algorithm>

#include "custom_resources.h"
#include "field_manager.h"
#include "object_strategy.h"
#include "rest_operations.h"
#include "yamljson/yaml_to_json.h"

namespace pier::testing::kube_double {

namespace {

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string text_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string metadata_text(const nlohmann::json& object, const char* key) {
  auto metadata = object.find("metadata");
  return metadata == object.end() ? "" : text_at(*metadata, key);
}

ApiResult<nlohmann::json> parse_json(const std::string& body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded())
    return std::unexpected(ApiError::bad_request("the body of the request could not be decoded as JSON"));
  return parsed;
}

// JSON, or YAML (which JSON also is) for application/yaml and apply patches.
ApiResult<nlohmann::json> parse_object(const std::string& body, bool yaml) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (!yaml || (first != std::string::npos && body[first] == '{')) {
    auto parsed = parse_json(body);
    if (!parsed || !parsed->is_object())
      return std::unexpected(ApiError::bad_request("the body of the request must be a JSON object"));
    return parsed;
  }
  auto documents = pier::yamljson::parse_yaml(body, "request body");
  if (!documents) return std::unexpected(ApiError::bad_request("error decoding YAML: " + documents.error().message));
  if (!documents->is_object()) return std::unexpected(ApiError::bad_request("the body of the request must be an object"));
  return std::move(*documents);
}

ApiResult<nlohmann::json> parse_body(const ResourceRequest& request) {
  if (request.content_type.empty() || request.content_type == "application/json") return parse_object(request.body, false);
  if (request.content_type == "application/yaml") return parse_object(request.body, true);
  return std::unexpected(ApiError::unsupported_media_type(request.content_type, "application/json, application/yaml"));
}

ApiResult<bool> parse_dry_run(const Query& query) {
  auto value = query.get("dryRun");
  if (!value) return false;
  if (*value == "All") return true;
  return std::unexpected(
      ApiError::bad_request("dryRun: Unsupported value: \"" + *value + "\": supported values: \"All\""));
}

ApiResult<WriteScope> scope_of(const ResourceRequest& request) {
  if (request.subresource.empty()) return WriteScope::kMain;
  if (request.subresource == "status" && request.type->has_status) return WriteScope::kStatus;
  return std::unexpected(ApiError::resource_not_served());
}

FieldManagerScope manager_scope(const ResourceType& type, WriteScope scope, const std::string& now) {
  FieldManagerScope out;
  out.schema = type.schema;
  out.reset_status = scope == WriteScope::kMain && type.has_status;
  out.status_only = scope == WriteScope::kStatus;
  out.api_version = type.api_version();
  out.now = now;
  return out;
}

ApiResult<void> check_namespace_exists(ObjectStore& store, const StoreLock& lock, const ResourceCatalog& catalog,
                                       const ResourceType& type, const std::string& namespace_name) {
  if (!type.namespaced) return {};
  if (!store.get(lock, *catalog.namespace_type(), "", namespace_name))
    return std::unexpected(ApiError::namespace_not_found(namespace_name));
  return {};
}

ApiResult<void> check_resource_version(const nlohmann::json& body, const ObjectPtr& live, const ResourceType& type,
                                       const std::string& name) {
  std::string wanted = metadata_text(body, "resourceVersion");
  if (!wanted.empty() && wanted != std::to_string(live->resource_version))
    return std::unexpected(ApiError::stale_resource_version(type, name));
  return {};
}

HttpReply object_reply(int status, nlohmann::json object, const ResourceType& type) {
  object["apiVersion"] = type.api_version();
  object["kind"] = type.kind;
  return HttpReply::json(status, dump(object));
}

nlohmann::json status_success(const ResourceType& type, const std::string& name, const std::string& uid) {
  nlohmann::json details = {{"name", name}, {"kind", type.plural}, {"uid", uid}};
  if (!type.group.empty()) details["group"] = type.group;
  return {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
          {"status", "Success"}, {"details", details}};
}

bool has_finalizers(const nlohmann::json& object) {
  auto metadata = object.find("metadata");
  if (metadata == object.end()) return false;
  auto finalizers = metadata->find("finalizers");
  return finalizers != metadata->end() && finalizers->is_array() && !finalizers->empty();
}

}  // namespace

std::string field_manager_of(const ResourceRequest& request) {
  if (auto manager = request.query.get("fieldManager"); manager && !manager->empty()) return *manager;
  std::string agent = request.user_agent.substr(0, request.user_agent.find('/'));
  return agent.empty() ? "unknown" : agent;
}

ObjectPtr RestOperations::commit(const StoreLock& lock, const ResourceType& type, nlohmann::json object) {
  bool is_crd = &type == catalog_.crd_type().get();
  std::string name = metadata_text(object, "name");
  std::vector<ResourceType> served = is_crd ? custom_resource_types(object) : std::vector<ResourceType>{};
  ObjectPtr stored = store_.put(lock, type, std::move(object));
  if (is_crd) catalog_.serve_crd(name, std::move(served));
  return stored;
}

ObjectPtr RestOperations::erase(const StoreLock& lock, const ResourceType& type, std::string_view namespace_name,
                                std::string_view name) {
  if (&type == catalog_.namespace_type().get()) {
    // No namespace controller: the contents go at once.
    store_.remove_namespace_contents(lock, name);
  } else if (&type == catalog_.crd_type().get()) {
    std::vector<TypePtr> served = catalog_.stop_serving_crd(std::string(name));
    if (!served.empty()) {
      store_.remove_collection(lock, served.front()->collection());
      hub_.end_collection(served.front()->collection());
    }
  }
  return store_.remove(lock, type, namespace_name, name);
}

HttpReply RestOperations::finish_update(const StoreLock& lock, const ResourceType& type, const nlohmann::json& live,
                                        nlohmann::json updated, bool dry_run) {
  updated["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"];
  updated["apiVersion"] = type.api_version();
  updated["kind"] = type.kind;
  if (updated == live || dry_run) return object_reply(200, std::move(updated), type);  // a no-op writes nothing
  std::string name = metadata_text(updated, "name");
  if (updated["metadata"].contains("deletionTimestamp") && !has_finalizers(updated)) {
    // The last finalizer is gone: the deletion completes.
    erase(lock, type, metadata_text(updated, "namespace"), name);
    return object_reply(200, std::move(updated), type);
  }
  ObjectPtr stored = commit(lock, type, std::move(updated));
  return HttpReply::json(200, stored->full_text(type.api_version(), type.kind));
}

ApiResult<HttpReply> RestOperations::create(const ResourceRequest& request) {
  const ResourceType& type = *request.type;
  if (!request.name.empty() || !request.subresource.empty())
    return std::unexpected(ApiError::method_not_allowed("POST"));
  auto dry_run = parse_dry_run(request.query);
  if (!dry_run) return std::unexpected(dry_run.error());
  auto body = parse_body(request);
  if (!body) return std::unexpected(body.error());
  nlohmann::json object = std::move(*body);
  if (auto ok = check_body_identity(object, type, request.namespace_name, ""); !ok) return std::unexpected(ok.error());
  if (auto ok = check_create_without_resource_version(object); !ok) return std::unexpected(ok.error());
  std::string now = rfc3339_now();
  if (auto ok = prepare_for_create(object, type, now); !ok) return std::unexpected(ok.error());
  std::string name = metadata_text(object, "name");

  StoreLock lock = store_.lock();
  if (auto ok = check_namespace_exists(store_, lock, catalog_, type, request.namespace_name); !ok)
    return std::unexpected(ok.error());
  if (store_.get(lock, type, request.namespace_name, name))
    return std::unexpected(ApiError::already_exists(type, name));
  apply_defaults(object, type, nullptr, allocator_);
  object = record_update(nullptr, std::move(object), field_manager_of(request),
                         manager_scope(type, WriteScope::kMain, now));
  if (*dry_run) return object_reply(201, std::move(object), type);
  ObjectPtr stored = commit(lock, type, std::move(object));
  return HttpReply::json(201, stored->full_text(type.api_version(), type.kind));
}

ApiResult<HttpReply> RestOperations::replace(const ResourceRequest& request) {
  const ResourceType& type = *request.type;
  if (request.name.empty()) return std::unexpected(ApiError::method_not_allowed("PUT"));
  auto scope = scope_of(request);
  if (!scope) return std::unexpected(scope.error());
  auto dry_run = parse_dry_run(request.query);
  if (!dry_run) return std::unexpected(dry_run.error());
  auto body = parse_body(request);
  if (!body) return std::unexpected(body.error());
  nlohmann::json object = std::move(*body);
  if (auto ok = check_body_identity(object, type, request.namespace_name, request.name); !ok)
    return std::unexpected(ok.error());
  if (auto ok = check_update_precondition(object, type); !ok) return std::unexpected(ok.error());

  StoreLock lock = store_.lock();
  ObjectPtr live = store_.get(lock, type, request.namespace_name, request.name);
  if (!live) return std::unexpected(ApiError::not_found(type, request.name));
  if (auto ok = check_resource_version(object, live, type, request.name); !ok) return std::unexpected(ok.error());
  nlohmann::json live_object = live->to_json(type.api_version(), type.kind);
  if (auto ok = prepare_for_update(object, live_object, type, *scope); !ok) return std::unexpected(ok.error());
  apply_defaults(object, type, &live_object, allocator_);
  object = record_update(&live_object, std::move(object), field_manager_of(request),
                         manager_scope(type, *scope, rfc3339_now()));
  return finish_update(lock, type, live_object, std::move(object), *dry_run);
}

ApiResult<HttpReply> RestOperations::patch(const ResourceRequest& request) {
  if (request.name.empty()) return std::unexpected(ApiError::method_not_allowed("PATCH"));
  auto dry_run = parse_dry_run(request.query);
  if (!dry_run) return std::unexpected(dry_run.error());
  if (request.content_type == "application/apply-patch+yaml") return apply(request, *dry_run);
  if (request.query.has("force"))
    return std::unexpected(ApiError::bad_request("force: Invalid value: true: may not be specified for non-apply patch"));
  if (request.content_type == "application/merge-patch+json" || request.content_type == "application/json-patch+json")
    return patch_with(request, *dry_run);
  return std::unexpected(ApiError::unsupported_media_type(
      request.content_type, "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"));
}

ApiResult<HttpReply> RestOperations::apply(const ResourceRequest& request, bool dry_run) {
  const ResourceType& type = *request.type;
  auto scope = scope_of(request);
  if (!scope) return std::unexpected(scope.error());
  std::string manager = request.query.get_or("fieldManager", "");
  if (manager.empty())
    return std::unexpected(ApiError::bad_request("PATCH " + type.group_resource() + " \"" + request.name +
                                                 "\": fieldManager is required for apply requests"));
  bool force = request.query.flag("force");
  auto parsed = parse_object(request.body, true);
  if (!parsed) return std::unexpected(parsed.error());
  nlohmann::json config = std::move(*parsed);
  if (text_at(config, "apiVersion").empty() || text_at(config, "kind").empty())
    return std::unexpected(ApiError::bad_request("apiVersion and kind must be set in an apply configuration"));
  if (auto ok = check_body_identity(config, type, request.namespace_name, request.name); !ok)
    return std::unexpected(ok.error());
  if (config["metadata"].contains("managedFields"))
    return std::unexpected(ApiError::bad_request("metadata.managedFields must be nil"));

  std::string now = rfc3339_now();
  FieldManagerScope fields = manager_scope(type, *scope, now);
  StoreLock lock = store_.lock();
  ObjectPtr live = store_.get(lock, type, request.namespace_name, request.name);
  if (!live) {
    if (*scope == WriteScope::kStatus) return std::unexpected(ApiError::not_found(type, request.name));
    if (auto ok = check_create_without_resource_version(config); !ok) return std::unexpected(ok.error());
    if (auto ok = check_namespace_exists(store_, lock, catalog_, type, request.namespace_name); !ok)
      return std::unexpected(ok.error());
    auto merged = apply_configuration(nullptr, config, manager, force, fields);
    if (!merged) return std::unexpected(merged.error());
    nlohmann::json object = std::move(*merged);
    object["apiVersion"] = type.api_version();
    object["kind"] = type.kind;
    if (auto ok = prepare_for_create(object, type, now); !ok) return std::unexpected(ok.error());
    apply_defaults(object, type, nullptr, allocator_);
    if (dry_run) return object_reply(201, std::move(object), type);
    ObjectPtr stored = commit(lock, type, std::move(object));
    return HttpReply::json(201, stored->full_text(type.api_version(), type.kind));
  }
  if (auto ok = check_resource_version(config, live, type, request.name); !ok) return std::unexpected(ok.error());
  nlohmann::json live_object = live->to_json(type.api_version(), type.kind);
  auto merged = apply_configuration(&live_object, config, manager, force, fields);
  if (!merged) return std::unexpected(merged.error());
  nlohmann::json object = std::move(*merged);
  if (auto ok = prepare_for_update(object, live_object, type, *scope); !ok) return std::unexpected(ok.error());
  apply_defaults(object, type, &live_object, allocator_);
  return finish_update(lock, type, live_object, std::move(object), dry_run);
}

ApiResult<HttpReply> RestOperations::patch_with(const ResourceRequest& request, bool dry_run) {
  const ResourceType& type = *request.type;
  auto scope = scope_of(request);
  if (!scope) return std::unexpected(scope.error());
  auto patch = parse_json(request.body);
  if (!patch) return std::unexpected(patch.error());
  bool merge = request.content_type == "application/merge-patch+json";

  StoreLock lock = store_.lock();
  ObjectPtr live = store_.get(lock, type, request.namespace_name, request.name);
  if (!live) return std::unexpected(ApiError::not_found(type, request.name));
  nlohmann::json live_object = live->to_json(type.api_version(), type.kind);
  nlohmann::json object = live_object;
  if (merge) {
    object.merge_patch(*patch);  // RFC 7386
  } else {
    try {
      object = object.patch(*patch);  // RFC 6902
    } catch (const nlohmann::json::exception& e) {
      ApiError error;
      error.code = 422;
      error.reason = "Invalid";
      error.message = std::string("the server rejected our request due to an error in our request: ") + e.what();
      return std::unexpected(error);
    }
  }
  if (auto ok = check_body_identity(object, type, request.namespace_name, request.name); !ok)
    return std::unexpected(ok.error());
  if (auto ok = check_resource_version(object, live, type, request.name); !ok) return std::unexpected(ok.error());
  if (auto ok = prepare_for_update(object, live_object, type, *scope); !ok) return std::unexpected(ok.error());
  apply_defaults(object, type, &live_object, allocator_);
  object = record_update(&live_object, std::move(object), field_manager_of(request),
                         manager_scope(type, *scope, rfc3339_now()));
  return finish_update(lock, type, live_object, std::move(object), dry_run);
}

ApiResult<HttpReply> RestOperations::remove(const ResourceRequest& request) {
  const ResourceType& type = *request.type;
  if (!request.subresource.empty()) return std::unexpected(ApiError::method_not_allowed("DELETE"));
  nlohmann::json options = nlohmann::json::object();
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = parse_json(request.body);
    if (!parsed || !parsed->is_object())
      return std::unexpected(ApiError::bad_request("the body of a DELETE must be DeleteOptions"));
    options = std::move(*parsed);
  }
  bool dry_run = false;
  if (auto from_query = parse_dry_run(request.query); !from_query) {
    return std::unexpected(from_query.error());
  } else {
    dry_run = *from_query;
  }
  if (options.contains("dryRun") && options["dryRun"].is_array())
    for (const auto& value : options["dryRun"]) dry_run = dry_run || value == "All";
  std::string policy = request.query.get_or("propagationPolicy", options.value("propagationPolicy", std::string()));
  if (!policy.empty() && policy != "Foreground" && policy != "Background" && policy != "Orphan")
    return std::unexpected(ApiError::bad_request("propagationPolicy: Unsupported value: \"" + policy +
                                                 "\": supported values: \"Foreground\", \"Background\", \"Orphan\""));

  StoreLock lock = store_.lock();
  ObjectPtr live = store_.get(lock, type, request.namespace_name, request.name);
  if (!live) return std::unexpected(ApiError::not_found(type, request.name));
  nlohmann::json live_object = live->to_json(type.api_version(), type.kind);
  if (options.contains("preconditions") && options["preconditions"].is_object()) {
    const nlohmann::json& preconditions = options["preconditions"];
    std::string uid = text_at(preconditions, "uid");
    std::string rv = text_at(preconditions, "resourceVersion");
    std::string live_uid = metadata_text(live_object, "uid");
    if (!uid.empty() && uid != live_uid)
      return std::unexpected(ApiError::conflict(type, request.name, "Precondition failed: UID in precondition: " + uid +
                                                                        ", UID in object meta: " + live_uid));
    if (!rv.empty() && rv != std::to_string(live->resource_version))
      return std::unexpected(ApiError::conflict(type, request.name,
                                                "Precondition failed: ResourceVersion in precondition: " + rv +
                                                    ", ResourceVersion in object meta: " +
                                                    std::to_string(live->resource_version)));
  }
  if (&type == catalog_.namespace_type().get() &&
      (request.name == "default" || request.name == "kube-system" || request.name == "kube-public")) {
    return std::unexpected(ApiError::forbidden("namespaces \"" + request.name +
                                                   "\" is forbidden: this namespace may not be deleted",
                                               "", "namespaces", request.name));
  }
  if (has_finalizers(live_object)) {
    // Graceful: the object stays, marked, until its finalizers are removed.
    if (!live_object["metadata"].contains("deletionTimestamp")) {
      live_object["metadata"]["deletionTimestamp"] = rfc3339_now();
      live_object["metadata"]["deletionGracePeriodSeconds"] = 0;
      if (!dry_run) {
        ObjectPtr stored = commit(lock, type, live_object);
        return HttpReply::json(202, stored->full_text(type.api_version(), type.kind));
      }
    }
    return object_reply(202, std::move(live_object), type);
  }
  std::string uid = metadata_text(live_object, "uid");
  if (dry_run) {
    if (type.returns_deleted_object) return object_reply(200, std::move(live_object), type);
    return HttpReply::json(200, dump(status_success(type, request.name, uid)));
  }
  ObjectPtr deleted = erase(lock, type, request.namespace_name, request.name);
  if (type.returns_deleted_object) return HttpReply::json(200, deleted->full_text(type.api_version(), type.kind));
  return HttpReply::json(200, dump(status_success(type, request.name, uid)));
}

ApiResult<HttpReply> RestOperations::remove_collection(const ResourceRequest& request) {
  const ResourceType& type = *request.type;
  auto labels = LabelSelector::parse(request.query.get_or("labelSelector", ""));
  if (!labels) return std::unexpected(labels.error());
  auto fields = FieldSelector::parse(request.query.get_or("fieldSelector", ""), type);
  if (!fields) return std::unexpected(fields.error());
  auto dry_run = parse_dry_run(request.query);
  if (!dry_run) return std::unexpected(dry_run.error());

  StoreLock lock = store_.lock();
  ListQuery query;
  query.namespace_name = request.namespace_name;
  query.labels = &*labels;
  query.fields = &*fields;
  std::vector<ObjectPtr> doomed = store_.list(lock, type, query).items;
  nlohmann::json items = nlohmann::json::array();
  for (const auto& object : doomed) {
    nlohmann::json item = nlohmann::json::parse(object->body);
    if (!*dry_run) {
      if (has_finalizers(item)) {
        if (!item["metadata"].contains("deletionTimestamp")) {
          item["metadata"]["deletionTimestamp"] = rfc3339_now();
          item["metadata"]["deletionGracePeriodSeconds"] = 0;
          item["apiVersion"] = type.api_version();
          item["kind"] = type.kind;
          commit(lock, type, item);
        }
      } else {
        erase(lock, type, object->namespace_name, object->name);
      }
    }
    items.push_back(std::move(item));
  }
  nlohmann::json list = {{"apiVersion", type.api_version()},
                         {"kind", type.list_kind()},
                         {"metadata", {{"resourceVersion", std::to_string(store_.resource_version(lock))}}},
                         {"items", items}};
  return HttpReply::json(200, dump(list));
}

}  // namespace pier::testing::kube_double
