#include "cli/console_flags.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

namespace pier::cli {

void ConsoleFlags::add_to(CLI::App& app) {
  auto* group = "Console";
  app.add_option("--server", connection.server,
                 "URL of pier serve (default: $PIER_SERVER, else " + std::string(console_client::kDefaultServer) + ")")
      ->type_name("URL")
      ->group(group);
  auto* token = app.add_option("--token", connection.token,
                               "API token (visible to other users in the process list: prefer --token-file or "
                               "$PIER_TOKEN)")
                    ->type_name("TOKEN")
                    ->group(group);
  app.add_option("--token-file", connection.token_file, "file holding the API token (without either: $PIER_TOKEN)")
      ->type_name("FILE")
      ->group(group)
      ->excludes(token);
  app.add_option("--ca-file", connection.ca_file, "PEM file of the CA that signed the console's certificate (https)")
      ->type_name("FILE")
      ->group(group);
  app.add_flag("--insecure-skip-tls-verify", connection.insecure_skip_tls_verify,
               "do not check the console's certificate (anyone on the way can read the token)")
      ->group(group);
}

Result<console_client::ConsoleClient> open_console(const ConsoleFlags& flags) {
  auto options = console_client::resolve_connection(flags.connection, console_client::environment_variable);
  if (!options) return fail(options.error());
  if (options->insecure_skip_tls_verify && options->server_url.starts_with("https://"))
    std::cerr << "WARNING: --insecure-skip-tls-verify: the certificate of " << options->server_url
              << " is NOT checked; anyone on the network path can read this traffic, the token included.\n";
  return console_client::ConsoleClient::open(std::move(*options));
}

void ReleaseLocationFlags::add_to(CLI::App& app, bool required) {
  auto* cluster_option =
      app.add_option("--cluster", cluster, required ? "cluster of the release" : "only this cluster");
  auto* namespace_option =
      app.add_option("-n,--namespace", namespace_name, required ? "namespace of the release" : "only this namespace");
  if (required) {
    cluster_option->required();
    namespace_option->required();
  }
}

console_client::TextStyle terminal_style() {
  const char* term = std::getenv("TERM");
  const char* no_color = std::getenv("NO_COLOR");
  bool color = ::isatty(STDOUT_FILENO) && !(no_color && *no_color) && !(term && std::strcmp(term, "dumb") == 0);
  return console_client::TextStyle{.color = color};
}

}  // namespace pier::cli
