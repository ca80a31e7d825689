// Offline validation of Kubernetes objects against an OpenAPI v2 document, as
// strict as `kubectl apply --validate=strict`: unknown fields and wrong types
// are errors, and so are missing required fields and malformed quantities.
// Every problem is reported, each with the path of its field.
//
//   const auto& schema = pier::openapi::Schema::builtin();  // Kubernetes v1.35.0, compiled in
//   for (const auto& p : schema.validate(deployment))
//     std::cerr << to_string(p) << "\n";  // spec.replicas: expected integer, got string "3"
//
// A Schema is immutable; one may be shared by any number of threads.
//
// Decisions where JSON, YAML and Go's decoding leave a choice:
// - Integers: a float with no fractional part (3.0, 1e3) is accepted, since
//   kubectl turns YAML into JSON through float64 and 3.0 reaches the server
//   as 3; 2.5 is an error, and so is a value outside int32 / int64.
// - null as the value of an optional field is accepted (Go decodes it as the
//   zero value); as the value of a required field it is "required field is
//   null". null as an array element or map value (`labels: {a: }` in YAML) is
//   an error unless the schema allows anything there: Go would quietly turn it
//   into "" or a zero object, which is almost never what was meant.
// - Booleans are only true and false, never "true".
// - Quantities: a string in quantity syntax (surrounding whitespace ignored, as
//   the server does) or any JSON number.
// - int-or-string: a string, or an integer in int32.
// - format byte (Secret data): the string must be standard padded base64.
// - date-time (Time, MicroTime): any string.
// - An object schema with neither properties nor additionalProperties
//   (FieldsV1, RawExtension) takes any object; a schema without a type
//   (apiextensions JSON) takes any value.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::openapi {

struct KindInfo {
  std::string definition;  // "io.k8s.api.apps.v1.Deployment"
  bool namespaced = false;
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
};

struct Problem {
  std::string path;  // "spec.template.spec.containers[0].resources.limits.cpu"; "" for the object itself
  std::string message;
};

// "path: message", or the message alone when the path is empty.
std::string to_string(const Problem& problem);

class Schema {
 public:
  // The Kubernetes v1.35.0 document, compiled into the binary: costs nothing
  // to load.
  static const Schema& builtin();

  // A document served by a cluster at /openapi/v2, custom resources included.
  // Errors: the file cannot be read; `file:line:column` of a JSON syntax error;
  // not an OpenAPI v2 document. If info.version is missing or "unversioned",
  // version() takes a "v1.2.3" found in the file name.
  static Result<Schema> from_file(const std::filesystem::path& path);
  static Result<Schema> from_json(const nlohmann::json& document);

  // ("apps/v1", "Deployment"), ("v1", "Service"); nullopt when the document
  // has no such kind.
  std::optional<KindInfo> find_kind(std::string_view api_version, std::string_view kind) const;

  // Every problem of `object`, field by field in the order the JSON object
  // holds its keys (sorted, for nlohmann::json); within an object, missing
  // required fields come after the fields present. An
  // apiVersion/kind the document does not know is one problem at "kind".
  std::vector<Problem> validate(const nlohmann::json& object) const;

  // "v1.35.0": info.version of the document.
  std::string version() const;

 private:
  struct Impl;
  explicit Schema(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

  std::shared_ptr<const Impl> impl_;
};

}  // namespace pier::openapi
