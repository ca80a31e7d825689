// Walks a JSON value along a packed schema and collects every problem with its
// field path. The semantics (nulls, integral floats, quantities...) are listed
// in schema.h.
//
//   std::vector<Problem> problems;
//   validate_value(doc, definition.node, object, problems);
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "openapi/packed_document.h"
#include "openapi/schema.h"

namespace pier::openapi {

void validate_value(const PackedDocument& doc, std::int32_t node, const nlohmann::json& value,
                    std::vector<Problem>& problems);

// `string "3"`, `integer 3`, `number 2.5`, `boolean true`, `object`, `array`,
// `null`: what a value is, for "expected X, got Y". Long strings are cut.
std::string describe_value(const nlohmann::json& value);

}  // namespace pier::openapi
