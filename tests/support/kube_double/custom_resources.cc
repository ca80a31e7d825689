#include "custom_resources.h"

#include <memory>

#include "merge_schema.h"

namespace pier::testing::kube_double {

namespace {

std::string text_at(const nlohmann::json& object, std::initializer_list<const char*> path) {
  const nlohmann::json* node = &object;
  for (const char* key : path) {
    if (!node->is_object()) return "";
    auto it = node->find(key);
    if (it == node->end()) return "";
    node = &*it;
  }
  return node->is_string() ? node->get<std::string>() : "";
}

std::string lower(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

std::vector<std::string> strings_at(const nlohmann::json& names, const char* key) {
  std::vector<std::string> out;
  auto it = names.find(key);
  if (it == names.end() || !it->is_array()) return out;
  for (const auto& item : *it)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

const nlohmann::json& versions_of(const nlohmann::json& crd) {
  static const nlohmann::json kNone = nlohmann::json::array();
  if (!crd.contains("spec") || !crd["spec"].is_object()) return kNone;
  auto it = crd["spec"].find("versions");
  return it != crd["spec"].end() && it->is_array() ? *it : kNone;
}

}  // namespace

ApiResult<void> validate_crd(const nlohmann::json& crd, const ResourceType& crd_type) {
  std::vector<StatusCause> causes;
  auto invalid = [&](std::string field, std::string message) {
    causes.push_back({"FieldValueInvalid", std::move(message), std::move(field)});
  };
  auto required = [&](std::string field) {
    causes.push_back({"FieldValueRequired", "Required value", std::move(field)});
  };
  std::string name = text_at(crd, {"metadata", "name"});
  std::string group = text_at(crd, {"spec", "group"});
  std::string plural = text_at(crd, {"spec", "names", "plural"});
  std::string kind = text_at(crd, {"spec", "names", "kind"});
  std::string scope = text_at(crd, {"spec", "scope"});
  if (group.empty()) required("spec.group");
  if (plural.empty()) required("spec.names.plural");
  if (kind.empty()) required("spec.names.kind");
  if (scope != "Namespaced" && scope != "Cluster")
    invalid("spec.scope", "Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\"");
  if (!group.empty() && !plural.empty() && name != plural + "." + group)
    invalid("metadata.name", "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group");
  const nlohmann::json& versions = versions_of(crd);
  int storage = 0;
  for (const auto& version : versions)
    if (version.is_object() && version.value("storage", false)) ++storage;
  if (versions.empty()) {
    required("spec.versions");
  } else if (storage != 1) {
    invalid("spec.versions", "Invalid value: must have exactly one version marked as storage version");
  }
  if (!causes.empty()) return std::unexpected(ApiError::invalid(crd_type, name, std::move(causes)));
  return {};
}

std::vector<ResourceType> custom_resource_types(const nlohmann::json& crd) {
  std::vector<ResourceType> types;
  if (!crd.contains("spec") || !crd["spec"].is_object()) return types;
  const nlohmann::json& spec = crd["spec"];
  const nlohmann::json names = spec.value("names", nlohmann::json::object());
  for (const auto& version : versions_of(crd)) {
    if (!version.is_object() || !version.value("served", true)) continue;
    ResourceType type;
    type.group = spec.value("group", "");
    type.version = version.value("name", "");
    type.kind = names.value("kind", "");
    type.plural = names.value("plural", "");
    type.singular = names.value("singular", lower(type.kind));
    type.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    type.short_names = strings_at(names, "shortNames");
    type.categories = strings_at(names, "categories");
    type.has_status = version.contains("subresources") && version["subresources"].is_object() &&
                      version["subresources"].contains("status");
    type.tracks_generation = true;  // custom resources always do
    type.custom = true;
    auto schema = version.find("schema");
    if (schema != version.end() && schema->is_object() && schema->contains("openAPIV3Schema")) {
      const SchemaNode* root = nullptr;
      type.schema_owner = schema_from_crd((*schema)["openAPIV3Schema"], root);
      type.schema = root;
    }
    types.push_back(std::move(type));
  }
  return types;
}

void set_crd_status(nlohmann::json& crd, const std::string& now) {
  const nlohmann::json& spec = crd["spec"];
  nlohmann::json names = spec.value("names", nlohmann::json::object());
  std::string kind = names.value("kind", "");
  if (!names.contains("singular")) names["singular"] = lower(kind);
  if (!names.contains("listKind")) names["listKind"] = kind + "List";
  nlohmann::json stored = nlohmann::json::array();
  for (const auto& version : versions_of(crd))
    if (version.is_object() && version.value("storage", false)) stored.push_back(version.value("name", ""));
  crd["status"] = {
      {"acceptedNames", names},
      {"conditions",
       {{{"type", "NamesAccepted"},
         {"status", "True"},
         {"reason", "NoConflicts"},
         {"message", "no conflicts found"},
         {"lastTransitionTime", now}},
        {{"type", "Established"},
         {"status", "True"},
         {"reason", "InitialNamesAccepted"},
         {"message", "the initial names have been accepted"},
         {"lastTransitionTime", now}}}},
      {"storedVersions", stored},
  };
}

}  // namespace pier::testing::kube_double
