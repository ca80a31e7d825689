// pier releases [--cluster C] [-n NS] [--app A] [--status S] [-q SEARCH] [-o table|json]
#include <iostream>

#include "cli/commands.h"
#include "cli/console_flags.h"
#include "cli/table.h"
#include "console_client/release_list.h"
#include "console_client/release_table.h"

namespace pier::cli {

namespace {

struct ReleasesFlags {
  ConsoleFlags console;
  ReleaseLocationFlags location;
  console_client::ReleaseFilter filter;
  std::string output = "table";
};

int run_releases(ReleasesFlags flags) {
  auto client = open_console(flags.console);
  if (!client) return report_error(client.error());
  flags.filter.cluster = flags.location.cluster;
  flags.filter.namespace_name = flags.location.namespace_name;
  auto releases = console_client::list_releases(*client, flags.filter);
  if (!releases) return report_error(releases.error());
  if (flags.output == "json") {
    std::cout << nlohmann::json(*releases).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (releases->empty()) {
    std::cerr << "no releases found\n";
    return 0;
  }
  std::cout << format_table(console_client::release_rows(*releases));
  return 0;
}

}  // namespace

Action setup_releases(CLI::App& app) {
  auto flags = std::make_shared<ReleasesFlags>();
  flags->location.add_to(app, /*required=*/false);
  app.add_option("--app", flags->filter.app, "only releases of this catalog app");
  app.add_option("--status", flags->filter.status, "only releases whose latest revision has this status")
      ->check(CLI::IsMember({"pending", "deployed", "failed", "superseded", "interrupted"}));
  app.add_option("-q,--search", flags->filter.search, "only releases whose name contains this text");
  app.add_option("-o,--output", flags->output, "output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  flags->console.add_to(app);
  app.footer(
      "Each release's latest revision; STATUS says when an operation is running on it.\n"
      "Example: pier releases --cluster prod-bj --app jetty --status failed");
  return [flags] { return run_releases(*flags); };
}

}  // namespace pier::cli
