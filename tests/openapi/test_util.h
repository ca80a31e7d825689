// Helpers shared by the openapi tests: manifests from testdata/, and problems
// as "path: message" strings so that expectations read like the output.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "openapi/schema.h"

namespace pier::openapi::testing {

inline nlohmann::json load_manifest(const std::string& name) {
  std::ifstream in(std::string(PIER_SOURCE_DIR) + "/tests/openapi/testdata/" + name);
  return nlohmann::json::parse(in);
}

inline std::vector<std::string> problems_of(const Schema& schema, const nlohmann::json& object) {
  std::vector<std::string> out;
  for (const Problem& p : schema.validate(object)) out.push_back(to_string(p));
  return out;
}

inline std::vector<std::string> builtin_problems(const nlohmann::json& object) {
  return problems_of(Schema::builtin(), object);
}

}  // namespace pier::openapi::testing
