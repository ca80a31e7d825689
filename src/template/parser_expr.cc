// Expressions, following the structure (and so the precedence) of Jinja2's
// parser: condexpr < or < and < not < compare < + - < ~ < * / // % < ** <
// unary - + < filters, tests, calls, subscripts < primary.
#include <algorithm>

#include "template/filters.h"
#include "template/method_names.h"
#include "template/parser.h"
#include "template/parser_impl.h"
#include "template/template_error.h"

namespace pier::tmpl::detail {

namespace {

bool is_compare_operator(const Token& t, CompareOp& op) {
  if (t.kind != Tok::kOperator) return false;
  if (t.text == "==") op = CompareOp::kEq;
  else if (t.text == "!=") op = CompareOp::kNe;
  else if (t.text == "<") op = CompareOp::kLt;
  else if (t.text == "<=") op = CompareOp::kLe;
  else if (t.text == ">") op = CompareOp::kGt;
  else if (t.text == ">=") op = CompareOp::kGe;
  else return false;
  return true;
}

int height_of(const ExprPtr& e) { return e ? e->height : 0; }

int child_height(const Expr& e) {
  int h = 0;
  auto see = [&h](const ExprPtr& child) { h = std::max(h, height_of(child)); };
  switch (e.kind) {
    case ExprKind::kConst:
    case ExprKind::kName:
      break;
    case ExprKind::kAttr:
      see(static_cast<const AttrExpr&>(e).object);
      break;
    case ExprKind::kItem:
      see(static_cast<const ItemExpr&>(e).object);
      see(static_cast<const ItemExpr&>(e).key);
      break;
    case ExprKind::kSlice: {
      const auto& s = static_cast<const SliceExpr&>(e);
      see(s.object), see(s.start), see(s.stop), see(s.step);
      break;
    }
    case ExprKind::kList:
      for (const auto& item : static_cast<const ListExpr&>(e).items) see(item);
      break;
    case ExprKind::kDict:
      for (const auto& [k, v] : static_cast<const DictExpr&>(e).items) see(k), see(v);
      break;
    case ExprKind::kUnary:
      see(static_cast<const UnaryExpr&>(e).operand);
      break;
    case ExprKind::kBinary:
      see(static_cast<const BinaryExpr&>(e).left);
      see(static_cast<const BinaryExpr&>(e).right);
      break;
    case ExprKind::kConcat:
      for (const auto& item : static_cast<const ConcatExpr&>(e).items) see(item);
      break;
    case ExprKind::kAnd:
    case ExprKind::kOr:
      see(static_cast<const LogicExpr&>(e).left);
      see(static_cast<const LogicExpr&>(e).right);
      break;
    case ExprKind::kCompare:
      see(static_cast<const CompareExpr&>(e).first);
      for (const auto& operand : static_cast<const CompareExpr&>(e).rest) see(operand.expr);
      break;
    case ExprKind::kCond: {
      const auto& c = static_cast<const CondExpr&>(e);
      see(c.test), see(c.then), see(c.otherwise);
      break;
    }
    case ExprKind::kFilter: {
      const auto& f = static_cast<const FilterExpr&>(e);
      see(f.input);
      for (const auto& a : f.args) see(a);
      for (const auto& a : f.extra) see(a);
      break;
    }
    case ExprKind::kTest: {
      const auto& t = static_cast<const TestExpr&>(e);
      see(t.input);
      for (const auto& a : t.args) see(a);
      break;
    }
    case ExprKind::kCall: {
      const auto& c = static_cast<const CallExpr&>(e);
      see(c.callee);
      for (const auto& a : c.args) see(a);
      for (const auto& [name, a] : c.kwargs) see(a);
      break;
    }
  }
  return h;
}

// Matches call arguments to parameters: args[i] is parameter i.
template <class Def>
void bind_arguments(const Def& def, std::string_view kind, std::vector<ExprPtr>& positional,
                    std::vector<std::pair<std::string, ExprPtr>>& keyword, const std::vector<std::uint32_t>& keyword_at,
                    std::uint32_t at, bool variadic, std::vector<ExprPtr>& bound, std::vector<ExprPtr>& extra) {
  const std::string what = std::string(kind) + " '" + std::string(def.name) + "'";
  bound.clear();
  bound.resize(def.params.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < positional.size(); ++i) {
    while (next < def.params.size() && def.params[next].keyword_only) ++next;
    if (next < def.params.size()) {
      bound[next++] = std::move(positional[i]);
    } else if (variadic) {
      extra.push_back(std::move(positional[i]));
    } else if (def.params.empty()) {
      throw_error(what + " takes no arguments", at);
    } else {
      throw_error(what + " takes at most " + std::to_string(def.params.size()) + " argument" +
                      (def.params.size() == 1 ? "" : "s") + " (" + std::to_string(positional.size()) + " given)",
                  at);
    }
  }
  for (std::size_t k = 0; k < keyword.size(); ++k) {
    auto& [name, value] = keyword[k];
    auto it = std::find_if(def.params.begin(), def.params.end(), [&](const Param& p) { return p.name == name; });
    if (it == def.params.end()) {
      std::string names;
      for (const Param& p : def.params) names += (names.empty() ? "" : ", ") + std::string(p.name);
      throw_error(what + " has no parameter '" + name + "'" + (names.empty() ? "" : " (parameters: " + names + ")"),
                  keyword_at[k]);
    }
    const std::size_t index = static_cast<std::size_t>(it - def.params.begin());
    if (bound[index]) throw_error(what + " got two values for '" + name + "'", keyword_at[k]);
    bound[index] = std::move(value);
  }
  for (std::size_t i = 0; i < def.params.size(); ++i) {
    if (!bound[i] && def.params[i].required) {
      throw_error(what + " needs the argument '" + std::string(def.params[i].name) + "'", at);
    }
  }
}

}  // namespace

ExprPtr Parser::finish(ExprPtr node) {
  const int h = child_height(*node) + 1;
  if (h > kMaxExprHeight) {
    throw_error("expression is nested too deeply (more than " + std::to_string(kMaxExprHeight) + " levels)", node->offset);
  }
  node->height = static_cast<std::uint16_t>(h);
  return fold_constants(std::move(node));
}

ExprPtr Parser::fold_constants(ExprPtr node) {
  auto is_const = [](const ExprPtr& e) { return e && e->kind == ExprKind::kConst; };
  auto const_value = [](const ExprPtr& e) -> json& { return static_cast<ConstExpr&>(*e).value; };
  if (node->kind == ExprKind::kUnary) {
    auto& u = static_cast<UnaryExpr&>(*node);
    if (u.op == UnaryOp::kNeg && is_const(u.operand)) {
      json& v = const_value(u.operand);
      if (v.is_number_integer() && v.get<long long>() != INT64_MIN) return std::make_unique<ConstExpr>(u.offset, -v.get<long long>());
      if (v.is_number_float()) return std::make_unique<ConstExpr>(u.offset, -v.get<double>());
    }
  } else if (node->kind == ExprKind::kList) {
    auto& l = static_cast<ListExpr&>(*node);
    if (std::all_of(l.items.begin(), l.items.end(), is_const)) {
      json array = json::array();
      for (auto& item : l.items) array.push_back(std::move(const_value(item)));
      auto folded = std::make_unique<ConstExpr>(l.offset, std::move(array));
      folded->tuple = l.tuple;
      return folded;
    }
  } else if (node->kind == ExprKind::kDict) {
    auto& d = static_cast<DictExpr&>(*node);
    for (auto& [k, v] : d.items) {
      if (is_const(k) && !const_value(k).is_string()) {
        throw_error("dict keys must be strings (JSON objects have string keys)", k->offset);
      }
    }
    if (std::all_of(d.items.begin(), d.items.end(), [&](auto& kv) { return is_const(kv.first) && is_const(kv.second); })) {
      json object = json::object();
      for (auto& [k, v] : d.items) object[const_value(k).get<std::string>()] = std::move(const_value(v));
      return std::make_unique<ConstExpr>(d.offset, std::move(object));
    }
  }
  return node;
}

ExprPtr Parser::parse_tuple(bool with_condexpr, bool explicit_parens) {
  const std::uint32_t at = peek().offset;
  std::vector<ExprPtr> args;
  bool is_tuple = false;
  while (true) {
    const Token& t = peek();
    if (t.kind == Tok::kVarEnd || t.kind == Tok::kBlockEnd || (t.kind == Tok::kOperator && t.text == ")")) break;
    args.push_back(parse_expression(with_condexpr));
    if (!skip_operator(",")) break;
    is_tuple = true;
  }
  if (!is_tuple) {
    if (!args.empty()) return std::move(args.front());
    if (!explicit_parens) throw_error("expected an expression, found " + describe(peek()), peek().offset);
  }
  auto list = std::make_unique<ListExpr>(at);
  list->items = std::move(args);
  list->tuple = true;
  return finish(std::move(list));
}

ExprPtr Parser::parse_expression(bool with_condexpr) { return with_condexpr ? parse_condexpr() : parse_or(); }

ExprPtr Parser::parse_condexpr() {
  ExprPtr expr = parse_or();
  while (at_name("if")) {
    auto cond = std::make_unique<CondExpr>(advance().offset);
    cond->then = std::move(expr);
    cond->test = parse_or();
    if (skip_name("else")) {
      Nest nest(*this, cond->offset);
      cond->otherwise = parse_condexpr();
    }
    expr = finish(std::move(cond));
  }
  return expr;
}

ExprPtr Parser::parse_or() {
  ExprPtr left = parse_and();
  while (at_name("or")) {
    const std::uint32_t at = advance().offset;
    ExprPtr right = parse_and();
    left = finish(std::make_unique<LogicExpr>(ExprKind::kOr, at, std::move(left), std::move(right)));
  }
  return left;
}

ExprPtr Parser::parse_and() {
  ExprPtr left = parse_not();
  while (at_name("and")) {
    const std::uint32_t at = advance().offset;
    ExprPtr right = parse_not();
    left = finish(std::make_unique<LogicExpr>(ExprKind::kAnd, at, std::move(left), std::move(right)));
  }
  return left;
}

ExprPtr Parser::parse_not() {
  if (at_name("not")) {
    const std::uint32_t at = advance().offset;
    Nest nest(*this, at);
    return finish(std::make_unique<UnaryExpr>(at, UnaryOp::kNot, parse_not()));
  }
  return parse_compare();
}

ExprPtr Parser::parse_compare() {
  ExprPtr expr = parse_math1();
  std::unique_ptr<CompareExpr> compare;
  while (true) {
    CompareOp op;
    const std::uint32_t at = peek().offset;
    if (is_compare_operator(peek(), op)) {
      advance();
    } else if (at_name("in")) {
      advance();
      op = CompareOp::kIn;
    } else if (at_name("not") && peek(1).kind == Tok::kName && peek(1).text == "in") {
      advance();
      advance();
      op = CompareOp::kNotIn;
    } else {
      break;
    }
    if (!compare) compare = std::make_unique<CompareExpr>(at, std::move(expr));
    compare->rest.push_back({op, at, parse_math1()});
  }
  if (!compare) return expr;
  return finish(std::move(compare));
}

ExprPtr Parser::parse_math1() {
  ExprPtr left = parse_concat();
  while (at_operator("+") || at_operator("-")) {
    const Token& t = advance();
    const BinaryOp op = t.text == "+" ? BinaryOp::kAdd : BinaryOp::kSub;
    ExprPtr right = parse_concat();
    left = finish(std::make_unique<BinaryExpr>(t.offset, op, std::move(left), std::move(right)));
  }
  return left;
}

ExprPtr Parser::parse_concat() {
  ExprPtr first = parse_math2();
  if (!at_operator("~")) return first;
  auto concat = std::make_unique<ConcatExpr>(peek().offset);
  concat->items.push_back(std::move(first));
  while (skip_operator("~")) concat->items.push_back(parse_math2());
  return finish(std::move(concat));
}

ExprPtr Parser::parse_math2() {
  ExprPtr left = parse_pow();
  while (true) {
    BinaryOp op;
    if (at_operator("*")) op = BinaryOp::kMul;
    else if (at_operator("/")) op = BinaryOp::kDiv;
    else if (at_operator("//")) op = BinaryOp::kFloorDiv;
    else if (at_operator("%")) op = BinaryOp::kMod;
    else break;
    const std::uint32_t at = advance().offset;
    ExprPtr right = parse_pow();
    left = finish(std::make_unique<BinaryExpr>(at, op, std::move(left), std::move(right)));
  }
  return left;
}

ExprPtr Parser::parse_pow() {
  ExprPtr left = parse_unary(true);
  while (at_operator("**")) {
    const std::uint32_t at = advance().offset;
    ExprPtr right = parse_unary(true);
    left = finish(std::make_unique<BinaryExpr>(at, BinaryOp::kPow, std::move(left), std::move(right)));
  }
  return left;
}

ExprPtr Parser::parse_unary(bool with_filter) {
  const std::uint32_t at = peek().offset;
  Nest nest(*this, at);
  ExprPtr node;
  if (at_operator("-") || at_operator("+")) {
    const UnaryOp op = advance().text == "-" ? UnaryOp::kNeg : UnaryOp::kPos;
    node = finish(std::make_unique<UnaryExpr>(at, op, parse_unary(false)));
  } else {
    node = parse_primary();
  }
  node = parse_postfix(std::move(node));
  if (with_filter) node = parse_filter_expr(std::move(node));
  return node;
}

ExprPtr Parser::parse_primary() {
  const Token& t = peek();
  switch (t.kind) {
    case Tok::kName: {
      advance();
      if (t.text == "true" || t.text == "True") return std::make_unique<ConstExpr>(t.offset, true);
      if (t.text == "false" || t.text == "False") return std::make_unique<ConstExpr>(t.offset, false);
      if (t.text == "none" || t.text == "None") return std::make_unique<ConstExpr>(t.offset, nullptr);
      std::string name(t.text);
      const std::uint32_t id = intern(name);
      return std::make_unique<NameExpr>(t.offset, std::move(name), id);
    }
    case Tok::kString: {
      std::string value = advance().string_value;
      while (peek().kind == Tok::kString) value += advance().string_value;  // 'a' 'b' == 'ab'
      return std::make_unique<ConstExpr>(t.offset, std::move(value));
    }
    case Tok::kInteger:
      advance();
      return std::make_unique<ConstExpr>(t.offset, t.int_value);
    case Tok::kFloat:
      advance();
      return std::make_unique<ConstExpr>(t.offset, t.float_value);
    case Tok::kOperator:
      if (t.text == "(") {
        advance();
        ExprPtr node = parse_tuple(true, true);
        expect_operator(")", "to close '('");
        return node;
      }
      if (t.text == "[") return parse_list();
      if (t.text == "{") return parse_dict();
      break;
    default:
      break;
  }
  throw_error("expected an expression, found " + describe(t), t.offset);
}

ExprPtr Parser::parse_list() {
  const std::uint32_t at = advance().offset;  // [
  auto list = std::make_unique<ListExpr>(at);
  while (!at_operator("]")) {
    if (!list->items.empty()) {
      expect_operator(",", "or ']' in the list");
      if (at_operator("]")) break;
    }
    list->items.push_back(parse_expression());
  }
  advance();
  return finish(std::move(list));
}

ExprPtr Parser::parse_dict() {
  const std::uint32_t at = advance().offset;  // {
  auto dict = std::make_unique<DictExpr>(at);
  while (!at_operator("}")) {
    if (!dict->items.empty()) {
      expect_operator(",", "or '}' in the dict");
      if (at_operator("}")) break;
    }
    ExprPtr key = parse_expression();
    expect_operator(":", "after the dict key");
    dict->items.emplace_back(std::move(key), parse_expression());
  }
  advance();
  return finish(std::move(dict));
}

ExprPtr Parser::parse_postfix(ExprPtr node) {
  while (true) {
    if (at_operator(".") || at_operator("[")) {
      node = parse_subscript(std::move(node));
    } else if (at_operator("(")) {
      node = parse_call(std::move(node));
    } else {
      return node;
    }
  }
}

ExprPtr Parser::parse_filter_expr(ExprPtr node) {
  while (true) {
    if (at_operator("|")) {
      node = parse_filter(std::move(node));
    } else if (at_name("is")) {
      node = parse_test(std::move(node));
    } else if (at_operator("(")) {
      node = parse_call(std::move(node));
    } else {
      return node;
    }
  }
}

ExprPtr Parser::parse_subscript(ExprPtr node) {
  const Token& t = advance();
  if (t.text == ".") {
    const Token& a = peek();
    if (a.kind == Tok::kName) {
      advance();
      return finish(std::make_unique<AttrExpr>(a.offset, std::move(node), std::string(a.text), method_flags(a.text)));
    }
    if (a.kind == Tok::kInteger) {
      advance();
      return finish(std::make_unique<ItemExpr>(a.offset, std::move(node), std::make_unique<ConstExpr>(a.offset, a.int_value)));
    }
    throw_error("expected an attribute name after '.', found " + describe(a), a.offset);
  }
  // [key] or [start:stop:step]
  const std::uint32_t at = t.offset;
  Nest nest(*this, at);
  ExprPtr start;
  if (!at_operator(":")) {
    start = parse_expression();
    if (!at_operator(":")) {
      if (at_operator(",")) throw_error("subscripts with several keys are not supported", peek().offset);
      expect_operator("]", "to close '['");
      return finish(std::make_unique<ItemExpr>(at, std::move(node), std::move(start)));
    }
  }
  auto slice = std::make_unique<SliceExpr>(at, std::move(node));
  slice->start = std::move(start);
  advance();  // :
  if (!at_operator("]") && !at_operator(":")) slice->stop = parse_expression();
  if (skip_operator(":")) {
    if (!at_operator("]")) slice->step = parse_expression();
  }
  expect_operator("]", "to close '['");
  return finish(std::move(slice));
}

Parser::CallArgs Parser::parse_call_args() {
  CallArgs result;
  const Token& open = expect_operator("(");
  Nest nest(*this, open.offset);
  bool first = true;
  while (!at_operator(")")) {
    if (!first) {
      expect_operator(",", "or ')' between arguments");
      if (at_operator(")")) break;
    }
    first = false;
    if (at_operator("*") || at_operator("**")) throw_error("*args and **kwargs are not supported", peek().offset);
    if (peek().kind == Tok::kName && peek(1).kind == Tok::kOperator && peek(1).text == "=") {
      const Token& name = advance();
      advance();
      result.kwarg_offsets.push_back(name.offset);
      result.kwargs.emplace_back(std::string(name.text), parse_expression());
      continue;
    }
    if (!result.kwargs.empty()) throw_error("positional argument after keyword argument", peek().offset);
    result.args.push_back(parse_expression());
  }
  advance();  // )
  return result;
}

ExprPtr Parser::parse_call(ExprPtr node) {
  const std::uint32_t at = node->offset;
  CallArgs args = parse_call_args();
  auto call = std::make_unique<CallExpr>(at, std::move(node));
  call->args = std::move(args.args);
  call->kwargs = std::move(args.kwargs);
  return finish(std::move(call));
}

std::string Parser::parse_dotted_name() {
  std::string name(advance().text);
  while (at_operator(".") && peek(1).kind == Tok::kName) {
    advance();
    name += ".";
    name += advance().text;
  }
  return name;
}

ExprPtr Parser::parse_filter(ExprPtr node) {
  advance();  // |
  if (peek().kind != Tok::kName) throw_error("expected a filter name after '|', found " + describe(peek()), peek().offset);
  const std::uint32_t at = peek().offset;
  const std::string name = parse_dotted_name();
  const FilterDef* def = find_filter(name);
  if (def == nullptr) throw_error("unknown filter '" + name + "'", at);
  auto filter = std::make_unique<FilterExpr>(at, def, std::move(node));
  CallArgs args;
  if (at_operator("(")) args = parse_call_args();
  bind_arguments(*def, "filter", args.args, args.kwargs, args.kwarg_offsets, at, def->variadic, filter->args, filter->extra);
  return finish(std::move(filter));
}

ExprPtr Parser::parse_test(ExprPtr node) {
  advance();  // is
  const bool negated = skip_name("not");
  if (peek().kind != Tok::kName) throw_error("expected a test name after 'is', found " + describe(peek()), peek().offset);
  const std::uint32_t at = peek().offset;
  const std::string name = parse_dotted_name();
  const TestDef* def = find_test(name);
  if (def == nullptr) throw_error("unknown test '" + name + "'", at);
  auto test = std::make_unique<TestExpr>(at, def, std::move(node));
  test->negated = negated;
  CallArgs args;
  const Token& next = peek();
  if (at_operator("(")) {
    args = parse_call_args();
  } else if (next.kind == Tok::kString || next.kind == Tok::kInteger || next.kind == Tok::kFloat ||
             (next.kind == Tok::kName && next.text != "else" && next.text != "or" && next.text != "and" &&
              next.text != "if" && next.text != "is") ||
             (next.kind == Tok::kOperator && (next.text == "[" || next.text == "{"))) {
    // `x is divisibleby 3`: one argument without parentheses
    args.args.push_back(parse_postfix(parse_primary()));
  } else if (next.kind == Tok::kName && next.text == "is") {
    throw_error("tests cannot be chained with 'is'", next.offset);
  }
  std::vector<ExprPtr> extra;
  bind_arguments(*def, "test", args.args, args.kwargs, args.kwarg_offsets, at, false, test->args, extra);
  return finish(std::move(test));
}

}  // namespace pier::tmpl::detail
