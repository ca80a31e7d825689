#include "object_strategy.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

#include "custom_resources.h"
#include "name_validation.h"

namespace pier::testing::kube_double {

namespace {

std::mt19937_64& random_engine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

std::string text_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The suffix generateName gets: 5 characters from the apiserver's alphabet
// (no vowels, no look-alikes).
std::string random_suffix() {
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string out;
  for (int i = 0; i < 5; ++i) out.push_back(kAlphabet[pick(random_engine())]);
  return out;
}

std::vector<StatusCause> label_problems(const nlohmann::json& metadata) {
  std::vector<StatusCause> causes;
  auto labels = metadata.find("labels");
  if (labels == metadata.end() || labels->is_null()) return causes;
  if (!labels->is_object()) {
    causes.push_back({"FieldValueInvalid", "Invalid value: must be a map of strings", "metadata.labels"});
    return causes;
  }
  for (const auto& [key, value] : labels->items()) {
    if (auto problem = check_label_key(key))
      causes.push_back({"FieldValueInvalid", "Invalid value: \"" + key + "\": " + *problem, "metadata.labels"});
    if (!value.is_string()) {
      causes.push_back({"FieldValueInvalid", "Invalid value: must be a string", "metadata.labels"});
    } else if (auto problem = check_label_value(value.get<std::string>())) {
      causes.push_back({"FieldValueInvalid", "Invalid value: \"" + value.get<std::string>() + "\": " + *problem,
                        "metadata.labels"});
    }
  }
  return causes;
}

// Everything but metadata (and status, for kinds whose status is a subresource).
nlohmann::json spec_part(const nlohmann::json& object, const ResourceType& type) {
  nlohmann::json part = object;
  part.erase("metadata");
  part.erase("apiVersion");
  part.erase("kind");
  if (type.has_status) part.erase("status");
  return part;
}

// Status the apiserver itself maintains for a new object.
void set_initial_status(nlohmann::json& object, const ResourceType& type, const std::string& now) {
  if (type.kind == "Namespace" && type.group.empty()) {
    object["status"] = {{"phase", "Active"}};
  } else if (type.kind == "Pod" && type.group.empty()) {
    object["status"] = {{"phase", "Pending"}};
  } else if (type.kind == "CustomResourceDefinition") {
    set_crd_status(object, now);
  }
}

void set_namespace_extras(nlohmann::json& object) {
  // The apiserver labels every namespace with its own name and gives it the
  // "kubernetes" finalizer.
  std::string name = text_at(object["metadata"], "name");
  object["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
  if (!object.contains("spec") || !object["spec"].is_object() || !object["spec"].contains("finalizers"))
    object["spec"]["finalizers"] = {"kubernetes"};
}

}  // namespace

std::string rfc3339_now() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string new_uid() {
  std::uniform_int_distribution<uint64_t> bits;
  uint64_t high = bits(random_engine());
  uint64_t low = bits(random_engine());
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  char text[40];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

ApiResult<void> check_body_identity(nlohmann::json& body, const ResourceType& type, std::string_view url_namespace,
                                    std::string_view url_name) {
  if (!body.is_object()) return std::unexpected(ApiError::bad_request("the request body is not a JSON object"));
  std::string api_version = text_at(body, "apiVersion");
  std::string kind = text_at(body, "kind");
  if (api_version.empty()) body["apiVersion"] = type.api_version();
  if (kind.empty()) body["kind"] = type.kind;
  if (!api_version.empty() && api_version != type.api_version())
    return std::unexpected(ApiError::bad_request("the API version in the data (" + api_version +
                                                 ") does not match the expected API version (" +
                                                 type.api_version() + ")"));
  if (!kind.empty() && kind != type.kind)
    return std::unexpected(ApiError::bad_request("the kind in the data (" + kind +
                                                 ") does not match the expected kind (" + type.kind + ")"));
  if (!body.contains("metadata") || body["metadata"].is_null()) body["metadata"] = nlohmann::json::object();
  nlohmann::json& metadata = body["metadata"];
  if (!metadata.is_object()) return std::unexpected(ApiError::bad_request("metadata must be an object"));
  if (type.namespaced) {
    std::string namespace_name = text_at(metadata, "namespace");
    if (namespace_name.empty()) {
      metadata["namespace"] = std::string(url_namespace);
    } else if (namespace_name != url_namespace) {
      return std::unexpected(ApiError::bad_request(
          "the namespace of the provided object does not match the namespace sent on the request"));
    }
  } else {
    metadata.erase("namespace");
  }
  if (!url_name.empty()) {
    std::string name = text_at(metadata, "name");
    if (name.empty()) {
      metadata["name"] = std::string(url_name);
    } else if (name != url_name) {
      return std::unexpected(ApiError::bad_request("the name of the object (" + name +
                                                   ") does not match the name on the URL (" + std::string(url_name) +
                                                   ")"));
    }
  }
  return {};
}

ApiResult<void> check_create_without_resource_version(const nlohmann::json& object) {
  std::string rv = object.contains("metadata") ? text_at(object["metadata"], "resourceVersion") : "";
  // Only a version the server could have issued counts ("-1" or "abc" are let through).
  bool issued = !rv.empty() && rv != "0" && std::all_of(rv.begin(), rv.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!issued) return {};
  ApiError error;
  error.code = 500;
  error.message = "resourceVersion should not be set on objects to be created";
  return std::unexpected(error);
}

ApiResult<void> check_update_precondition(const nlohmann::json& object, const ResourceType& type) {
  if (!type.custom) return {};
  std::string rv = object.contains("metadata") ? text_at(object["metadata"], "resourceVersion") : "";
  if (!rv.empty()) return {};
  return std::unexpected(ApiError::invalid(
      type, object.contains("metadata") ? text_at(object["metadata"], "name") : "",
      {{"FieldValueInvalid", "Invalid value: 0x0: must be specified for an update", "metadata.resourceVersion"}}));
}

ApiResult<void> prepare_for_create(nlohmann::json& object, const ResourceType& type, const std::string& now) {
  nlohmann::json& metadata = object["metadata"];
  std::string name = text_at(metadata, "name");
  std::string generate_name = text_at(metadata, "generateName");
  if (name.empty() && !generate_name.empty()) {
    name = generate_name.substr(0, 58) + random_suffix();
    metadata["name"] = name;
  }
  std::vector<StatusCause> causes;
  if (name.empty()) {
    causes.push_back({"FieldValueRequired", "Required value: name or generateName is required", "metadata.name"});
  } else if (auto problem = check_name(name, type.name_rule)) {
    causes.push_back({"FieldValueInvalid", "Invalid value: \"" + name + "\": " + *problem, "metadata.name"});
  }
  for (auto& cause : label_problems(metadata)) causes.push_back(std::move(cause));
  if (!causes.empty()) return std::unexpected(ApiError::invalid(type, name, std::move(causes)));
  if (type.kind == "CustomResourceDefinition") {
    auto valid = validate_crd(object, type);
    if (!valid) return valid;
  }

  metadata["uid"] = new_uid();
  metadata["creationTimestamp"] = now;
  metadata.erase("resourceVersion");
  metadata.erase("deletionTimestamp");
  metadata.erase("deletionGracePeriodSeconds");
  metadata.erase("selfLink");
  if (type.tracks_generation) {
    metadata["generation"] = 1;
  } else {
    metadata.erase("generation");
  }
  if (type.has_status) object.erase("status");  // create cannot set status
  set_initial_status(object, type, now);
  if (type.kind == "Namespace" && type.group.empty()) set_namespace_extras(object);
  return {};
}

ApiResult<void> prepare_for_update(nlohmann::json& object, const nlohmann::json& live, const ResourceType& type,
                                   WriteScope scope) {
  if (scope == WriteScope::kStatus) {
    // Only status moves; everything else stays as it is.
    nlohmann::json updated = live;
    if (object.contains("status")) {
      updated["status"] = object["status"];
    } else {
      updated.erase("status");
    }
    // managedFields travel with the write: the field manager reads them.
    if (object["metadata"].contains("managedFields")) {
      updated["metadata"]["managedFields"] = object["metadata"]["managedFields"];
    } else {
      updated["metadata"].erase("managedFields");
    }
    object = std::move(updated);
  } else if (type.has_status) {
    if (live.contains("status")) {
      object["status"] = live["status"];
    } else {
      object.erase("status");
    }
  }
  nlohmann::json& metadata = object["metadata"];
  const nlohmann::json& live_metadata = live["metadata"];
  for (const char* field : {"name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                            "deletionGracePeriodSeconds", "generation"}) {
    auto it = live_metadata.find(field);
    if (it != live_metadata.end()) {
      metadata[field] = *it;
    } else {
      metadata.erase(field);
    }
  }
  metadata.erase("selfLink");
  std::vector<StatusCause> causes = label_problems(metadata);
  if (!causes.empty()) return std::unexpected(ApiError::invalid(type, text_at(metadata, "name"), std::move(causes)));
  if (type.kind == "CustomResourceDefinition" && scope == WriteScope::kMain) {
    auto valid = validate_crd(object, type);
    if (!valid) return valid;
  }
  if (type.kind == "Namespace" && type.group.empty()) set_namespace_extras(object);
  if (type.tracks_generation && spec_part(object, type) != spec_part(live, type)) {
    int64_t generation = live_metadata.value("generation", int64_t{0});
    metadata["generation"] = generation + 1;
  }
  return {};
}

}  // namespace pier::testing::kube_double
