#include "selectors.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "name_validation.h"

namespace pier::testing::kube_double {

namespace {

const std::string* find_value(const std::vector<std::pair<std::string, std::string>>& sorted, std::string_view key) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), key,
                             [](const auto& entry, std::string_view k) { return entry.first < k; });
  if (it == sorted.end() || it->first != key) return nullptr;
  return &it->second;
}

// A tokenizer over the selector text, close to apimachinery's lexer: identifiers
// run until whitespace or one of the operator characters.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  void skip_spaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool at_end() {
    skip_spaces();
    return pos_ >= text_.size();
  }
  bool consume(std::string_view token) {
    skip_spaces();
    if (text_.substr(pos_, token.size()) == token) {
      pos_ += token.size();
      return true;
    }
    return false;
  }
  // Keyword `in` / `notin`: only when followed by a space or '('.
  bool consume_keyword(std::string_view word) {
    skip_spaces();
    if (text_.substr(pos_, word.size()) != word) return false;
    size_t after = pos_ + word.size();
    if (after < text_.size() && !std::isspace(static_cast<unsigned char>(text_[after])) && text_[after] != '(')
      return false;
    pos_ = after;
    return true;
  }
  std::string identifier() {
    skip_spaces();
    size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '=' || c == '!' || c == '(' || c == ')' ||
          c == '<' || c == '>')
        break;
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }
  size_t position() const { return pos_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

ApiError parse_error(std::string_view detail) {
  return ApiError::bad_request("unable to parse requirement: " + std::string(detail));
}

bool parse_integer(std::string_view text, long long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

LabelMap labels_of(const nlohmann::json& object) {
  LabelMap labels;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return labels;
  auto found = metadata->find("labels");
  if (found == metadata->end() || !found->is_object()) return labels;
  for (const auto& [key, value] : found->items())
    labels.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
  // nlohmann's object keeps keys sorted already.
  return labels;
}

FieldMap fields_of(const nlohmann::json& object, const ResourceType& type) {
  FieldMap fields;
  auto value_at = [&](const std::string& dotted) -> std::string {
    const nlohmann::json* node = &object;
    size_t start = 0;
    while (start <= dotted.size()) {
      size_t dot = dotted.find('.', start);
      std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!node->is_object()) return "";
      auto it = node->find(part);
      if (it == node->end()) return "";
      node = &*it;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (node->is_string()) return node->get<std::string>();
    if (node->is_null() || node->is_object() || node->is_array()) return "";
    return node->dump();
  };
  fields.emplace_back("metadata.name", value_at("metadata.name"));
  fields.emplace_back("metadata.namespace", value_at("metadata.namespace"));
  for (const auto& field : type.field_labels) fields.emplace_back(field, value_at(field));
  std::sort(fields.begin(), fields.end());
  return fields;
}

ApiResult<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  Lexer lexer(text);
  if (lexer.at_end()) return selector;
  while (true) {
    Requirement requirement;
    if (lexer.consume("!")) {
      requirement.key = lexer.identifier();
      requirement.op = Op::kDoesNotExist;
    } else {
      requirement.key = lexer.identifier();
      if (lexer.consume("==") || lexer.consume("=")) {
        requirement.op = Op::kEquals;
        requirement.values.push_back(lexer.identifier());
      } else if (lexer.consume("!=")) {
        requirement.op = Op::kNotEquals;
        requirement.values.push_back(lexer.identifier());
      } else if (lexer.consume(">")) {
        requirement.op = Op::kGreaterThan;
        requirement.values.push_back(lexer.identifier());
      } else if (lexer.consume("<")) {
        requirement.op = Op::kLessThan;
        requirement.values.push_back(lexer.identifier());
      } else if (lexer.consume_keyword("notin")) {
        requirement.op = Op::kNotIn;
      } else if (lexer.consume_keyword("in")) {
        requirement.op = Op::kIn;
      } else {
        requirement.op = Op::kExists;
      }
      if (requirement.op == Op::kIn || requirement.op == Op::kNotIn) {
        if (!lexer.consume("(")) return std::unexpected(parse_error("found '" + requirement.key + "', expected: '('"));
        if (!lexer.consume(")")) {
          while (true) {
            requirement.values.push_back(lexer.identifier());
            if (lexer.consume(")")) break;
            if (!lexer.consume(",")) return std::unexpected(parse_error("expected ',' or ')' in a value set"));
          }
        }
        if (requirement.values.empty())
          return std::unexpected(parse_error("for 'in', 'notin' operators, values set can't be empty"));
      }
    }
    if (requirement.key.empty()) return std::unexpected(parse_error("found '', expected: identifier"));
    if (auto problem = check_label_key(requirement.key))
      return std::unexpected(parse_error("key: Invalid value: \"" + requirement.key + "\": " + *problem));
    for (const auto& value : requirement.values) {
      if (requirement.op == Op::kGreaterThan || requirement.op == Op::kLessThan) {
        long long number = 0;
        if (!parse_integer(value, number))
          return std::unexpected(parse_error("for 'Gt', 'Lt' operators, the value must be an integer"));
      } else if (auto problem = check_label_value(value)) {
        return std::unexpected(parse_error("values[0][" + requirement.key + "]: Invalid value: \"" + value +
                                           "\": " + *problem));
      }
    }
    selector.requirements_.push_back(std::move(requirement));
    if (lexer.at_end()) break;
    if (!lexer.consume(",")) return std::unexpected(parse_error("expected ',' between requirements"));
  }
  return selector;
}

bool LabelSelector::matches(const LabelMap& labels) const {
  for (const auto& requirement : requirements_) {
    const std::string* value = find_value(labels, requirement.key);
    auto in_values = [&] {
      return value && std::find(requirement.values.begin(), requirement.values.end(), *value) !=
                          requirement.values.end();
    };
    switch (requirement.op) {
      case Op::kEquals:
      case Op::kIn:
        if (!in_values()) return false;
        break;
      case Op::kNotEquals:
      case Op::kNotIn:
        if (in_values()) return false;
        break;
      case Op::kExists:
        if (!value) return false;
        break;
      case Op::kDoesNotExist:
        if (value) return false;
        break;
      case Op::kGreaterThan:
      case Op::kLessThan: {
        long long have = 0, want = 0;
        if (!value || !parse_integer(*value, have) || !parse_integer(requirement.values[0], want)) return false;
        if (requirement.op == Op::kGreaterThan ? !(have > want) : !(have < want)) return false;
        break;
      }
    }
  }
  return true;
}

ApiResult<FieldSelector> FieldSelector::parse(std::string_view text, const ResourceType& type) {
  FieldSelector selector;
  // Terms are split on unescaped ','; values may escape '\', ',' and '='.
  std::vector<std::string> terms;
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      current.push_back(text[i]);
      current.push_back(text[++i]);
    } else if (text[i] == ',') {
      terms.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(text[i]);
    }
  }
  terms.push_back(std::move(current));
  for (const auto& raw : terms) {
    std::string_view term = raw;
    while (!term.empty() && std::isspace(static_cast<unsigned char>(term.front()))) term.remove_prefix(1);
    while (!term.empty() && std::isspace(static_cast<unsigned char>(term.back()))) term.remove_suffix(1);
    if (term.empty()) {
      if (terms.size() == 1) break;
      return std::unexpected(ApiError::bad_request("invalid field selector: empty term"));
    }
    Term parsed;
    size_t op = term.find_first_of("!=");
    if (op == std::string_view::npos)
      return std::unexpected(ApiError::bad_request("invalid selector: '" + std::string(term) +
                                                   "'; can't understand '" + std::string(term) + "'"));
    parsed.field = std::string(term.substr(0, op));
    std::string_view rest = term.substr(op);
    if (rest.starts_with("!=")) {
      parsed.equals = false;
      rest.remove_prefix(2);
    } else if (rest.starts_with("==")) {
      parsed.equals = true;
      rest.remove_prefix(2);
    } else if (rest.starts_with("=")) {
      parsed.equals = true;
      rest.remove_prefix(1);
    } else {
      return std::unexpected(ApiError::bad_request("invalid selector: '" + std::string(term) + "'"));
    }
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
      parsed.value.push_back(rest[i]);
    }
    bool known = parsed.field == "metadata.name" || parsed.field == "metadata.namespace" ||
                 std::find(type.field_labels.begin(), type.field_labels.end(), parsed.field) != type.field_labels.end();
    if (!known)
      return std::unexpected(ApiError::bad_request("field label not supported: " + parsed.field));
    selector.terms_.push_back(std::move(parsed));
  }
  return selector;
}

bool FieldSelector::matches(const FieldMap& fields) const {
  for (const auto& term : terms_) {
    const std::string* value = find_value(fields, term.field);
    std::string have = value ? *value : "";
    if ((have == term.value) != term.equals) return false;
  }
  return true;
}

}  // namespace pier::testing::kube_double
