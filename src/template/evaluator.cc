// Statements, variables and the helpers that filters share. Expressions are
// in eval_expr.cc, attribute/item access and calls in eval_access.cc.
#include "template/evaluator.h"

#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/utf8.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

namespace {

std::size_t count_nodes(const json& j, int depth) {
  if (depth > kMaxValueDepth) {
    throw_error("value is nested too deeply (more than " + std::to_string(kMaxValueDepth) + " levels)");
  }
  if (j.is_string()) return 1 + j.get_ref<const std::string&>().size() / 16;
  if (!j.is_structured()) return 1;
  std::size_t n = 1;
  for (const auto& item : j) n += count_nodes(item, depth + 1);
  return n;
}

// Restores the innermost frame when a scope (loop iteration, set block) ends.
class FrameScope {
 public:
  FrameScope(std::size_t& frame, std::size_t size) : frame_(frame), saved_(frame) { frame_ = size; }
  ~FrameScope() { frame_ = saved_; }
  FrameScope(const FrameScope&) = delete;
  FrameScope& operator=(const FrameScope&) = delete;

 private:
  std::size_t& frame_;
  std::size_t saved_;
};

}  // namespace

Evaluator::Evaluator(const Program& program, const json& context, std::string& out)
    : program_(program), context_(context), out_(&out) {
  locals_.reserve(16);
}

// ---- helpers ----

void Evaluator::fail_undefined(const Value& v) const { throw_error(undefined_message(v), v.undefined_offset()); }

const json& Evaluator::need(const Value& v) const {
  switch (v.kind()) {
    case Value::Kind::kJson:
    case Value::Kind::kNamespace:
      return v.get();
    case Value::Kind::kUndefined:
      fail_undefined(v);
    case Value::Kind::kLoop:
      break;
  }
  throw_error("the loop object cannot be used as a value here");
}

void Evaluator::append_text(std::string& out, const Value& v) const {
  switch (v.kind()) {
    case Value::Kind::kJson:
      append_str(out, v.get());
      return;
    case Value::Kind::kUndefined:
      if (!v.lenient()) fail_undefined(v);
      return;
    case Value::Kind::kLoop: {
      const LoopState& loop = v.loop_state();
      out += "<LoopContext " + std::to_string(loop.index0 + 1) + "/" + std::to_string(loop.items->size()) + ">";
      return;
    }
    case Value::Kind::kNamespace:
      out += "<Namespace ";
      append_repr(out, v.get());
      out += ">";
      return;
  }
}

std::string Evaluator::text(const Value& v) const {
  std::string s;
  append_text(s, v);
  return s;
}

bool Evaluator::truthy(const Value& v) const {
  switch (v.kind()) {
    case Value::Kind::kJson:
      return detail::truthy(v.get());
    case Value::Kind::kUndefined:
      if (!v.lenient()) fail_undefined(v);
      return false;
    default:
      return true;
  }
}

std::vector<Value> Evaluator::items_of(const Value& v) {
  std::vector<Value> items;
  if (v.is_undefined()) {
    if (!v.lenient()) fail_undefined(v);
    return items;
  }
  if (!v.is_json()) throw_error(v.kind() == Value::Kind::kLoop ? "the loop object is not iterable" : "'Namespace' object is not iterable");
  const json& j = v.get();
  switch (j.type()) {
    case json::value_t::array:
      items.reserve(j.size());
      for (const auto& item : j) items.push_back(Value::borrow(item, v.is_stable()));
      break;
    case json::value_t::object:
      items.reserve(j.size());
      for (const auto& [key, item] : j.items()) items.push_back(Value::own(key));
      break;
    case json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      if (s.size() > kMaxSequenceSize) {
        throw_error("cannot iterate over a string longer than " + std::to_string(kMaxSequenceSize) + " bytes");
      }
      charge(s.size());
      for (std::size_t i = 0; i < s.size();) {
        const std::size_t start = i;
        utf8::next(s, i);
        items.push_back(Value::own(s.substr(start, i - start)));
      }
      break;
    }
    default:
      throw_error(std::string("'") + type_name(j) + "' object is not iterable");
  }
  charge(items.size());
  return items;
}

