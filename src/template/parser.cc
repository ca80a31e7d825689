#include "template/parser.h"

#include <algorithm>

#include "common/text_position.h"
#include "template/parser_impl.h"
#include "template/template_error.h"
#include "template/utf8.h"

namespace pier::tmpl::detail {

namespace {

constexpr std::string_view kUnsupportedTags[] = {"macro", "call", "filter", "include", "import", "from", "extends",
                                                 "block", "with", "autoescape", "do", "break", "continue", "endraw"};

std::string quote_list(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += "'" + std::string(names[i]) + "'";
  }
  return out;
}

bool is_blank(std::string_view text) { return utf8::strip(text).empty(); }

}  // namespace

void parse(Program& program, std::vector<Token> tokens) { Parser(program, std::move(tokens)).run(); }

void Parser::run() {
  program_.loop_id = intern("loop");
  program_.body = parse_body({});
  // A template that is one `{{ expr }}`, maybe with whitespace around it.
  const Expr* single = nullptr;
  for (const auto& stmt : program_.body) {
    if (stmt->kind == StmtKind::kText && is_blank(static_cast<const TextStmt&>(*stmt).text)) continue;
    if (stmt->kind == StmtKind::kOutput && single == nullptr) {
      single = static_cast<const OutputStmt&>(*stmt).expr.get();
      continue;
    }
    single = nullptr;
    break;
  }
  program_.single_expression = single;
}

// ---- tokens ----

const Token& Parser::peek(std::size_t ahead) const {
  const std::size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
  return tokens_[i];
}

const Token& Parser::advance() {
  const Token& t = tokens_[pos_];
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return t;
}

bool Parser::at_operator(std::string_view op) const { return peek().kind == Tok::kOperator && peek().text == op; }
bool Parser::at_name(std::string_view name) const { return peek().kind == Tok::kName && peek().text == name; }

bool Parser::skip_operator(std::string_view op) {
  if (!at_operator(op)) return false;
  advance();
  return true;
}

bool Parser::skip_name(std::string_view name) {
  if (!at_name(name)) return false;
  advance();
  return true;
}

const Token& Parser::expect_operator(std::string_view op, std::string_view context) {
  if (!at_operator(op)) {
    std::string message = "expected '" + std::string(op) + "'";
    if (!context.empty()) message += " " + std::string(context);
    throw_error(message + ", found " + describe(peek()), peek().offset);
  }
  return advance();
}

const Token& Parser::expect_name(std::string_view what) {
  if (peek().kind != Tok::kName) throw_error("expected " + std::string(what) + ", found " + describe(peek()), peek().offset);
  return advance();
}

std::uint32_t Parser::intern(const std::string& name) {
  auto [it, inserted] = name_ids_.try_emplace(name, static_cast<std::uint32_t>(program_.names.size()));
  if (inserted) program_.names.push_back(name);
  return it->second;
}

Parser::Nest::Nest(Parser& p, std::uint32_t at) : parser_(p) {
  if (++parser_.depth_ > kMaxNesting) {
    --parser_.depth_;
    throw_error("template is nested too deeply (more than " + std::to_string(kMaxNesting) + " levels)", at);
  }
}

// ---- statements ----

Body Parser::parse_body(std::vector<std::string_view> closers) {
  Body body;
  while (true) {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::kText:
        body.push_back(std::make_unique<TextStmt>(t.offset, t.text));
        advance();
        break;
      case Tok::kVarBegin: {
        advance();
        const std::uint32_t at = peek().offset;
        ExprPtr expr = parse_tuple(true);
        if (peek().kind != Tok::kVarEnd) {
          throw_error("expected '}}' after expression, found " + describe(peek()), peek().offset);
        }
        advance();
        body.push_back(std::make_unique<OutputStmt>(at, std::move(expr)));
        break;
      }
      case Tok::kBlockBegin: {
        const Token& name = peek(1);
        if (name.kind == Tok::kName && std::find(closers.begin(), closers.end(), name.text) != closers.end()) {
          return body;  // the caller consumes the closing tag
        }
        body.push_back(parse_statement());
        break;
      }
      case Tok::kEnd:
        if (!open_.empty()) {
          const OpenBlock& block = open_.back();
          const std::string_view end = block.closers.back();
          throw_error("'{% " + std::string(block.tag) + " %}' is never closed: expected '{% " + std::string(end) +
                          " %}' before the end of the template",
                      block.offset);
        }
        return body;
      default:
        throw_error("unexpected " + describe(t), t.offset);
    }
  }
}

std::string_view Parser::next_tag_name() {
  advance();  // {%
  if (peek().kind != Tok::kName) throw_error("expected a statement name after '{%', found " + describe(peek()), peek().offset);
  return advance().text;
}

void Parser::expect_block_end(std::string_view after) {
  if (peek().kind != Tok::kBlockEnd) {
    throw_error("expected '%}' after " + std::string(after) + ", found " + describe(peek()), peek().offset);
  }
  advance();
}

void Parser::fail_unexpected_tag(const Token& tag) {
  const std::string shown = "'{% " + std::string(tag.text) + " %}'";
  if (open_.empty()) throw_error("unexpected " + shown + ": no block is open", tag.offset);
  const OpenBlock& block = open_.back();
  const TextPosition pos = position_of(program_.source, block.offset);
  throw_error("unexpected " + shown + ": expected " + quote_list(block.closers) + " to close the '{% " +
                  std::string(block.tag) + " %}' opened at line " + std::to_string(pos.line) + ", column " +
                  std::to_string(pos.column),
              tag.offset);
}

