// What an expression evaluates to while rendering: a JSON value that is
// either borrowed (a pointer into the context, a constant of the template or
// a variable) or owned, or one of the non-JSON things Jinja2 has: undefined,
// the `loop` object, a namespace().
//
//   Value v = Value::borrow(context["replicas"], /*stable=*/true);  // no copy
//   const json& j = v.get();
//
// Borrowing keeps rendering from copying context values. A borrowed value is
// "stable" when it points into the context or the template's constants, which
// outlive the render; other borrowed values point into variables and are
// copied when stored (see Evaluator::storable).
//
// An undefined value remembers why it is undefined. The common case, a
// missing name or key looked up by the template, only records the
// expression (the message is built if the value is ever used), so that
// `x.optional | default(1)` costs no allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::tmpl::detail {

using json = nlohmann::json;

struct Expr;

// Why a value is undefined, when that was decided with a message.
struct UndefinedInfo {
  std::string message;  // "No first item, sequence was empty."
  bool lenient = false; // `x if c` without else: prints as "", like Jinja2's Undefined
};

struct LoopItem;

struct LoopState {
  const std::vector<LoopItem>* items = nullptr;  // the (filtered) items
  std::size_t index0 = 0;
};

class Value {
 public:
  enum class Kind : std::uint8_t { kJson, kUndefined, kLoop, kNamespace };

  Value() {}
  ~Value() {
    if (has_owned_) owned_.~json();
  }
  Value(Value&& other) noexcept { move_from(std::move(other)); }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      if (has_owned_) owned_.~json();
      has_owned_ = false;
      move_from(std::move(other));
    }
    return *this;
  }
  Value(const Value&) = delete;  // copies of owned JSON must be explicit: see share()
  Value& operator=(const Value&) = delete;

  static Value borrow(const json& j, bool stable) {
    Value v;
    v.ref_ = &j;
    v.stable_ = stable;
    return v;
  }
  static Value own(json j) {
    Value v;
    new (&v.owned_) json(std::move(j));
    v.has_owned_ = true;
    return v;
  }
  // Undefined with a message decided now.
  static Value undefined(std::string message, std::uint32_t offset, bool lenient = false) {
    Value v;
    v.kind_ = Kind::kUndefined;
    v.offset_ = offset;
    v.info_ = std::make_shared<const UndefinedInfo>(UndefinedInfo{std::move(message), lenient});
    return v;
  }
  // Undefined because the template's `site` (a name, a.b or a['b']) found
  // nothing; `parent` is the type of the object that was searched.
  static Value undefined_at(const Expr* site, std::uint32_t offset, json::value_t parent) {
    Value v;
    v.kind_ = Kind::kUndefined;
    v.offset_ = offset;
    v.site_ = site;
    v.parent_type_ = parent;
    return v;
  }
  static Value loop(const LoopState* state) {
    Value v;
    v.kind_ = Kind::kLoop;
    v.loop_ = state;
    return v;
  }
  static Value namespace_object(std::shared_ptr<json> object) {
    Value v;
    v.kind_ = Kind::kNamespace;
    v.namespace_ = std::move(object);
    return v;
  }

  Kind kind() const { return kind_; }
  bool is_json() const { return kind_ == Kind::kJson; }
  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool is_borrowed() const { return ref_ != nullptr; }
  bool is_stable() const { return ref_ != nullptr && stable_; }

  // The JSON value (for a namespace: its attributes as an object).
  const json& get() const {
    if (ref_ != nullptr) return *ref_;
    if (kind_ == Kind::kNamespace) return *namespace_;
    if (has_owned_) return owned_;
    return null_json();
  }

  // The JSON value, moved out when owned.
  json take() && {
    if (has_owned_) return std::move(owned_);
    return get();
  }

  // A second handle on the same value without copying owned JSON: owned
  // JSON comes back borrowed (not stable), so it must not outlive *this.
  Value share() const {
    Value v;
    v.kind_ = kind_;
    if (kind_ == Kind::kJson) {
      v.ref_ = &get();
      v.stable_ = is_stable();
    }
    v.offset_ = offset_;
    v.site_ = site_;
    v.parent_type_ = parent_type_;
    v.loop_ = loop_;
    v.info_ = info_;
    v.namespace_ = namespace_;
    return v;
  }

  // ---- undefined ----
  std::uint32_t undefined_offset() const { return offset_; }
  bool lenient() const { return info_ != nullptr && info_->lenient; }
  const UndefinedInfo* undefined_info() const { return info_.get(); }  // null for a lazy undefined
  const Expr* undefined_site() const { return site_; }
  json::value_t undefined_parent() const { return parent_type_; }

  const LoopState& loop_state() const { return *loop_; }
  json& namespace_attrs() const { return *namespace_; }
  bool namespace_shared() const { return namespace_.use_count() > 1; }

 private:
  static const json& null_json() {
    static const json kNull;
    return kNull;
  }

  void move_from(Value&& other) {
    ref_ = other.ref_;
    if (other.has_owned_) {
      new (&owned_) json(std::move(other.owned_));
      has_owned_ = true;
    }
    kind_ = other.kind_;
    stable_ = other.stable_;
    parent_type_ = other.parent_type_;
    offset_ = other.offset_;
    site_ = other.site_;
    loop_ = other.loop_;
    info_ = std::move(other.info_);
    namespace_ = std::move(other.namespace_);
  }

  const json* ref_ = nullptr;
  union {
    json owned_;  // alive when has_owned_
  };
  bool has_owned_ = false;
  Kind kind_ = Kind::kJson;
  bool stable_ = false;
  json::value_t parent_type_ = json::value_t::null;
  std::uint32_t offset_ = 0;
  const Expr* site_ = nullptr;
  const LoopState* loop_ = nullptr;
  std::shared_ptr<const UndefinedInfo> info_;
  std::shared_ptr<json> namespace_;
};

// One item of a for loop. `for k, v in d.items()` binds key and value
// straight from the dict without building [k, v] pairs: then `pair_value`
// holds the value and `value` the key.
struct LoopItem {
  Value value;
  Value pair_value;
  bool is_pair = false;
};

}  // namespace pier::tmpl::detail