void Evaluator::charge(std::size_t units) {
  budget_ -= static_cast<long long>(units);
  if (budget_ < 0) {
    throw_error("rendering exceeded its work limit (too many loop iterations, too much output or too large values)");
  }
}

void Evaluator::charge_value(const json& j) { charge(count_nodes(j, 0)); }

void Evaluator::charge_scan(const Value& v) {
  if (!v.is_json()) return charge(1);
  const json& j = v.get();
  if (j.is_string()) return charge(1 + j.get_ref<const std::string&>().size() / 16);
  if (j.is_structured()) return charge(1 + j.size());
  charge(1);
}

json Evaluator::copy(const json& j) {
  charge_value(j);
  return j;
}

Value Evaluator::storable(Value v) {
  if (v.is_json() && v.is_borrowed() && !v.is_stable()) return Value::own(copy(v.get()));
  return v;
}

// ---- variables ----

const Value* Evaluator::find_local(std::uint32_t id) const {
  for (std::size_t i = locals_.size(); i-- > 0;) {
    if (locals_[i].id == id) return &locals_[i].value;
  }
  return nullptr;
}

void Evaluator::set_local(std::uint32_t id, Value value) {
  for (std::size_t i = locals_.size(); i-- > frame_;) {
    if (locals_[i].id == id) {
      locals_[i].value = std::move(value);
      return;
    }
  }
  locals_.push_back(Local{id, std::move(value)});
}

void Evaluator::assign(const std::vector<Target>& targets, bool unpack, Value value, std::uint32_t at) {
  if (!unpack) {
    set_local(targets.front().id, storable(std::move(value)));
    return;
  }
  if (value.is_json() && !value.get().is_structured() && !value.get().is_string()) {
    throw_error(std::string("cannot unpack non-iterable ") + type_name(value.get()) + " object", at);
  }
  std::vector<Value> items = items_of(value);
  if (items.size() < targets.size()) {
    throw_error("not enough values to unpack (expected " + std::to_string(targets.size()) + ", got " +
                    std::to_string(items.size()) + ")",
                at);
  }
  if (items.size() > targets.size()) {
    throw_error("too many values to unpack (expected " + std::to_string(targets.size()) + ")", at);
  }
  for (std::size_t i = 0; i < targets.size(); ++i) set_local(targets[i].id, storable(std::move(items[i])));
}

// ---- statements ----

void Evaluator::render(const Body& body) {
  for (const auto& stmt : body) render_stmt(*stmt);
}

void Evaluator::render_stmt(const Stmt& stmt) {
  try {
    render_stmt_inner(stmt);
  } catch (TemplateError& e) {
    if (e.offset == kNoOffset) e.offset = stmt.offset;
    throw;
  }
}

void Evaluator::render_stmt_inner(const Stmt& stmt) {
  switch (stmt.kind) {
    case StmtKind::kText: {
      const auto& text = static_cast<const TextStmt&>(stmt).text;
      charge(text.size());
      out_->append(text);
      return;
    }
    case StmtKind::kOutput:
      write_output(eval(*static_cast<const OutputStmt&>(stmt).expr));
      return;
    case StmtKind::kIf:
      render_if(static_cast<const IfStmt&>(stmt));
      return;
    case StmtKind::kFor:
      render_for(static_cast<const ForStmt&>(stmt));
      return;
    case StmtKind::kSet:
      render_set(static_cast<const SetStmt&>(stmt));
      return;
    case StmtKind::kSetAttr:
      render_set_attr(static_cast<const SetAttrStmt&>(stmt));
      return;
    case StmtKind::kSetBlock:
      render_set_block(static_cast<const SetBlockStmt&>(stmt));
      return;
  }
}

