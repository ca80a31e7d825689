// Splits template source into tokens the way Jinja2's lexer does: text,
// `{{ }}`, `{% %}` (comments dropped, `{% raw %}` kept as text) with
// whitespace control (`{%-`, `-%}`, ...) already applied to the text.
//
//   std::string src = normalize_newlines(text);   // also drops one final newline
//   std::vector<Token> tokens = tokenize(src);     // throws TemplateError
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pier::tmpl::detail {

enum class Tok : std::uint8_t {
  kText,
  kVarBegin,    // {{
  kVarEnd,      // }}
  kBlockBegin,  // {%
  kBlockEnd,    // %}
  kName,
  kString,
  kInteger,
  kFloat,
  kOperator,    // text holds the operator: + - * / // % ** ~ == != < <= > >= = . : | , ( ) [ ] { } ;
  kEnd,
};

struct Token {
  Tok kind;
  std::uint32_t offset;   // byte offset of the token in the source
  std::string_view text;  // the source text (for kText: after whitespace control)
  std::string string_value;  // kString: the unescaped value
  long long int_value = 0;   // kInteger
  double float_value = 0;    // kFloat
};

// Jinja2 treats "\r\n", "\r" and "\n" as line breaks and writes them as
// "\n"; with its default keep_trailing_newline=False one final line break
// of the template is dropped.
std::string normalize_newlines(std::string_view source);

std::vector<Token> tokenize(std::string_view source);

// How a token is named in "found ..." messages: 'foo', '}}', end of template.
std::string describe(const Token& token);

}  // namespace pier::tmpl::detail
