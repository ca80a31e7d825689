#include "console_client/connection_settings.h"

#include <cstdlib>

#include "common/files.h"

namespace pier::console_client {

namespace {

std::string trimmed(std::string_view text) {
  const char* kSpace = " \t\r\n";
  std::size_t start = text.find_first_not_of(kSpace);
  if (start == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(kSpace);
  return std::string(text.substr(start, end - start + 1));
}

// A bearer token is printable ASCII without spaces (RFC 6750's b64token is
// narrower still); anything else would break or add an HTTP header.
bool is_sendable_token(std::string_view token) {
  for (char c : token)
    if (c <= ' ' || c > '~') return false;
  return true;
}

struct TokenChoice {
  std::string token;
  std::string source;  // for messages: "--token", "--token-file /path", "PIER_TOKEN"
};

Result<TokenChoice> choose_token(const ConnectionFlags& flags, const EnvironmentLookup& environment) {
  if (!flags.token.empty()) return TokenChoice{trimmed(flags.token), "--token"};
  if (!flags.token_file.empty()) {
    auto text = read_file(flags.token_file);
    if (!text) return fail(Error::make(text.error().code, "--token-file: " + text.error().message));
    std::string token = trimmed(*text);
    if (token.empty()) return fail(Error::invalid("--token-file " + flags.token_file + ": the file is empty"));
    return TokenChoice{std::move(token), "--token-file " + flags.token_file};
  }
  if (auto from_environment = environment("PIER_TOKEN"); from_environment && !trimmed(*from_environment).empty())
    return TokenChoice{trimmed(*from_environment), "PIER_TOKEN"};
  return TokenChoice{};
}

}  // namespace

std::optional<std::string> environment_variable(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

Result<ClientOptions> resolve_connection(const ConnectionFlags& flags, const EnvironmentLookup& environment) {
  ClientOptions options;
  std::string server = flags.server;
  std::string server_source = "--server";
  if (server.empty()) {
    if (auto from_environment = environment("PIER_SERVER"); from_environment && !trimmed(*from_environment).empty()) {
      server = trimmed(*from_environment);
      server_source = "PIER_SERVER";
    } else {
      server = kDefaultServer;
    }
  }
  while (server.ends_with('/')) server.pop_back();
  std::size_t scheme_end = server.find("://");
  bool http = server.starts_with("http://") || server.starts_with("https://");
  if (!http || scheme_end + 3 >= server.size())
    return fail(Error::invalid(server_source + " \"" + server + "\": expected http://HOST:PORT or https://HOST:PORT"));
  options.server_url = std::move(server);

  auto token = choose_token(flags, environment);
  if (!token) return fail(token.error());
  if (!is_sendable_token(token->token))
    return fail(Error::invalid(token->source + ": the token has spaces or control characters inside"));
  options.token = std::move(token->token);

  options.ca_file = flags.ca_file;
  options.insecure_skip_tls_verify = flags.insecure_skip_tls_verify;
  return options;
}

}  // namespace pier::console_client
