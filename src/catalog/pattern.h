// JSON Schema "pattern" regular expressions on PCRE2 (JIT), not std::regex.
//
// Why: libstdc++'s std::regex matches by recursion, one stack frame per
// character, so a 50,000-character form value against "^/[^\\s]*$" crashes
// the process (valijson uses std::regex); it is also slow. PCRE2 keeps its
// backtracking on the heap, under limits, and its JIT is fast.
//
// Dialect: ECMA-262 as JSON Schema says, read by PCRE2 with UTF (code points,
// not bytes), `$` only at the very end (as in JavaScript, not before a final
// newline), and \uHHHH escapes. Known differences from JavaScript: \s and \w
// and \d are ASCII here.
//
//   auto p = Pattern::compile("^[a-z0-9]+$");
//   if (p && p->search("web1") == Pattern::kMatch) ...
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace pier::catalog {

class Pattern {
 public:
  enum Outcome { kMatch, kNoMatch, kTooComplex };

  // Errors: the expression does not compile; the message says why and at
  // which offset ("missing terminating ] for character class at offset 5").
  static Result<Pattern> compile(std::string_view expression);

  // Unanchored search, as JSON Schema's "pattern" is. kTooComplex when the
  // match limits are hit (catastrophic backtracking) or the text is not
  // UTF-8: the caller reports the value as not matching.
  Outcome search(std::string_view text) const;

  const std::string& expression() const { return expression_; }

 private:
  struct Code;
  std::shared_ptr<const Code> code_;
  std::string expression_;
};

}  // namespace pier::catalog
