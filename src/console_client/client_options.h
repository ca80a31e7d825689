// Where the console is and how to talk to it: what ConsoleClient needs.
//
//   ClientOptions options{.server_url = "https://pier.example:8443", .token = token,
//                         .ca_file = "/etc/pier/ca.crt"};
//
// Usually made by resolve_connection() (connection_settings.h) from the
// command line and the environment.
#pragma once

#include <chrono>
#include <string>

namespace pier::console_client {

struct ClientOptions {
  std::string server_url = "http://127.0.0.1:8080";  // http(s)://host:port[/prefix]
  std::string token;                                 // bearer token; empty: none sent
  std::string ca_file;                               // PEM CA bundle for https; empty: the system's
  bool insecure_skip_tls_verify = false;             // the caller warns the user: nothing checks the server
  // A whole request; for an event stream, the longest silence (the server
  // sends a keepalive every 15 s).
  std::chrono::milliseconds timeout{60'000};
  std::chrono::milliseconds connect_timeout{10'000};

  // Following events: how often to reconnect in a row without receiving a
  // new event before giving up, and the first wait (doubling, at most
  // max_reconnect_delay; the server's `retry:` replaces the first wait).
  int max_reconnects = 5;
  std::chrono::milliseconds reconnect_delay{500};
  std::chrono::milliseconds max_reconnect_delay{5'000};
};

}  // namespace pier::console_client
