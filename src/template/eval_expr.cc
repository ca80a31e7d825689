// Expression evaluation: operators, literals, conditionals, filters, tests.
#include "common/text_position.h"
#include "template/evaluator.h"
#include "template/filters.h"
#include "template/percent_format.h"
#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

namespace {

std::size_t size_of(const json& j) {
  if (j.is_string()) return j.get_ref<const std::string&>().size();
  if (j.is_structured()) return j.size();
  return 1;
}

bool is_tuple_literal(const Expr& e) {
  if (e.kind == ExprKind::kList) return static_cast<const ListExpr&>(e).tuple;
  if (e.kind == ExprKind::kConst) return static_cast<const ConstExpr&>(e).tuple;
  return false;
}

}  // namespace

Value Evaluator::eval(const Expr& expr) {
  try {
    return eval_inner(expr);
  } catch (TemplateError& e) {
    if (e.offset == kNoOffset) e.offset = expr.offset;
    throw;
  }
}

Value Evaluator::eval_inner(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kConst:
      return Value::borrow(static_cast<const ConstExpr&>(expr).value, true);
    case ExprKind::kName:
      return eval_name(static_cast<const NameExpr&>(expr));
    case ExprKind::kAttr: {
      const auto& e = static_cast<const AttrExpr&>(expr);
      return get_attr(eval(*e.object), e.attr, e.offset, &e);
    }
    case ExprKind::kItem: {
      const auto& e = static_cast<const ItemExpr&>(expr);
      Value object = eval(*e.object);
      const Value key = eval(*e.key);
      return get_item(std::move(object), need(key), e.offset, &e);
    }
    case ExprKind::kSlice:
      return eval_slice(static_cast<const SliceExpr&>(expr));
    case ExprKind::kList:
      return eval_list(static_cast<const ListExpr&>(expr));
    case ExprKind::kDict:
      return eval_dict(static_cast<const DictExpr&>(expr));
    case ExprKind::kUnary: {
      const auto& e = static_cast<const UnaryExpr&>(expr);
      const Value v = eval(*e.operand);
      if (e.op == UnaryOp::kNot) return Value::own(!truthy(v));
      return Value::own(e.op == UnaryOp::kNeg ? negate(need(v)) : unary_plus(need(v)));
    }
    case ExprKind::kBinary:
      return eval_binary(static_cast<const BinaryExpr&>(expr));
    case ExprKind::kConcat: {
      const auto& e = static_cast<const ConcatExpr&>(expr);
      std::vector<Value> parts;
      parts.reserve(e.items.size());
      for (const auto& item : e.items) parts.push_back(eval(*item));
      std::string s;
      for (std::size_t i = 0; i < parts.size(); ++i) {
        try {
          append_text(s, parts[i]);
        } catch (TemplateError& err) {
          if (err.offset == kNoOffset) err.offset = e.items[i]->offset;
          throw;
        }
        if (s.size() > kMaxSequenceSize) throw_error("result of '~' is too long");
      }
      charge(s.size());
      return Value::own(std::move(s));
    }
    case ExprKind::kAnd: {
      const auto& e = static_cast<const LogicExpr&>(expr);
      Value left = eval(*e.left);
      if (!truthy(left)) return left;
      return eval(*e.right);
    }
    case ExprKind::kOr: {
      const auto& e = static_cast<const LogicExpr&>(expr);
      Value left = eval(*e.left);
      if (truthy(left)) return left;
      return eval(*e.right);
    }
    case ExprKind::kCompare:
      return eval_compare(static_cast<const CompareExpr&>(expr));
    case ExprKind::kCond: {
      const auto& e = static_cast<const CondExpr&>(expr);
      const Value test = eval(*e.test);
      if (truthy(test)) return eval(*e.then);
      if (e.otherwise) return eval(*e.otherwise);
      const TextPosition pos = position_of(program_.source, e.offset);
      return Value::undefined("the inline if-expression on line " + std::to_string(pos.line) +
                                  " evaluated to false and no else section was defined.",
                              e.offset, /*lenient=*/true);
    }
    case ExprKind::kFilter:
      return eval_filter(static_cast<const FilterExpr&>(expr));
    case ExprKind::kTest:
      return eval_test(static_cast<const TestExpr&>(expr));
    case ExprKind::kCall:
      return eval_call(static_cast<const CallExpr&>(expr));
  }
  throw_error("internal error: unknown expression");
}

