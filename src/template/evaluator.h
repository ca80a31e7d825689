// Renders a compiled Program against a context: walks the statements,
// evaluates expressions to Values and appends the output to one string.
// One Evaluator per render() call; the Program is shared and never changed.
//
//   std::string out;
//   Evaluator(program, context, out).render(program.body);  // throws TemplateError
//
// Variables follow Jinja2's scoping: the template body is one frame; each
// iteration of a for loop (and each `{% set %}...{% endset %}` block) gets
// a fresh frame that is dropped afterwards, so a `set` inside a loop does
// not leak out of it (use namespace() for that); `if` opens no frame.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "template/program.h"
#include "template/value.h"

namespace pier::tmpl::detail {

// Total work one render may do (loop iterations, bytes produced, JSON
// nodes copied), so that hostile templates finish quickly with an error.
inline constexpr long long kWorkBudget = 20'000'000;

class Evaluator {
 public:
  Evaluator(const Program& program, const json& context, std::string& out);

  void render(const Body& body);
  Value eval(const Expr& expr);

  // ---- helpers shared with filters, tests and methods ----

  // The JSON behind `v`; throws the undefined error for an undefined value
  // (a lenient undefined too) and a type error for loop objects.
  const json& need(const Value& v) const;

  [[noreturn]] void fail_undefined(const Value& v) const;

  // Python str() of `v` appended to `out` (a lenient undefined is "").
  void append_text(std::string& out, const Value& v) const;
  std::string text(const Value& v) const;

  bool truthy(const Value& v) const;

  // The items `for x in v` would visit: list elements (borrowed), dict keys
  // and string characters (owned). A lenient undefined has none.
  std::vector<Value> items_of(const Value& v);

  // Accounts for `units` of work; throws once the budget is used up.
  void charge(std::size_t units);

  // Charges the size of `j` (and refuses values nested too deeply).
  void charge_value(const json& j);

  // Charges for an operation that scans `v` once (a string's bytes, a
  // container's items), so that repeating it on a huge value in a loop
  // runs out of budget instead of running for hours.
  void charge_scan(const Value& v);

  // A deep copy of `j`, charged by its size.
  json copy(const json& j);

  // An owned or stable value that can be kept after `v`'s source changes.
  Value storable(Value v);

  // Looks up `attribute` of `object` like Jinja2's getattr (a.b) and
  // getitem (a['b']); missing -> undefined reported at `at`. `site` is the
  // AttrExpr / ItemExpr doing the lookup (names the path in messages), or
  // null for lookups of filters (attribute='x').
  Value get_attr(Value object, const std::string& attribute, std::uint32_t at, const Expr* site);
  Value get_item(Value object, const json& key, std::uint32_t at, const Expr* site);

  const Program& program() const { return program_; }

 private:
  struct Local {
    std::uint32_t id;
    Value value;
  };

  void render_stmt(const Stmt& stmt);
  void render_stmt_inner(const Stmt& stmt);
  void render_if(const IfStmt& stmt);
  void render_for(const ForStmt& stmt);
  void render_set(const SetStmt& stmt);
  void render_set_attr(const SetAttrStmt& stmt);
  void render_set_block(const SetBlockStmt& stmt);
  void write_output(const Value& v);

  Value eval_inner(const Expr& expr);
  Value eval_name(const NameExpr& expr);
  Value eval_binary(const BinaryExpr& expr);
  Value eval_compare(const CompareExpr& expr);
  Value eval_filter(const FilterExpr& expr);
  Value eval_test(const TestExpr& expr);
  Value eval_list(const ListExpr& expr);
  Value eval_dict(const DictExpr& expr);
  Value eval_slice(const SliceExpr& expr);
  Value eval_call(const CallExpr& expr);
  Value call_method(const CallExpr& expr, const AttrExpr& callee, Value object);
  Value call_global(const CallExpr& expr, const NameExpr& callee);

  // Binds `value` to the targets (unpacking when asked) in the current frame.
  void assign(const std::vector<Target>& targets, bool unpack, Value value, std::uint32_t at);
  void set_local(std::uint32_t id, Value value);
  const Value* find_local(std::uint32_t id) const;

  // The loop items of `for ... in <iter>`.
  void loop_items(const ForStmt& stmt, Value& iterable, std::vector<LoopItem>& items);

  const Program& program_;
  const json& context_;
  std::string* out_;
  std::vector<Local> locals_;
  std::size_t frame_ = 0;  // index of the innermost frame's first local
  long long budget_ = kWorkBudget;
};

// "user.name" for `user.name`, "items[0]" for `items[0]`: how an undefined
// expression is named in messages; empty when it is not a plain path.
std::string describe_path(const Expr* expr);

// Why `v` (undefined) is undefined: "'jetty.imagee' is undefined ('dict
// object' has no attribute 'imagee')".
std::string undefined_message(const Value& v);

}  // namespace pier::tmpl::detail
