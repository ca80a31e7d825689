#include "cli/commands.h"

#include <iostream>

namespace pier::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"render", "Render a catalog app with values into validated Kubernetes manifests", setup_render},
      {"catalog", "Inspect and lint the app catalog", setup_catalog},
      {"version", "Print the version of pier and of its Kubernetes API schema", setup_version},
  };
  return table;
}

int report_error(const Error& error) {
  std::cerr << "pier: error: " << error.describe() << "\n";
  return exit_code_for(error);
}

}  // namespace pier::cli