Value Evaluator::eval_binary(const BinaryExpr& e) {
  const Value left = eval(*e.left);
  const Value right = eval(*e.right);
  const json& a = need(left);
  const json& b = need(right);
  json result;
  if (e.op == BinaryOp::kMod && a.is_string()) {
    result = percent_format(a.get_ref<const std::string&>(), b, is_tuple_literal(*e.right) && b.is_array());
  } else {
    result = binary(e.op, a, b);
  }
  charge(size_of(result));
  return Value::own(std::move(result));
}

Value Evaluator::eval_compare(const CompareExpr& e) {
  Value left = eval(*e.first);
  for (const auto& operand : e.rest) {
    Value right = eval(*operand.expr);
    bool ok = false;
    try {
      if (left.is_json()) charge_value(left.get());
      if (right.is_json()) charge_value(right.get());
      switch (operand.op) {
        case CompareOp::kEq:
        case CompareOp::kNe: {
          bool equal;
          if (left.is_undefined() || right.is_undefined()) {
            if (left.is_undefined() && !left.lenient()) fail_undefined(left);
            if (right.is_undefined() && !right.lenient()) fail_undefined(right);
            equal = left.is_undefined() && right.is_undefined();
          } else {
            equal = py_equal(need(left), need(right));
          }
          ok = operand.op == CompareOp::kEq ? equal : !equal;
          break;
        }
        case CompareOp::kIn:
        case CompareOp::kNotIn: {
          const json& item = need(left);
          const bool found = py_contains(need(right), item);
          ok = operand.op == CompareOp::kIn ? found : !found;
          break;
        }
        default:
          ok = py_order(operand.op, need(left), need(right));
      }
    } catch (TemplateError& err) {
      if (err.offset == kNoOffset) err.offset = operand.offset;
      throw;
    }
    if (!ok) return Value::own(false);
    left = std::move(right);
  }
  return Value::own(true);
}

Value Evaluator::eval_list(const ListExpr& e) {
  json array = json::array();
  array.get_ref<json::array_t&>().reserve(e.items.size());
  for (const auto& item : e.items) {
    Value v = eval(*item);
    if (v.is_json() && !v.is_borrowed()) {
      array.push_back(std::move(v).take());
    } else {
      try {
        array.push_back(copy(need(v)));
      } catch (TemplateError& err) {
        if (err.offset == kNoOffset) err.offset = item->offset;
        throw;
      }
    }
  }
  charge(e.items.size());
  return Value::own(std::move(array));
}

Value Evaluator::eval_dict(const DictExpr& e) {
  json object = json::object();
  for (const auto& [key_expr, value_expr] : e.items) {
    const Value key = eval(*key_expr);
    const json& k = need(key);
    if (!k.is_string()) throw_error("dict keys must be strings (JSON objects have string keys)", key_expr->offset);
    Value v = eval(*value_expr);
    json j;
    if (v.is_json() && !v.is_borrowed()) {
      j = std::move(v).take();
    } else {
      try {
        j = copy(need(v));
      } catch (TemplateError& err) {
        if (err.offset == kNoOffset) err.offset = value_expr->offset;
        throw;
      }
    }
    object[k.get<std::string>()] = std::move(j);
  }
  charge(e.items.size());
  return Value::own(std::move(object));
}

Value Evaluator::eval_filter(const FilterExpr& e) {
  FilterCall call{*this, e.offset, eval(*e.input), {}, {}};
  const auto& params = e.def->params;
  for (std::size_t i = 0; i < params.size(); ++i) {
    call.args[i] = e.args[i] ? eval(*e.args[i]) : Value::borrow(params[i].default_value, true);
  }
  for (const auto& extra : e.extra) call.extra.push_back(eval(*extra));
  charge_scan(call.input);
  Value result = e.def->fn(call);
  if (result.is_json() && !result.is_borrowed()) charge(size_of(result.get()));
  return result;
}

Value Evaluator::eval_test(const TestExpr& e) {
  FilterCall call{*this, e.offset, eval(*e.input), {}, {}};
  const auto& params = e.def->params;
  for (std::size_t i = 0; i < params.size(); ++i) {
    call.args[i] = e.args[i] ? eval(*e.args[i]) : Value::borrow(params[i].default_value, true);
  }
  const bool result = e.def->fn(call);
  return Value::own(result != e.negated);
}

}  // namespace pier::tmpl::detail