void Evaluator::write_output(const Value& v) {
  const std::size_t before = out_->size();
  if (v.is_json() && v.get().is_string()) {
    out_->append(v.get().get_ref<const std::string&>());
  } else {
    append_text(*out_, v);
  }
  charge(out_->size() - before);
}

void Evaluator::render_if(const IfStmt& stmt) {
  for (const auto& branch : stmt.branches) {
    const Value test = eval(*branch.test);
    bool ok;
    try {
      ok = truthy(test);
    } catch (TemplateError& e) {
      if (e.offset == kNoOffset) e.offset = branch.test->offset;
      throw;
    }
    if (ok) {
      render(branch.body);
      return;
    }
  }
  render(stmt.otherwise);
}

void Evaluator::render_for(const ForStmt& stmt) {
  Value iterable;
  std::vector<LoopItem> items;
  loop_items(stmt, iterable, items);

  const std::size_t base = locals_.size();
  auto bind = [&](const LoopItem& item) {
    if (item.is_pair && stmt.unpack && stmt.targets.size() == 2) {
      set_local(stmt.targets[0].id, item.value.share());
      set_local(stmt.targets[1].id, item.pair_value.share());
    } else if (item.is_pair) {
      json pair = json::array({item.value.get(), copy(item.pair_value.get())});
      assign(stmt.targets, stmt.unpack, Value::own(std::move(pair)), stmt.targets.front().offset);
    } else if (stmt.unpack) {
      assign(stmt.targets, true, item.value.share(), stmt.targets.front().offset);
    } else {
      set_local(stmt.targets.front().id, item.value.share());
    }
  };

  if (stmt.filter) {
    std::vector<LoopItem> kept;
    for (auto& item : items) {
      bool keep;
      {
        FrameScope scope(frame_, base);
        bind(item);
        const Value test = eval(*stmt.filter);
        keep = truthy(test);
        locals_.resize(base);
      }
      if (keep) kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }

  if (items.empty()) {
    FrameScope scope(frame_, base);
    render(stmt.otherwise);
    locals_.resize(base);
    return;
  }
  LoopState state{&items, 0};
  for (std::size_t i = 0; i < items.size(); ++i) {
    charge(1);
    state.index0 = i;
    FrameScope scope(frame_, base);
    bind(items[i]);
    set_local(program_.loop_id, Value::loop(&state));
    render(stmt.body);
    locals_.resize(base);
  }
}

void Evaluator::render_set(const SetStmt& stmt) {
  Value value = eval(*stmt.value);
  assign(stmt.targets, stmt.unpack, std::move(value), stmt.value->offset);
}

void Evaluator::render_set_attr(const SetAttrStmt& stmt) {
  const Value* target = find_local(stmt.target.id);
  if (target == nullptr || target->kind() != Value::Kind::kNamespace) {
    if (target == nullptr && !(context_.is_object() && context_.contains(stmt.target.name))) {
      throw_error("'" + stmt.target.name + "' is undefined", stmt.target.offset);
    }
    throw_error("cannot assign attribute '" + stmt.attr + "' on '" + stmt.target.name + "': it is not a namespace()",
                stmt.target.offset);
  }
  Value value = eval(*stmt.value);
  json j;
  try {
    if (value.is_json() && !value.is_borrowed()) {
      j = std::move(value).take();
      copy(j);  // checks the nesting depth and charges the size
    } else {
      j = copy(need(value));
    }
  } catch (TemplateError& e) {
    if (e.offset == kNoOffset) e.offset = stmt.value->offset;
    throw;
  }
  target->namespace_attrs()[stmt.attr] = std::move(j);
}

void Evaluator::render_set_block(const SetBlockStmt& stmt) {
  std::string captured;
  std::string* saved = out_;
  out_ = &captured;
  const std::size_t base = locals_.size();
  try {
    FrameScope scope(frame_, base);
    render(stmt.body);
  } catch (...) {
    out_ = saved;
    throw;
  }
  out_ = saved;
  locals_.resize(base);
  set_local(stmt.target.id, Value::own(std::move(captured)));
}

}  // namespace pier::tmpl::detail
