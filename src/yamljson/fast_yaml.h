// A fast reader for the block-YAML subset Pier's templates produce: block
// mappings and sequences (kubectl style too), plain, quoted and literal (`|`)
// scalars, comments, `---` separators and one-line flow collections (JSON).
// yaml-cpp stays the reference: for a text inside the subset this returns
// exactly what the yaml-cpp path of parse_yaml_documents() returns; for
// anything else, or anything doubtful (every malformed input included), it
// returns nullopt and the caller uses yaml-cpp, which also words the errors.
//
//   if (auto docs = pier::yamljson::parse_simple_yaml(text)) return *docs;
//   return pier::yamljson::parse_yaml_documents_with_yaml_cpp(text, file);
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "yamljson/yaml_to_json.h"

namespace pier::yamljson {

// The documents of `text`, with their values and start lines, or nullopt when
// the text is outside the subset. It never returns a value yaml-cpp would not.
std::optional<std::vector<YamlDocument>> parse_simple_yaml(std::string_view text);

}  // namespace pier::yamljson
