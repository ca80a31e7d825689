// Reads objects to apply from what `pier render` (or anyone) wrote: a YAML
// stream of documents, a JSON object, or a `v1 List` (or any *List with
// items), which is unpacked.
//
//   auto objects = read_manifests(text, "jetty.yaml");
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::manifest {

// Empty documents are skipped. Errors: the parser's (file:line:column); a
// document that is not a mapping (file:line: what it is).
Result<std::vector<nlohmann::json>> read_manifests(std::string_view text, std::string_view file_name);

}  // namespace pier::manifest
