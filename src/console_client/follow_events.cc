// ConsoleClient::follow_events: the event stream with its reconnects.
#include <charconv>
#include <optional>
#include <thread>

#include "console_client/api_error.h"
#include "console_client/api_paths.h"
#include "console_client/console_client.h"
#include "console_client/curl_http.h"
#include "console_client/sse_parser.h"

namespace pier::console_client {

namespace {

using std::chrono::milliseconds;

// Event ids are the events' sequence numbers; anything else is compared by
// nobody (the server's Last-Event-ID handling is then all there is).
std::optional<long long> sequence_of(std::string_view id) {
  long long value = 0;
  auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (id.empty() || error != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return value;
}

milliseconds reconnect_delay(const ClientOptions& options, std::optional<milliseconds> server_retry, int failures) {
  milliseconds delay = server_retry.value_or(options.reconnect_delay);
  for (int i = 1; i < failures && delay < options.max_reconnect_delay; ++i) delay *= 2;
  return std::min(delay, options.max_reconnect_delay);
}

}  // namespace

Result<nlohmann::json> ConsoleClient::follow_events(std::string_view operation_id, std::string_view last_event_id,
                                                    const EventCallback& callback) {
  const std::string what = "operation " + std::string(operation_id);
  SseParser parser;
  std::string resume_id(last_event_id);
  std::optional<long long> resume_sequence = sequence_of(resume_id);
  int failures = 0;  // connections in a row that brought no new event

  while (true) {
    bool progressed = false;
    std::optional<nlohmann::json> final_operation;
    std::optional<Error> bad_stream;  // the server sent something we cannot read: no retry helps

    HttpCall request;
    request.path = operation_events_path(operation_id);
    request.headers = {"Accept: text/event-stream", "Cache-Control: no-cache"};
    if (!resume_id.empty()) request.headers.push_back("Last-Event-ID: " + resume_id);
    parser.start_new_connection();
    request.on_data = [&](std::string_view chunk) {
      auto events = parser.feed(chunk);
      if (!events) {
        bad_stream = Error::internal(what + ": " + events.error().message);
        return false;
      }
      for (SseEvent& event : *events) {
        nlohmann::json data = nlohmann::json::parse(event.data, nullptr, /*allow_exceptions=*/false);
        if (!data.is_object()) {
          bad_stream = Error::internal(what + ": the data of event \"" + event.type + "\" (id " + event.id +
                                       ") is not a JSON object");
          return false;
        }
        if (event.type == "end") {
          final_operation = std::move(data);
          return false;  // done: no need to wait for the server to close
        }
        std::optional<long long> sequence = sequence_of(event.id);
        if (sequence && resume_sequence && *sequence <= *resume_sequence) continue;  // delivered before a reconnect
        callback(OperationEvent{event.type, event.id, std::move(data)});
        progressed = true;
        if (!event.id.empty()) {
          resume_id = event.id;
          resume_sequence = sequence;
        }
      }
      return true;
    };

    auto reply = http_->exchange(request);
    if (final_operation) return std::move(*final_operation);
    if (bad_stream) return fail(redacted(*bad_stream));

    Error problem;
    if (!reply) {
      problem = reply.error();
    } else if (reply->status < 200 || reply->status >= 300) {
      problem = answer_error(reply->status, reply->body);
    } else if (!reply->content_type.starts_with("text/event-stream")) {
      return fail(Error::internal(what + ": " + options_.server_url + " answered with \"" + reply->content_type +
                                  "\", not an event stream"));
    } else {
      problem = Error::make(ErrorCode::kUnavailable, "the server ended the event stream before the operation ended",
                            Retry::kYes);
    }
    if (problem.retry != Retry::kYes) return fail(redacted(problem));

    failures = progressed ? 1 : failures + 1;
    if (failures > options_.max_reconnects) {
      problem.message = "lost the events of " + what + " after " + std::to_string(options_.max_reconnects) +
                        " reconnects: " + problem.message + " (the operation goes on in the console)";
      return fail(redacted(problem));
    }
    std::this_thread::sleep_for(reconnect_delay(options_, parser.retry(), failures));
  }
}

}  // namespace pier::console_client
