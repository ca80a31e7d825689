// The catalog apps the console offers, loaded and compiled once at start.
//
//   auto catalog = AppCatalog::load("catalog");
//   const catalog::App* jetty = catalog->find("jetty");
//   auto app = catalog->require("jety");   // kNotFound: no app "jety" in the catalog; did you mean "jetty"?
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "catalog/app.h"
#include "common/error.h"

namespace pier::console {

class AppCatalog {
 public:
  // Every app of the directory; the first app that does not load is the error.
  static Result<AppCatalog> load(const std::filesystem::path& catalog_dir);

  const std::vector<std::unique_ptr<catalog::App>>& apps() const { return apps_; }
  const catalog::App* find(std::string_view name) const;
  Result<const catalog::App*> require(std::string_view name) const;

 private:
  std::vector<std::unique_ptr<catalog::App>> apps_;  // by name
};

}  // namespace pier::console
