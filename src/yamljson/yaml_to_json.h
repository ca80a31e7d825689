// YAML text (one or many documents) to JSON values, with YAML 1.2 core-schema
// typing of plain scalars, and errors as `file:line:column: message`.
//
//   auto docs = pier::yamljson::parse_yaml_documents(text, "out.yaml");
//   for (const auto& doc : *docs) use(doc.value, doc.line);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::yamljson {

struct YamlDocument {
  nlohmann::json value;  // null for an empty document
  int line = 1;          // where the document starts (1-based)
};

// Parses every document of a multi-document stream. Empty documents (only
// comments, or `---` alone) come back as null values; callers skip them.
// A duplicate key in a mapping is an error, as `kubectl --validate=strict` has it.
// Tries the fast reader for the subset templates produce (fast_yaml.h) and
// falls back to yaml-cpp for everything else.
Result<std::vector<YamlDocument>> parse_yaml_documents(std::string_view text, std::string_view file_name);

// The same, always through yaml-cpp: the reference the fast reader must match.
Result<std::vector<YamlDocument>> parse_yaml_documents_with_yaml_cpp(std::string_view text,
                                                                     std::string_view file_name);

// Parses exactly one document.
Result<nlohmann::json> parse_yaml(std::string_view text, std::string_view file_name);

}  // namespace pier::yamljson
