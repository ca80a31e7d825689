#include "console/stored_secrets.h"

#include "release/manifest_set.h"
#include "release/secret_mask.h"
#include "store/secret_fields.h"

namespace pier::console {

using nlohmann::json;

Result<std::string> seal_manifests(std::string_view manifests, const store::SecretBox& box) {
  if (manifests.empty()) return std::string();
  return box.seal(manifests);
}

Result<std::string> open_manifests(std::string_view stored, const store::SecretBox& box) {
  if (!store::SecretBox::looks_sealed(stored)) return std::string(stored);
  auto opened = box.open(stored);
  if (!opened) return fail(Error::internal("a stored revision's manifests do not open with this console's key: " +
                                           opened.error().message));
  return opened;
}

std::string hide_secret_data(std::string_view manifests) {
  auto set = release::ManifestSet::from_yaml(manifests, "stored revision");
  if (!set) return "# (the stored manifests do not read: " + set.error().message + ")\n";
  std::vector<release::ManifestObject> shown = set->objects();
  for (auto& object : shown) {
    if (object.key.group != "" || object.key.kind != "Secret") continue;
    for (const char* field : {"data", "stringData"}) {
      auto it = object.object.find(field);
      if (it == object.object.end() || !it->is_object()) continue;
      for (auto& [key, value] : it->items()) value = std::string(release::kHidden);
    }
    if (auto metadata = object.object.find("metadata"); metadata != object.object.end()) {
      auto annotations = metadata->find("annotations");
      if (annotations != metadata->end() && annotations->is_object())
        annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
    }
  }
  auto rebuilt = release::ManifestSet::from_objects(std::move(shown));
  return rebuilt ? rebuilt->to_yaml() : std::string("# (hidden)\n");
}

Result<json> keep_hidden_secrets(json values, const json* previous, const json& schema) {
  std::vector<ErrorDetail> problems;
  for (const auto& pointer_text : store::secret_value_pointers(values, schema)) {
    json::json_pointer pointer(pointer_text);
    json& value = values.at(pointer);
    if (value != json(std::string(store::kMaskedValue))) continue;
    if (previous && previous->contains(pointer)) {
      value = previous->at(pointer);
    } else {
      problems.push_back({pointer_text, "\"" + std::string(store::kMaskedValue) +
                                            "\" keeps the value already set, but no earlier revision has one: enter it"});
    }
  }
  if (!problems.empty()) {
    Error error = Error::invalid("values: a hidden secret cannot be kept");
    error.details = std::move(problems);
    return fail(std::move(error));
  }
  return values;
}

}  // namespace pier::console
