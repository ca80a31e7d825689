#include <iostream>

#include "cli/commands.h"
#include "openapi/schema.h"

namespace pier::cli {

Action setup_version(CLI::App& app) {
  auto json_output = std::make_shared<bool>(false);
  app.add_flag("--json", *json_output, "Print as JSON");
  return [json_output] {
    std::string kube = openapi::Schema::builtin().version();
    if (*json_output) {
      std::cout << "{\"version\": \"" << PIER_VERSION << "\", \"commit\": \"" << PIER_COMMIT
                << "\", \"kubernetesSchema\": \"" << kube << "\"}\n";
    } else {
      std::cout << "pier " << PIER_VERSION << " (commit " << PIER_COMMIT << ")\n"
                << "Kubernetes API schema " << kube << "\n";
    }
    return 0;
  };
}

}  // namespace pier::cli
