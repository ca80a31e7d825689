// The values of `pier deploy -f a.yaml -f b.json ...`: each file read as JSON,
// or as YAML when its name ends in .yaml/.yml ("-": standard input, JSON or
// YAML), then merged as Helm merges several -f files: later files over
// earlier ones, objects merged key by key at every depth, anything else
// (arrays, strings, numbers, null) replaced whole.
//
//   auto values = load_values_files({"base.yaml", "prod.yaml"}, std::cin);
//   // base: {jetty: {replicas: 2, image: x}}   prod: {jetty: {replicas: 4}}
//   // -> {"jetty": {"replicas": 4, "image": "x"}}
//
// Errors are kInvalidInput "file:line:column: ..." for malformed text and
// "file: values must be an object" for a document that is not one; an empty
// file counts as {}.
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"

namespace pier::console_client {

// `overlay` merged into `base` (pure).
nlohmann::json merge_values(nlohmann::json base, const nlohmann::json& overlay);

// One values document from its text; `name` decides JSON or YAML and names
// it in errors.
Result<nlohmann::json> parse_values(std::string_view text, std::string_view name);

// Every file in order, merged; {} for no files.
Result<nlohmann::json> load_values_files(const std::vector<std::string>& paths, std::istream& standard_input);

}  // namespace pier::console_client
