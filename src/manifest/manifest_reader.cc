#include "manifest/manifest_reader.h"

#include <string>

#include "yamljson/yaml_to_json.h"

namespace pier::manifest {

namespace {

using nlohmann::json;

bool is_list(const json& object) {
  auto kind = object.find("kind");
  auto items = object.find("items");
  return kind != object.end() && kind->is_string() && kind->get_ref<const std::string&>().ends_with("List") &&
         items != object.end() && items->is_array();
}

}  // namespace

Result<std::vector<json>> read_manifests(std::string_view text, std::string_view file_name) {
  // JSON is YAML: one parser reads both, with positions in its errors.
  auto documents = yamljson::parse_yaml_documents(text, file_name);
  if (!documents) return fail(documents.error());
  std::vector<json> objects;
  for (auto& document : *documents) {
    if (document.value.is_null()) continue;
    std::string where = std::string(file_name) + ":" + std::to_string(document.line);
    if (!document.value.is_object())
      return fail(Error::invalid(where + ": expected a Kubernetes object (a mapping), got " +
                                 std::string(document.value.type_name())));
    if (is_list(document.value)) {
      size_t index = 0;
      for (auto& item : document.value["items"]) {
        if (!item.is_object())
          return fail(Error::invalid(where + ": items[" + std::to_string(index) + "]: expected an object, got " +
                                     std::string(item.type_name())));
        objects.push_back(std::move(item));
        ++index;
      }
    } else {
      objects.push_back(std::move(document.value));
    }
  }
  return objects;
}

}  // namespace pier::manifest
