// pier diff R REV1 REV2 --cluster C -n NS [-o text|json]
#include <iostream>

#include "cli/commands.h"
#include "common/url_encoding.h"
#include "cli/console_flags.h"
#include "console_client/diff_text.h"

namespace pier::cli {

namespace {

struct DiffFlags {
  ConsoleFlags console;
  ReleaseLocationFlags location;
  std::string name;
  long long from = 0;
  long long to = 0;
  std::string output = "text";
};

int run_diff(const DiffFlags& flags) {
  auto client = open_console(flags.console);
  if (!client) return report_error(client.error());
  std::string path =
      console_client::release_path(flags.location.release(flags.name), "diff") +
      encode_query({{"from", std::to_string(flags.from)}, {"to", std::to_string(flags.to)}});
  auto diff = client->get(path);
  if (!diff) return report_error(diff.error());
  if (flags.output == "json")
    std::cout << diff->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    std::cout << console_client::format_diff(*diff, terminal_style());
  return 0;
}

}  // namespace

Action setup_diff(CLI::App& app) {
  auto flags = std::make_shared<DiffFlags>();
  app.add_option("release", flags->name, "release name")->required();
  app.add_option("from", flags->from, "the older revision")->required()->check(CLI::PositiveNumber);
  app.add_option("to", flags->to, "the newer revision")->required()->check(CLI::PositiveNumber);
  flags->location.add_to(app, /*required=*/true);
  app.add_option("-o,--output", flags->output, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  flags->console.add_to(app);
  app.footer(
      "Values and objects that differ between two revisions, as unified diffs; secrets are masked by the console.\n"
      "Example: pier diff web 3 4 --cluster prod-bj -n shop");
  return [flags] { return run_diff(*flags); };
}

}  // namespace pier::cli
