// Which console to talk to and with which token, from the command line and
// the environment:
//
//   server: --server URL, else $PIER_SERVER, else http://127.0.0.1:8080
//   token:  --token T, else --token-file FILE (its contents, trimmed), else $PIER_TOKEN, else none
//
//   ConnectionFlags flags{.token_file = "/run/secrets/pier-token"};
//   auto options = resolve_connection(flags, environment_variable);   // Result<ClientOptions>
//
// An explicit flag wins over the environment: a token file named on the
// command line is used even when PIER_TOKEN is set in the shell.
// Errors never show the token: an unreadable file names the file, a token
// with spaces or control characters (which would break the header) says so.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "console_client/client_options.h"

namespace pier::console_client {

inline constexpr std::string_view kDefaultServer = "http://127.0.0.1:8080";

struct ConnectionFlags {
  std::string server;  // empty: not given
  std::string token;
  std::string token_file;
  std::string ca_file;
  bool insecure_skip_tls_verify = false;
};

// The value of an environment variable, nullopt when unset.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;
std::optional<std::string> environment_variable(std::string_view name);

Result<ClientOptions> resolve_connection(const ConnectionFlags& flags, const EnvironmentLookup& environment);

}  // namespace pier::console_client
