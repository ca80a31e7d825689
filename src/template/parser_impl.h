// The parser's internals, shared by parser.cc (statements) and
// parser_expr.cc (expressions). Not used outside the parser.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "template/ast.h"
#include "template/lexer.h"
#include "template/program.h"

namespace pier::tmpl::detail {

class Parser {
 public:
  Parser(Program& program, std::vector<Token> tokens) : program_(program), tokens_(std::move(tokens)) {}

  void run();

 private:
  // A block being parsed, for "never closed" / "unexpected end tag" errors.
  struct OpenBlock {
    std::string_view tag;
    std::uint32_t offset;
    std::vector<std::string_view> closers;  // tags that may end its current body
  };

  // ---- statements (parser.cc) ----
  Body parse_body(std::vector<std::string_view> closers);
  StmtPtr parse_statement();
  StmtPtr parse_if(std::uint32_t at);
  StmtPtr parse_for(std::uint32_t at);
  StmtPtr parse_set(std::uint32_t at);
  std::vector<Target> parse_targets(std::string_view statement, bool& unpack);
  std::string_view next_tag_name();  // after `{%`: the statement name
  void expect_block_end(std::string_view after);
  [[noreturn]] void fail_unexpected_tag(const Token& tag);

  // ---- expressions (parser_expr.cc) ----
  ExprPtr parse_tuple(bool with_condexpr, bool explicit_parens = false);
  ExprPtr parse_expression(bool with_condexpr = true);
  ExprPtr parse_condexpr();
  ExprPtr parse_or();
  ExprPtr parse_and();
  ExprPtr parse_not();
  ExprPtr parse_compare();
  ExprPtr parse_math1();
  ExprPtr parse_concat();
  ExprPtr parse_math2();
  ExprPtr parse_pow();
  ExprPtr parse_unary(bool with_filter);
  ExprPtr parse_primary();
  ExprPtr parse_postfix(ExprPtr node);
  ExprPtr parse_filter_expr(ExprPtr node);
  ExprPtr parse_subscript(ExprPtr node);
  ExprPtr parse_call(ExprPtr node);
  ExprPtr parse_filter(ExprPtr node);
  ExprPtr parse_test(ExprPtr node);
  ExprPtr parse_list();
  ExprPtr parse_dict();
  std::string parse_dotted_name();

  struct CallArgs {
    std::vector<ExprPtr> args;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    std::vector<std::uint32_t> kwarg_offsets;
  };
  CallArgs parse_call_args();

  // Computes the height of a new node from its children; enforces kMaxExprHeight.
  ExprPtr finish(ExprPtr node);
  ExprPtr fold_constants(ExprPtr node);

  // ---- tokens ----
  const Token& peek(std::size_t ahead = 0) const;
  const Token& advance();
  bool at_operator(std::string_view op) const;
  bool at_name(std::string_view name) const;
  bool skip_operator(std::string_view op);
  bool skip_name(std::string_view name);
  const Token& expect_operator(std::string_view op, std::string_view context = {});
  const Token& expect_name(std::string_view what);
  std::uint32_t intern(const std::string& name);

  // Counts nesting (parentheses, unary chains, blocks) against kMaxNesting.
  class Nest {
   public:
    Nest(Parser& p, std::uint32_t at);
    ~Nest() { --parser_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    Parser& parser_;
  };

  Program& program_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int for_depth_ = 0;  // `set loop` is refused inside a for loop
  std::vector<OpenBlock> open_;
  std::unordered_map<std::string, std::uint32_t> name_ids_;
};

}  // namespace pier::tmpl::detail
