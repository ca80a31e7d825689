// The syntax tree that compile() builds and render() walks. Nodes are
// immutable after parsing and shared by every render (thread-safe).
//
//   `{{ user.name | upper }}` -> OutputStmt{FilterExpr{upper, AttrExpr{NameExpr{user}, "name"}}}
//
// Every node keeps the byte offset (into the newline-normalised source) that
// its errors are reported at.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::tmpl::detail {

struct FilterDef;
struct TestDef;

enum class ExprKind : std::uint8_t {
  kConst,
  kName,
  kAttr,      // a.b
  kItem,      // a[b]
  kSlice,     // a[b:c:d]
  kList,      // [a, b] and tuples
  kDict,      // {k: v}
  kUnary,     // -a, +a, not a
  kBinary,    // a + b, a * b, ...
  kConcat,    // a ~ b ~ c
  kAnd,
  kOr,
  kCompare,   // a < b <= c, a in b
  kCond,      // a if b else c
  kFilter,    // a | f(...)
  kTest,      // a is t(...)
  kCall,      // f(...), a.method(...)
};

struct Expr {
  Expr(ExprKind k, std::uint32_t at) : kind(k), offset(at) {}
  virtual ~Expr() = default;
  ExprKind kind;
  std::uint16_t height = 1;  // of the subtree: bounded so evaluation cannot overflow the stack
  std::uint32_t offset;      // where errors about this expression point
};

using ExprPtr = std::unique_ptr<Expr>;

struct ConstExpr : Expr {
  ConstExpr(std::uint32_t at, nlohmann::json v) : Expr(ExprKind::kConst, at), value(std::move(v)) {}
  nlohmann::json value;
  bool tuple = false;  // a folded tuple literal (matters for "%s %s" % (a, b))
};

struct NameExpr : Expr {
  NameExpr(std::uint32_t at, std::string n, std::uint32_t i) : Expr(ExprKind::kName, at), name(std::move(n)), id(i) {}
  std::string name;
  std::uint32_t id;  // interned: locals are found by id
};

struct AttrExpr : Expr {
  AttrExpr(std::uint32_t at, ExprPtr o, std::string a, std::uint8_t m)
      : Expr(ExprKind::kAttr, at), object(std::move(o)), attr(std::move(a)), methods(m) {}
  ExprPtr object;
  std::string attr;
  std::uint8_t methods;  // MethodOf bits: whose method `attr` names (method_names.h)
};

struct ItemExpr : Expr {
  ItemExpr(std::uint32_t at, ExprPtr o, ExprPtr k) : Expr(ExprKind::kItem, at), object(std::move(o)), key(std::move(k)) {}
  ExprPtr object;
  ExprPtr key;
};

struct SliceExpr : Expr {
  SliceExpr(std::uint32_t at, ExprPtr o) : Expr(ExprKind::kSlice, at), object(std::move(o)) {}
  ExprPtr object;
  ExprPtr start, stop, step;  // each may be null
};

struct ListExpr : Expr {
  explicit ListExpr(std::uint32_t at) : Expr(ExprKind::kList, at) {}
  std::vector<ExprPtr> items;
  bool tuple = false;  // written as (a, b): Jinja2 tuples are lists here
};

struct DictExpr : Expr {
  explicit DictExpr(std::uint32_t at) : Expr(ExprKind::kDict, at) {}
  std::vector<std::pair<ExprPtr, ExprPtr>> items;
};

enum class UnaryOp : std::uint8_t { kNeg, kPos, kNot };

struct UnaryExpr : Expr {
  UnaryExpr(std::uint32_t at, UnaryOp o, ExprPtr e) : Expr(ExprKind::kUnary, at), op(o), operand(std::move(e)) {}
  UnaryOp op;
  ExprPtr operand;
};

enum class BinaryOp : std::uint8_t { kAdd, kSub, kMul, kDiv, kFloorDiv, kMod, kPow };

struct BinaryExpr : Expr {
  BinaryExpr(std::uint32_t at, BinaryOp o, ExprPtr l, ExprPtr r)
      : Expr(ExprKind::kBinary, at), op(o), left(std::move(l)), right(std::move(r)) {}
  BinaryOp op;
  ExprPtr left, right;
};

// a ~ b ~ c: like Jinja2, every operand is evaluated before any is
// converted to a string.
struct ConcatExpr : Expr {
  explicit ConcatExpr(std::uint32_t at) : Expr(ExprKind::kConcat, at) {}
  std::vector<ExprPtr> items;
};

