// pier history R --cluster C -n NS [-o table|json]
#include <iostream>

#include "cli/commands.h"
#include "cli/console_flags.h"
#include "cli/table.h"
#include "console_client/release_table.h"

namespace pier::cli {

namespace {

struct HistoryFlags {
  ConsoleFlags console;
  ReleaseLocationFlags location;
  std::string name;
  std::string output = "table";
};

int run_history(const HistoryFlags& flags) {
  auto client = open_console(flags.console);
  if (!client) return report_error(client.error());
  auto revisions = client->get(console_client::release_path(flags.location.release(flags.name), "revisions"));
  if (!revisions) return report_error(revisions.error());
  if (!revisions->is_array())
    return report_error(Error::internal("the console's answer for the revisions is not a list"));
  if (flags.output == "json") {
    std::cout << revisions->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::cout << format_table(console_client::revision_rows(*revisions));
  return 0;
}

}  // namespace

Action setup_history(CLI::App& app) {
  auto flags = std::make_shared<HistoryFlags>();
  app.add_option("release", flags->name, "release name")->required();
  flags->location.add_to(app, /*required=*/true);
  app.add_option("-o,--output", flags->output, "output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  flags->console.add_to(app);
  app.footer("Newest revision first.\nExample: pier history web --cluster prod-bj -n shop");
  return [flags] { return run_history(*flags); };
}

}  // namespace pier::cli
