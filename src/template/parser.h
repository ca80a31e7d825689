// Builds the syntax tree of a template from its tokens, with Jinja2's
// grammar and operator precedence. Every error names the offending token
// and what was expected.
//
//   Program p; p.source = normalize_newlines(text);
//   parse(p, tokenize(p.source));   // throws TemplateError
#pragma once

#include <vector>

#include "template/lexer.h"
#include "template/program.h"

namespace pier::tmpl::detail {

// Nesting limits: parentheses, brackets and blocks deeper than kMaxNesting,
// or an expression tree taller than kMaxExprHeight, are compile errors (the
// parser and the evaluator recurse on them).
inline constexpr int kMaxNesting = 100;
inline constexpr int kMaxExprHeight = 250;

void parse(Program& program, std::vector<Token> tokens);

}  // namespace pier::tmpl::detail
