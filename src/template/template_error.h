// The error thrown inside the template compiler and renderer, turned into a
// pier::Error (`name:line:column: message`) at the public API in template.cc.
//
//   throw_error("expected '}}' after expression, found 'foo'", token.offset);
//
// Exceptions are used only inside this component: the recursive-descent
// parser and the tree-walking evaluator would otherwise test a Result after
// every call. They never cross the public API.
#pragma once

#include <cstdint>
#include <string>

namespace pier::tmpl::detail {

// An offset into the (newline-normalised) template source.
inline constexpr std::uint32_t kNoOffset = UINT32_MAX;

struct TemplateError {
  std::string message;
  std::uint32_t offset = kNoOffset;  // filled in by the innermost expression when unknown
};

[[noreturn]] inline void throw_error(std::string message, std::uint32_t offset = kNoOffset) {
  throw TemplateError{std::move(message), offset};
}

}  // namespace pier::tmpl::detail
