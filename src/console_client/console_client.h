// The client of the console's REST API (`pier serve`, docs/api/openapi.yaml):
// JSON in and out, errors as pier::Error, and an operation's live events.
//
//   ConsoleClient client(ClientOptions{.server_url = "http://127.0.0.1:8080", .token = token});
//   auto releases = client.get("/api/v1/releases?limit=500");       // Result<json>
//   auto started = client.post(release_path(ref, "deploy"), body);  // 202 {"operation", "revision"}
//   auto operation = client.follow_events(id, "", [](const OperationEvent& e) { show(e); });
//   // the final Operation, from the stream's `end` event
//
// Errors (api_error.h): 422 -> kInvalidInput with the server's details, 401/403
// kDenied, 404 kNotFound, 409 kConflict, 503 and connection failures
// kUnavailable (Retry::kYes). The token never appears in an error.
//
// follow_events reads GET /api/v1/operations/{id}/events as Server-Sent
// Events until the `end` event, whose data is the Operation. When the
// connection drops (or the server ends the stream) before that, it
// reconnects with Last-Event-ID after a short wait, up to
// ClientOptions::max_reconnects times in a row without a new event, so
// each event reaches the callback once and in order; an event the server
// repeats (an id not above the last one delivered) is skipped.
//
// One request at a time per client (calls from several threads take turns).
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/error.h"
#include "console_client/client_options.h"

namespace pier::console_client {

class CurlHttp;

// One event of an operation: the SSE `event:` (its type), `id:` (its seq)
// and data (the Event JSON: seq, time, type, message, ...).
struct OperationEvent {
  std::string type;
  std::string id;
  nlohmann::json data;
};

using EventCallback = std::function<void(const OperationEvent&)>;

class ConsoleClient {
 public:
  // kInvalidInput when the server URL is not http(s).
  static Result<ConsoleClient> open(ClientOptions options);
  ~ConsoleClient();
  ConsoleClient(ConsoleClient&&) noexcept;
  ConsoleClient& operator=(ConsoleClient&&) noexcept;

  // `path_and_query` starts with "/api/v1/" and is already percent-encoded
  // (api_paths.h). A 2xx answer's JSON (null for an empty body).
  Result<nlohmann::json> get(std::string_view path_and_query);
  Result<nlohmann::json> post(std::string_view path, const nlohmann::json& body);

  // Follows an operation's events from after `last_event_id` ("" for all)
  // until it ends; returns the final Operation. `callback` runs on this
  // thread while the client is busy: it must not call the client.
  Result<nlohmann::json> follow_events(std::string_view operation_id, std::string_view last_event_id,
                                       const EventCallback& callback);

  const ClientOptions& options() const { return options_; }

 private:
  ConsoleClient(ClientOptions options, std::unique_ptr<CurlHttp> http);
  Result<nlohmann::json> call(std::string method, std::string_view path, const nlohmann::json* body);
  Error answer_error(int status, std::string_view body) const;
  // Keeps the token out of whatever error leaves the client.
  Error redacted(Error error) const;

  ClientOptions options_;
  std::unique_ptr<CurlHttp> http_;
};

}  // namespace pier::console_client
