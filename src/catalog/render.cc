#include "catalog/render.h"

#include <algorithm>

#include "catalog/values.h"
#include "manifest/apply_order.h"
#include "manifest/names.h"
#include "manifest/object_ref.h"
#include "manifest/standard_labels.h"
#include "yamljson/yaml_to_json.h"

namespace pier::catalog {

namespace {

using nlohmann::json;

std::string release_name_of(const App& app, const RenderRequest& request) {
  return request.release_name.empty() ? app.name : request.release_name;
}

Result<void> check_release_identity(const App& app, const RenderRequest& request) {
  std::string name = release_name_of(app, request);
  // Helm's limit: the release name goes into object names with suffixes.
  if (!manifest::is_dns1123_label(name) || name.size() > 53)
    return fail(Error::invalid("release name \"" + name +
                               "\" must be a DNS-1123 label of at most 53 characters (lower case letters, digits, '-')"));
  if (!manifest::is_dns1123_label(request.namespace_name))
    return fail(Error::invalid("namespace \"" + request.namespace_name +
                               "\" must be a DNS-1123 label (lower case letters, digits, '-', at most 63)"));
  return {};
}

Result<json> resolve_values_with(const App& app, const RenderRequest& request, const json& extras);

}  // namespace

json template_extras(const App& app, const RenderRequest& request) {
  // Member by member: an initializer list would build every value twice.
  json extras = json::object();
  json& release = extras["release"];
  release["name"] = release_name_of(app, request);
  release["namespace"] = request.namespace_name;
  json& app_names = extras["app"];
  app_names["name"] = app.name;
  app_names["version"] = app.version;
  return extras;
}

Result<json> resolve_values(const App& app, const RenderRequest& request) {
  return resolve_values_with(app, request, template_extras(app, request));
}

namespace {
Result<json> resolve_defaults_with(const App& app, const RenderRequest& request, const json& extras);
}  // namespace

Result<json> resolve_defaults(const App& app, const RenderRequest& request) {
  return resolve_defaults_with(app, request, template_extras(app, request));
}

namespace {

Result<json> resolve_values_with(const App& app, const RenderRequest& request, const json& extras) {
  auto resolved = resolve_defaults_with(app, request, extras);
  if (!resolved) return resolved;
  auto problems = app.validator.validate(*resolved);
  if (!problems.empty()) return fail(values_error(problems, "values do not match " + app.file("schema.json")));
  return resolved;
}

Result<json> resolve_defaults_with(const App& app, const RenderRequest& request, const json& extras) {
  json values = json::object();
  std::string preset_name = request.preset.value_or(app.presets.contains("default") ? "default" : "");
  if (!preset_name.empty()) {
    auto preset = app.presets.find(preset_name);
    if (preset == app.presets.end()) {
      std::string known;
      for (const auto& [name, _] : app.presets) known += (known.empty() ? "" : ", ") + name;
      return fail(Error::not_found("app " + app.name + " has no preset \"" + preset_name + "\"" +
                                   (known.empty() ? " (it has none)" : " (it has: " + known + ")")));
    }
    values = preset->second;
  }
  for (const auto& layer : request.values) {
    if (!layer.is_object() && !layer.is_null())
      return fail(Error::invalid("values must be a JSON object, got " + std::string(layer.type_name())));
    if (layer.is_object()) merge_values(values, layer);
  }
  for (const auto& expression : request.set_values)
    if (auto r = apply_set(values, expression, app.schema); !r) return fail(r.error());
  for (const char* reserved : kReservedNames)
    if (values.contains(reserved))
      return fail(Error::invalid(std::string("values: \"") + reserved + "\" is reserved for the template context"));

  auto resolved = app.defaults.apply(std::move(values), extras);
  if (!resolved) {
    Error error = resolved.error();
    error.message = app.file("schema.json") + ": " + error.message;
    return fail(std::move(error));
  }
  return resolved;
}

}  // namespace

Result<RenderedRelease> render_release(const App& app, const RenderRequest& request, const openapi::Schema& schema) {
  if (auto r = check_release_identity(app, request); !r) return fail(r.error());
  json extras = template_extras(app, request);
  auto values = resolve_values_with(app, request, extras);
  if (!values) return fail(values.error());

  RenderedRelease release;
  release.values = std::move(*values);
  {
    // The templates see the values plus release and app: lend the values
    // object those two names while rendering rather than copying it.
    struct LentNames {
      json& values;
      ~LentNames() {
        for (const char* reserved : kReservedNames) values.erase(reserved);
      }
    } lent{release.values};
    for (auto it = extras.begin(); it != extras.end(); ++it) release.values[it.key()] = std::move(*it);

    for (const auto& file : app.templates) {
      auto text = file.compiled.render(release.values);
      if (!text) return fail(text.error());
      auto documents = yamljson::parse_yaml_documents(*text, file.display + " (rendered)");
      if (!documents) return fail(documents.error());
      for (size_t i = 0; i < documents->size(); ++i) {
        auto& doc = (*documents)[i];
        if (doc.value.is_null()) continue;  // an empty document: a branch of the template that produced nothing
        release.objects.push_back(
            {std::move(doc.value), file.display + " (document " + std::to_string(i + 1) + ")", file.origin});
      }
    }
  }

  auto problems = manifest::check_objects(release.objects, schema);
  if (!problems.empty()) {
    Error error = Error::invalid("rendered objects of " + app.name + " are not valid Kubernetes objects: " +
                                 std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems"));
    error.details = std::move(problems);
    return fail(std::move(error));
  }
  manifest::StandardLabels labels{app.name, release_name_of(app, request), app.version};
  for (auto& o : release.objects) manifest::add_standard_labels(o.object, labels);
  // Apply order: rank each object once, then move each object once.
  std::vector<std::pair<int, size_t>> order;
  order.reserve(release.objects.size());
  for (size_t i = 0; i < release.objects.size(); ++i) {
    const json& object = release.objects[i].object;
    auto kind = object.find("kind");
    order.emplace_back(manifest::apply_rank(kind != object.end() && kind->is_string() ? kind->get_ref<const std::string&>() : ""), i);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<manifest::SourcedObject> sorted;
  sorted.reserve(order.size());
  for (const auto& [_, i] : order) sorted.push_back(std::move(release.objects[i]));
  release.objects = std::move(sorted);
  return release;
}

}  // namespace pier::catalog
