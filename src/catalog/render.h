// The whole pipeline from values to checked Kubernetes objects:
// preset + values files + --set -> defaults -> schema validation -> templates
// -> YAML -> identity, scope, names, OpenAPI checks -> standard labels ->
// apply order.
//
//   RenderRequest request{.release_name = "shop-web", .namespace_name = "shop"};
//   request.values.push_back(values_from_file);
//   auto rendered = render_release(app, request, pier::openapi::Schema::builtin());
//   if (!rendered) { std::cerr << rendered.error().describe(); return 2; }
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/app.h"
#include "common/error.h"
#include "manifest/object_checks.h"
#include "openapi/schema.h"

namespace pier::catalog {

struct RenderRequest {
  std::string release_name;             // empty: the app's name
  std::string namespace_name = "default";
  std::optional<std::string> preset;    // nullopt: "default" when the app has one; "": none
  std::vector<nlohmann::json> values;   // layered in order over the preset
  std::vector<std::string> set_values;  // "a.b=c", applied last, typed by the schema
};

struct RenderedRelease {
  nlohmann::json values;                          // the final values, defaults resolved
  std::vector<manifest::SourcedObject> objects;   // checked, labelled, in apply order
};

// Merges the layers, resolves defaults and validates. Errors carry one detail
// per schema problem (JSON pointer, message, rule).
Result<nlohmann::json> resolve_values(const App& app, const RenderRequest& request);

// The same without the schema check: the values of a form still being filled
// in, defaults resolved. Errors: a preset or layer that is wrong, a --set
// that does not type, defaults that cannot resolve (a cycle).
Result<nlohmann::json> resolve_defaults(const App& app, const RenderRequest& request);

Result<RenderedRelease> render_release(const App& app, const RenderRequest& request, const openapi::Schema& schema);

// The names templates and template defaults see besides the values.
nlohmann::json template_extras(const App& app, const RenderRequest& request);

}  // namespace pier::catalog
