// A compiled template: the normalised source, its syntax tree and the
// interned variable names. Built once by compile(), then only read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "template/ast.h"

namespace pier::tmpl::detail {

struct Program {
  std::string name;
  std::string source;  // after newline normalisation; TextStmt views point into it
  Body body;
  std::vector<std::string> names;  // id -> variable name
  std::uint32_t loop_id = 0;       // id of the name `loop`
  const Expr* single_expression = nullptr;  // set when the template is one `{{ expr }}`
};

}  // namespace pier::tmpl::detail
