// Rendered objects out: one YAML stream, one JSON `List`, or one file per
// object in a folder (written atomically, named so that `kubectl apply -f DIR`
// applies them in order).
//
//   std::cout << format_objects(objects, OutputFormat::kYaml);
//   auto files = write_objects_to_dir(objects, OutputFormat::kYaml, "out/");
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"
#include "manifest/object_checks.h"

namespace pier::manifest {

enum class OutputFormat { kYaml, kJson };

// YAML: documents separated by `---`, each after a `# Source: ...` comment.
// JSON: `{"apiVersion": "v1", "kind": "List", "items": [...]}`, indented by 2.
std::string format_objects(const std::vector<SourcedObject>& objects, OutputFormat format);

// "03-deployment-web.yaml": position in apply order, kind, namespace when set, name.
std::string object_file_name(size_t index, size_t count, const nlohmann::json& object, OutputFormat format);

// Writes one file per object into `dir` (created if missing), each through a
// temporary file and a rename. Other files in `dir` are left alone. Returns the
// paths written.
Result<std::vector<std::filesystem::path>> write_objects_to_dir(const std::vector<SourcedObject>& objects,
                                                                OutputFormat format, const std::filesystem::path& dir);

}  // namespace pier::manifest
