// Where the app catalog is when `--catalog` is not given: $PIER_CATALOG, else
// ./catalog, else <prefix>/share/pier/catalog beside the installed binary.
#pragma once

#include <filesystem>
#include <string>

namespace pier::cli {

std::filesystem::path default_catalog_dir();

// An app argument is either a folder holding an app.yaml or a name in the catalog.
std::filesystem::path app_dir(const std::string& app, const std::filesystem::path& catalog_dir);

}  // namespace pier::cli
