#include "cli/catalog_location.h"

#include <unistd.h>

#include <cstdlib>

namespace pier::cli {

namespace fs = std::filesystem;

fs::path default_catalog_dir() {
  if (const char* env = std::getenv("PIER_CATALOG"); env && *env) return env;
  if (fs::is_directory("catalog")) return "catalog";
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "pier" / "catalog";
    if (fs::is_directory(installed)) return installed;
  }
  return "catalog";
}

fs::path app_dir(const std::string& app, const fs::path& catalog_dir) {
  if (app.find('/') != std::string::npos && fs::exists(fs::path(app) / "app.yaml")) return app;
  return catalog_dir / app;
}

}  // namespace pier::cli
