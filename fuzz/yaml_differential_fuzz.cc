// The fast YAML reader against yaml-cpp: whenever parse_simple_yaml accepts a
// text, the yaml-cpp path must accept it too and give the same documents,
// values and lines. Seed it with tests/catalog/golden/*/*.yaml.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "yamljson/fast_yaml.h"
#include "yamljson/yaml_to_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto fast = pier::yamljson::parse_simple_yaml(text);
  if (!fast) return 0;
  auto reference = pier::yamljson::parse_yaml_documents_with_yaml_cpp(text, "fuzz.yaml");
  if (!reference || reference->size() != fast->size()) std::abort();
  for (size_t i = 0; i < fast->size(); ++i) {
    if ((*fast)[i].value != (*reference)[i].value || (*fast)[i].line != (*reference)[i].line) std::abort();
  }
  return 0;
}