// `and` / `or` (kind tells which); they return an operand, like Python.
struct LogicExpr : Expr {
  LogicExpr(ExprKind k, std::uint32_t at, ExprPtr l, ExprPtr r) : Expr(k, at), left(std::move(l)), right(std::move(r)) {}
  ExprPtr left, right;
};

enum class CompareOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn };

struct CompareExpr : Expr {
  struct Operand {
    CompareOp op;
    std::uint32_t offset;
    ExprPtr expr;
  };
  CompareExpr(std::uint32_t at, ExprPtr f) : Expr(ExprKind::kCompare, at), first(std::move(f)) {}
  ExprPtr first;
  std::vector<Operand> rest;  // a < b < c: evaluated pairwise, like Python
};

struct CondExpr : Expr {
  CondExpr(std::uint32_t at) : Expr(ExprKind::kCond, at) {}
  ExprPtr test, then, otherwise;  // otherwise may be null
};

// Arguments already matched to the filter's (or test's) parameters at
// compile time: args[i] is parameter i, null when the default applies.
struct FilterExpr : Expr {
  FilterExpr(std::uint32_t at, const FilterDef* d, ExprPtr in) : Expr(ExprKind::kFilter, at), def(d), input(std::move(in)) {}
  const FilterDef* def;
  ExprPtr input;
  std::vector<ExprPtr> args;
  std::vector<ExprPtr> extra;  // further positional arguments of a variadic filter
};

struct TestExpr : Expr {
  TestExpr(std::uint32_t at, const TestDef* d, ExprPtr in) : Expr(ExprKind::kTest, at), def(d), input(std::move(in)) {}
  const TestDef* def;
  ExprPtr input;
  std::vector<ExprPtr> args;
  bool negated = false;
};

struct CallExpr : Expr {
  CallExpr(std::uint32_t at, ExprPtr c) : Expr(ExprKind::kCall, at), callee(std::move(c)) {}
  ExprPtr callee;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
};

// ---------------------------------------------------------------------------

enum class StmtKind : std::uint8_t { kText, kOutput, kIf, kFor, kSet, kSetAttr, kSetBlock };

struct Stmt {
  Stmt(StmtKind k, std::uint32_t at) : kind(k), offset(at) {}
  virtual ~Stmt() = default;
  StmtKind kind;
  std::uint32_t offset;
};

using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct TextStmt : Stmt {
  TextStmt(std::uint32_t at, std::string_view t) : Stmt(StmtKind::kText, at), text(t) {}
  std::string_view text;  // points into Program::source
};

struct OutputStmt : Stmt {
  OutputStmt(std::uint32_t at, ExprPtr e) : Stmt(StmtKind::kOutput, at), expr(std::move(e)) {}
  ExprPtr expr;
};

struct IfStmt : Stmt {
  explicit IfStmt(std::uint32_t at) : Stmt(StmtKind::kIf, at) {}
  struct Branch {
    ExprPtr test;
    Body body;
  };
  std::vector<Branch> branches;  // if, elif...
  Body otherwise;
};

// A name being assigned: `x` or, with unpacking, `k, v`.
struct Target {
  std::uint32_t offset;
  std::string name;
  std::uint32_t id;
};

struct ForStmt : Stmt {
  explicit ForStmt(std::uint32_t at) : Stmt(StmtKind::kFor, at) {}
  std::vector<Target> targets;
  bool unpack = false;  // `for k, v in ...`
  ExprPtr iter;
  ExprPtr filter;  // `for x in xs if cond`; may be null
  Body body;
  Body otherwise;
};

struct SetStmt : Stmt {
  explicit SetStmt(std::uint32_t at) : Stmt(StmtKind::kSet, at) {}
  std::vector<Target> targets;
  bool unpack = false;
  ExprPtr value;
};

// `{% set ns.attr = value %}` on a namespace().
struct SetAttrStmt : Stmt {
  explicit SetAttrStmt(std::uint32_t at) : Stmt(StmtKind::kSetAttr, at) {}
  Target target;
  std::string attr;
  ExprPtr value;
};

// `{% set x %}...{% endset %}`
struct SetBlockStmt : Stmt {
  explicit SetBlockStmt(std::uint32_t at) : Stmt(StmtKind::kSetBlock, at) {}
  Target target;
  Body body;
};

}  // namespace pier::tmpl::detail
