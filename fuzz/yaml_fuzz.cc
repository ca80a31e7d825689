// The YAML path of `pier render`: text -> documents -> JSON -> back to YAML
// -> read again must give the same value, and object checks must not crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "manifest/object_checks.h"
#include "yamljson/json_to_yaml.h"
#include "yamljson/yaml_to_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto documents = pier::yamljson::parse_yaml_documents(text, "fuzz.yaml");
  if (!documents) return 0;
  std::vector<pier::manifest::SourcedObject> objects;
  for (const auto& doc : *documents) {
    std::string again = pier::yamljson::to_yaml(doc.value);
    auto back = pier::yamljson::parse_yaml(again, "again.yaml");
    if (!back || *back != doc.value) std::abort();  // the writer must round-trip what the reader produced
    objects.push_back({doc.value, "fuzz", "fuzz"});
  }
  (void)pier::manifest::check_objects(objects, pier::openapi::Schema::builtin());
  return 0;
}
