// Packs an OpenAPI v2 document (the JSON served at a cluster's /openapi/v2,
// or Kubernetes' swagger.json) into the tables validation walks
// (packed_document.h): `$ref`s resolved, names pooled, descriptions dropped.
// The same code packs the builtin document at build time
// (tools/openapi_pack) and a user's document at run time.
//
//   auto packed = pack_document(json, "v1.35.0");
//   if (!packed) return fail(packed.error());
//   PackedDocument doc = packed->view();
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "openapi/packed_document.h"

namespace pier::openapi {

inline constexpr std::string_view kQuantityDefinition = "io.k8s.apimachinery.pkg.api.resource.Quantity";

// `fallback_version` is used when `info.version` is missing or "unversioned"
// (as in the swagger.json of the Kubernetes repository). Fails on what cannot
// be validated against: no `definitions`, a `$ref` that does not resolve to
// one of them, `properties` or `required` of the wrong shape.
Result<PackedStorage> pack_document(const nlohmann::json& document, std::string_view fallback_version = {});

// "v1.35.0" from "swagger-v1.35.0.json"; "" when the name holds no vX.Y.Z.
std::string version_in_file_name(std::string_view file_name);

}  // namespace pier::openapi
