// JSON values to block-style YAML, deterministic (object keys in sorted order,
// as nlohmann::json keeps them) and safe to read back: a string that a YAML
// 1.1 or 1.2 reader would take for a number, bool or null is quoted.
//
//   std::string text = pier::yamljson::to_yaml(manifest);
//   // apiVersion: v1
//   // kind: Service
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pier::yamljson {

struct YamlStyle {
  int indent = 2;              // spaces per nesting level
  bool indent_sequences = false;  // kubectl style: "- " items at the parent key's column
};

// Appends the YAML for `value` to `out`. A scalar or an empty container
// is written on one line; containers end with a newline.
void append_yaml(std::string& out, const nlohmann::json& value, const YamlStyle& style = {});

std::string to_yaml(const nlohmann::json& value, const YamlStyle& style = {});

// A string as a YAML scalar: plain when it reads back as the same string, else double-quoted.
std::string yaml_scalar(const std::string& text);

}  // namespace pier::yamljson
