#include "openapi/schema.h"

#include <algorithm>
#include <set>

#include "common/files.h"
#include "common/text_position.h"
#include "openapi/pack.h"
#include "openapi/packed_document.h"
#include "common/suggest.h"
#include "openapi/validator.h"

namespace pier::openapi {

struct Schema::Impl {
  PackedStorage storage;  // empty for the builtin document, whose tables are static
  PackedDocument doc;
};

namespace {

using nlohmann::json;

struct ApiVersion {
  std::string_view group, version;
};

// "apps/v1" -> {apps, v1}; "v1" -> {"", v1} (the core group).
std::optional<ApiVersion> split_api_version(std::string_view api_version) {
  const auto slash = api_version.find('/');
  if (slash == std::string_view::npos) {
    if (api_version.empty()) return std::nullopt;
    return ApiVersion{{}, api_version};
  }
  ApiVersion out{api_version.substr(0, slash), api_version.substr(slash + 1)};
  if (out.group.empty() || out.version.empty() || out.version.find('/') != std::string_view::npos) return std::nullopt;
  return out;
}

std::string api_version_of(std::string_view group, std::string_view version) {
  return group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
}

std::string quote(std::string_view s) { return json(s).dump(-1, ' ', false, json::error_handler_t::replace); }

std::string join(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

// Why ("apps/v1", "Deploymnt") finds no schema, and what would.
std::string describe_unknown_kind(const PackedDocument& doc, std::string_view api_version, std::string_view kind) {
  // Kinds the API serves; List kinds, DeleteOptions and the like only
  // clutter the hints. A document without paths serves nothing: show all.
  const bool any_served = std::any_of(doc.kinds.begin(), doc.kinds.end(), [](const PackedKind& k) { return k.served; });
  auto shown = [&](const PackedKind& k) { return k.served || !any_served; };

  std::string message = "no kind " + quote(kind) + " in " + std::string(api_version);
  const auto gv = split_api_version(api_version);
  std::vector<std::string_view> same_gv;       // kinds of this group/version
  std::set<std::string_view> versions_of_group;  // versions of this group
  std::vector<std::string> elsewhere;          // this kind in other group/versions
  for (const PackedKind& k : doc.kinds) {
    if (!shown(k)) continue;
    const bool same_group = gv && doc.str(k.group) == gv->group;
    if (same_group) versions_of_group.insert(doc.str(k.version));
    if (same_group && doc.str(k.version) == gv->version) same_gv.push_back(doc.str(k.kind));
    if (doc.str(k.kind) == kind) elsewhere.push_back(api_version_of(doc.str(k.group), doc.str(k.version)));
  }
  if (!gv) {
    message += ": apiVersion must be \"group/version\", or \"version\" for the core group";
  } else if (!same_gv.empty()) {
    if (auto best = closest_name(kind, same_gv)) message += " (did you mean " + quote(*best) + "?)";
    message += "; known kinds in " + std::string(api_version) + ": " + join(same_gv);
  } else if (!versions_of_group.empty()) {
    message += ": version " + quote(gv->version) + " of " +
               (gv->group.empty() ? std::string("the core group") : "group " + quote(gv->group)) +
               " is unknown; known versions: " +
               join(std::vector<std::string_view>(versions_of_group.begin(), versions_of_group.end()));
  } else {
    message += ": API group " + quote(gv->group) + " is not in the OpenAPI document (" + std::string(doc.version) +
               "); for a custom resource, validate against the cluster's /openapi/v2";
  }
  if (!elsewhere.empty()) {
    message += "; kind " + quote(kind) + " is served as apiVersion " +
               join(std::vector<std::string_view>(elsewhere.begin(), elsewhere.end()));
  }
  return message;
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax
// error ..." -> "syntax error ...": the position is reported our way.
std::string parse_error_detail(const std::string& what) {
  const auto at = what.find("parse error");
  const auto colon = at == std::string::npos ? std::string::npos : what.find(": ", at);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// "[json.exception.out_of_range.406] number overflow ..." -> "number overflow ..."
std::string without_exception_id(const std::string& what) {
  const auto close = what.starts_with("[json.exception.") ? what.find("] ") : std::string::npos;
  return close == std::string::npos ? what : what.substr(close + 2);
}

}  // namespace

std::string to_string(const Problem& problem) {
  return problem.path.empty() ? problem.message : problem.path + ": " + problem.message;
}

const Schema& Schema::builtin() {
  static const Schema schema(std::make_shared<const Impl>(Impl{{}, builtin_packed_document()}));
  return schema;
}

Result<Schema> Schema::from_json(const json& document) {
  auto packed = pack_document(document);
  if (!packed) return fail(packed.error());
  auto impl = std::make_shared<Impl>();
  impl->storage = std::move(*packed);
  impl->doc = impl->storage.view();
  return Schema(std::move(impl));
}

Result<Schema> Schema::from_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  json document;
  try {
    document = json::parse(*text);
  } catch (const json::parse_error& e) {
    const auto pos = position_of(*text, e.byte == 0 ? 0 : e.byte - 1);
    return fail(Error::invalid(format_position(path.string(), pos) + ": invalid JSON: " + parse_error_detail(e.what())));
  } catch (const json::exception& e) {  // e.g. a number too large for a double
    return fail(Error::invalid(path.string() + ": invalid JSON: " + without_exception_id(e.what())));
  }
  auto packed = pack_document(document, version_in_file_name(path.filename().string()));
  if (!packed) return fail(Error::invalid(path.string() + ": " + packed.error().message));
  auto impl = std::make_shared<Impl>();
  impl->storage = std::move(*packed);
  impl->doc = impl->storage.view();
  return Schema(std::move(impl));
}

std::optional<KindInfo> Schema::find_kind(std::string_view api_version, std::string_view kind) const {
  const PackedDocument& doc = impl_->doc;
  const auto gv = split_api_version(api_version);
  if (!gv) return std::nullopt;
  const PackedKind* k = find_packed_kind(doc, gv->group, gv->version, kind);
  if (k == nullptr) return std::nullopt;
  return KindInfo{std::string(doc.str(doc.definitions[k->definition].name)), k->namespaced, std::string(gv->group),
                  std::string(gv->version), std::string(kind)};
}

std::vector<Problem> Schema::validate(const json& object) const {
  const PackedDocument& doc = impl_->doc;
  std::vector<Problem> problems;
  if (!object.is_object()) {
    problems.push_back({"", "expected an object with apiVersion and kind, got " + describe_value(object)});
    return problems;
  }
  for (const char* field : {"apiVersion", "kind"}) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
      problems.push_back({field, "required field missing"});
    } else if (!it->is_string()) {
      problems.push_back({field, "expected string, got " + describe_value(*it)});
    }
  }
  if (!problems.empty()) return problems;
  const auto& api_version = object["apiVersion"].get_ref<const std::string&>();
  const auto& kind = object["kind"].get_ref<const std::string&>();
  const auto gv = split_api_version(api_version);
  const PackedKind* k = gv ? find_packed_kind(doc, gv->group, gv->version, kind) : nullptr;
  if (k == nullptr) {
    problems.push_back({"kind", describe_unknown_kind(doc, api_version, kind)});
    return problems;
  }
  validate_value(doc, doc.definitions[k->definition].node, object, problems);
  return problems;
}

std::string Schema::version() const { return std::string(impl_->doc.version); }

}  // namespace pier::openapi
