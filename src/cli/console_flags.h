// The flags every command that talks to the console (`pier serve`) shares:
// where it is (--server, $PIER_SERVER), the token (--token, --token-file,
// $PIER_TOKEN), TLS (--ca-file, --insecure-skip-tls-verify); and the
// release's --cluster and -n/--namespace.
//
//   ConsoleFlags console;
//   console.add_to(app);
//   auto client = open_console(console);   // Result<ConsoleClient>
#pragma once

#include <CLI/CLI.hpp>

#include "common/error.h"
#include "console_client/api_paths.h"
#include "console_client/connection_settings.h"
#include "console_client/console_client.h"
#include "console_client/text_style.h"

namespace pier::cli {

struct ConsoleFlags {
  console_client::ConnectionFlags connection;

  void add_to(CLI::App& app);
};

// The client for the chosen console; warns on stderr when TLS is not verified.
Result<console_client::ConsoleClient> open_console(const ConsoleFlags& flags);

// --cluster and -n/--namespace of a release (or of a filter, when optional).
struct ReleaseLocationFlags {
  std::string cluster;
  std::string namespace_name;

  void add_to(CLI::App& app, bool required);
  console_client::ReleaseRef release(const std::string& name) const { return {cluster, namespace_name, name}; }
};

// Colour on standard output when it is a terminal, NO_COLOR is unset and TERM is not "dumb".
console_client::TextStyle terminal_style();

}  // namespace pier::cli