StmtPtr Parser::parse_statement() {
  const std::uint32_t at = peek().offset;
  Nest nest(*this, at);
  const Token& name_token = peek(1);
  const std::string_view name = next_tag_name();
  if (name == "if") return parse_if(at);
  if (name == "for") return parse_for(at);
  if (name == "set") return parse_set(at);
  static constexpr std::string_view kClosers[] = {"elif", "else", "endif", "endfor", "endset"};
  if (std::find(std::begin(kClosers), std::end(kClosers), name) != std::end(kClosers)) fail_unexpected_tag(name_token);
  if (std::find(std::begin(kUnsupportedTags), std::end(kUnsupportedTags), name) != std::end(kUnsupportedTags)) {
    throw_error("'{% " + std::string(name) + " %}' is not supported (statements: if, for, set, raw)", name_token.offset);
  }
  throw_error("unknown statement '" + std::string(name) + "' (statements: if, for, set, raw)", name_token.offset);
}

StmtPtr Parser::parse_if(std::uint32_t at) {
  auto stmt = std::make_unique<IfStmt>(at);
  open_.push_back({"if", at, {"elif", "else", "endif"}});
  ExprPtr test = parse_tuple(false);
  expect_block_end("the 'if' condition");
  while (true) {
    Body body = parse_body(open_.back().closers);
    stmt->branches.push_back({std::move(test), std::move(body)});
    const std::string_view tag = next_tag_name();
    if (tag == "elif") {
      test = parse_tuple(false);
      expect_block_end("the 'elif' condition");
      continue;
    }
    if (tag == "else") {
      expect_block_end("'else'");
      open_.back().closers = {"endif"};
      stmt->otherwise = parse_body(open_.back().closers);
      next_tag_name();
    }
    expect_block_end("'endif'");
    break;
  }
  open_.pop_back();
  return stmt;
}

std::vector<Target> Parser::parse_targets(std::string_view statement, bool& unpack) {
  std::vector<Target> targets;
  const bool parens = skip_operator("(");
  unpack = parens;
  while (true) {
    const Token& t = expect_name("a variable name after '" + std::string(statement) + "'");
    targets.push_back({t.offset, std::string(t.text), intern(std::string(t.text))});
    if (!skip_operator(",")) break;
    unpack = true;
    if (peek().kind != Tok::kName) break;  // trailing comma
  }
  if (parens) expect_operator(")", "after the variable names");
  return targets;
}

StmtPtr Parser::parse_for(std::uint32_t at) {
  auto stmt = std::make_unique<ForStmt>(at);
  stmt->targets = parse_targets("for", stmt->unpack);
  for (const Target& t : stmt->targets) {
    if (t.name == "loop") throw_error("cannot use 'loop' as a for-loop variable: the name is taken by the loop object", t.offset);
  }
  if (!skip_name("in")) throw_error("expected 'in' after the loop variable, found " + describe(peek()), peek().offset);
  stmt->iter = parse_tuple(false);
  if (skip_name("if")) stmt->filter = parse_expression(true);
  if (at_name("recursive")) throw_error("recursive for loops are not supported", peek().offset);
  expect_block_end("the 'for' loop");
  open_.push_back({"for", at, {"else", "endfor"}});
  ++for_depth_;
  stmt->body = parse_body(open_.back().closers);
  --for_depth_;
  if (next_tag_name() == "else") {
    expect_block_end("'else'");
    open_.back().closers = {"endfor"};
    stmt->otherwise = parse_body(open_.back().closers);
    next_tag_name();
  }
  expect_block_end("'endfor'");
  open_.pop_back();
  return stmt;
}

StmtPtr Parser::parse_set(std::uint32_t at) {
  // {% set ns.attr = value %}
  if (peek().kind == Tok::kName && peek(1).kind == Tok::kOperator && peek(1).text == ".") {
    auto stmt = std::make_unique<SetAttrStmt>(at);
    const Token& ns = advance();
    stmt->target = {ns.offset, std::string(ns.text), intern(std::string(ns.text))};
    advance();  // .
    stmt->attr = std::string(expect_name("an attribute name after '.'").text);
    expect_operator("=", "after the 'set' target");
    stmt->value = parse_tuple(true);
    expect_block_end("the 'set' value");
    return stmt;
  }
  bool unpack = false;
  std::vector<Target> targets = parse_targets("set", unpack);
  for (const Target& t : targets) {
    if (t.name == "loop" && for_depth_ > 0) throw_error("cannot assign to 'loop' inside a for loop", t.offset);
  }
  if (skip_operator("=")) {
    auto stmt = std::make_unique<SetStmt>(at);
    stmt->targets = std::move(targets);
    stmt->unpack = unpack;
    stmt->value = parse_tuple(true);
    expect_block_end("the 'set' value");
    return stmt;
  }
  if (at_operator("|")) throw_error("filters on '{% set %}' blocks are not supported", peek().offset);
  if (peek().kind != Tok::kBlockEnd) {
    throw_error("expected '=' or '%}' after the 'set' target, found " + describe(peek()), peek().offset);
  }
  if (unpack) throw_error("a '{% set %}' block assigns one variable", targets.front().offset);
  advance();
  auto stmt = std::make_unique<SetBlockStmt>(at);
  stmt->target = std::move(targets.front());
  open_.push_back({"set", at, {"endset"}});
  stmt->body = parse_body(open_.back().closers);
  next_tag_name();
  expect_block_end("'endset'");
  open_.pop_back();
  return stmt;
}

}  // namespace pier::tmpl::detail
