// Every release a filter matches, page after page:
// GET /api/v1/releases?cluster=&namespace=&app=&status=&q=&limit=500, then
// &after=<next> until the answer's "next" is null or absent. `page_size` is
// the limit asked for (the console's maximum is 500).
//
//   auto releases = list_releases(client, {.cluster = "prod-bj", .app = "jetty"});
//   for (const nlohmann::json& release : *releases) ...
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "console_client/console_client.h"

namespace pier::console_client {

struct ReleaseFilter {  // empty: any
  std::string cluster;
  std::string namespace_name;
  std::string app;
  std::string status;  // pending, deployed, failed, superseded, interrupted
  std::string search;  // part of a release name
};

inline constexpr int kReleasePageSize = 500;

Result<std::vector<nlohmann::json>> list_releases(ConsoleClient& client, const ReleaseFilter& filter,
                                                  int page_size = kReleasePageSize);

}  // namespace pier::console_client
