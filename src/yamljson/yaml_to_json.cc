#include "yamljson/yaml_to_json.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "common/text_position.h"
#include "yamljson/fast_yaml.h"
#include "yamljson/scalar_resolve.h"

namespace pier::yamljson {

namespace {

// Aliases can make a small text expand into a huge tree ("billion laughs");
// refuse documents that expand past this many nodes.
constexpr size_t kMaxNodes = 2'000'000;
constexpr int kMaxDepth = 256;

struct Converter {
  std::string_view file;
  size_t nodes = 0;
  std::string error;

  std::string where(const YAML::Mark& mark) const {
    if (mark.is_null()) return std::string(file);
    return std::string(file) + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }

  bool set_error(const YAML::Node& node, const std::string& message) {
    if (error.empty()) error = where(node.Mark()) + ": " + message;
    return false;
  }

  bool scalar(const YAML::Node& node, nlohmann::json& out) {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    if (tag == "?" || tag.empty()) {
      out = resolve_plain_scalar(text);
    } else if (tag == "!" || tag == "tag:yaml.org,2002:str") {
      out = text;
    } else if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
               tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
      out = resolve_plain_scalar(text);
      bool ok = (tag.ends_with("int") && out.is_number_integer()) || (tag.ends_with("float") && out.is_number()) ||
                (tag.ends_with("bool") && out.is_boolean()) || (tag.ends_with("null") && out.is_null());
      if (!ok) return set_error(node, "\"" + text + "\" is not a valid " + tag.substr(tag.rfind(':') + 1));
    } else {
      return set_error(node, "unsupported tag \"" + tag + "\" (only !!str, !!int, !!float, !!bool, !!null)");
    }
    if (out.is_number_float() && !std::isfinite(out.get<double>()))
      return set_error(node, "\"" + text + "\" (infinity or NaN) cannot be represented in JSON");
    return true;
  }

  bool convert(const YAML::Node& node, nlohmann::json& out, int depth) {
    if (++nodes > kMaxNodes) return set_error(node, "document expands to more than 2000000 nodes (alias bomb?)");
    if (depth > kMaxDepth) return set_error(node, "nesting deeper than 256 levels");
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out = nullptr;
        return true;
      case YAML::NodeType::Scalar:
        return scalar(node, out);
      case YAML::NodeType::Sequence: {
        out = nlohmann::json::array();
        for (const auto& item : node) {
          nlohmann::json value;
          if (!convert(item, value, depth + 1)) return false;
          out.push_back(std::move(value));
        }
        return true;
      }
      case YAML::NodeType::Map: {
        out = nlohmann::json::object();
        for (const auto& entry : node) {
          const YAML::Node& key_node = entry.first;
          std::string key;
          if (key_node.IsScalar()) {
            key = key_node.Scalar();
          } else if (key_node.IsNull()) {
            return set_error(key_node, "a mapping key is empty (null)");
          } else {
            return set_error(key_node, "a mapping key must be a scalar, not a sequence or mapping");
          }
          if (key == "<<" && (key_node.Tag() == "?" || key_node.Tag().empty()))
            return set_error(key_node, "merge keys (<<) are not supported");
          if (out.contains(key)) return set_error(key_node, "duplicate key \"" + key + "\"");
          nlohmann::json value;
          if (!convert(entry.second, value, depth + 1)) return false;
          out.emplace(std::move(key), std::move(value));
        }
        return true;
      }
    }
    return set_error(node, "unknown node type");
  }
};

// yaml-cpp 0.7's LoadAll loops forever, allocating, when a document starts
// with a token its parser does not consume (a stray ',': yaml-cpp issue
// #1040). This handler builds nothing; it only watches that every document
// starts further into the text than the one before.
class ProgressCheck : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (started_ && mark.pos <= last_pos_) stuck_ = mark;
    started_ = true;
    last_pos_ = mark.pos;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  std::optional<YAML::Mark> stuck_;

 private:
  bool started_ = false;
  int last_pos_ = -1;
};

// yaml-cpp reports "line" and "column" 0-based in its exceptions.
Error parser_error(std::string_view file, const YAML::Exception& e) {
  std::string location(file);
  if (!e.mark.is_null()) location += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
  return Error::invalid(location + ": invalid YAML: " + e.msg);
}

}  // namespace

Result<std::vector<YamlDocument>> parse_yaml_documents(std::string_view text, std::string_view file_name) {
  if (auto documents = parse_simple_yaml(text)) return std::move(*documents);
  return parse_yaml_documents_with_yaml_cpp(text, file_name);
}

Result<std::vector<YamlDocument>> parse_yaml_documents_with_yaml_cpp(std::string_view text,
                                                                     std::string_view file_name) {
  // YAML allows no C0 control character but tab, LF and CR, nor DEL; and
  // yaml-cpp 0.7 can loop forever on a NUL byte. Refuse them up front.
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", c);
      return fail(Error::invalid(format_position(file_name, position_of(text, i)) + ": invalid YAML: control character " +
                                 code + " is not allowed"));
    }
  }
  std::vector<YAML::Node> nodes;
  try {
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    ProgressCheck check;
    while (!check.stuck_ && parser.HandleNextDocument(check)) {
    }
    if (check.stuck_)
      return fail(Error::invalid(std::string(file_name) + ":" + std::to_string(check.stuck_->line + 1) + ":" +
                                 std::to_string(check.stuck_->column + 1) +
                                 ": invalid YAML: unexpected character where a document should start"));
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return fail(parser_error(file_name, e));
  } catch (const std::exception& e) {
    return fail(Error::invalid(std::string(file_name) + ": invalid YAML: " + e.what()));
  }
  std::vector<YamlDocument> documents;
  documents.reserve(nodes.size());
  Converter converter{file_name};
  for (const auto& node : nodes) {
    YamlDocument doc;
    doc.line = node.Mark().is_null() ? 1 : node.Mark().line + 1;
    try {
      if (!converter.convert(node, doc.value, 0)) return fail(Error::invalid(converter.error));
    } catch (const YAML::Exception& e) {
      return fail(parser_error(file_name, e));
    }
    documents.push_back(std::move(doc));
  }
  return documents;
}

Result<nlohmann::json> parse_yaml(std::string_view text, std::string_view file_name) {
  auto documents = parse_yaml_documents(text, file_name);
  if (!documents) return fail(documents.error());
  if (documents->size() > 1)
    return fail(Error::invalid(std::string(file_name) + ":" + std::to_string((*documents)[1].line) +
                               ": expected one YAML document, found " + std::to_string(documents->size())));
  if (documents->empty()) return nlohmann::json(nullptr);
  return std::move(documents->front().value);
}

}  // namespace pier::yamljson
