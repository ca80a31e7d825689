// Server-Sent Events: a stream a handler keeps and sends events to from any
// thread, until the client goes away, the handler closes it, or the server
// stops.
//
//   router.stream("/api/v1/operations/{id}/events",
//       [&](const Request& request, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
//         auto op = operations.find(request.param("id"));
//         if (!op) return Response::error(Error::not_found("no operation " + std::string(request.param("id"))));
//         // Replay what the client missed, then follow: the subscription holds the stream.
//         auto subscription = op->subscribe(stream->last_event_id(), [stream](const Event& e) {
//           return stream->send(e.kind, std::to_string(e.sequence), e.to_json());   // false: stop sending
//         });
//         stream->on_close([subscription] { subscription->cancel(); });
//         return std::nullopt;   // keep streaming after the handler returns
//       },
//       Access::at_least(Role::kViewer));
//
// The response is `text/event-stream`, `Cache-Control: no-cache`, with
// `X-Accel-Buffering: no` so that nginx in front does not hold events back;
// each event is written as soon as possible. The server sends a comment line
// as a keepalive when nothing else was sent for a while, notices a client
// that disconnected (send() then returns false and on_close callbacks run),
// and ends every stream cleanly when it stops (clients then reconnect with
// Last-Event-ID, after the `retry:` delay sent first).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::server {

class SseStream {
 public:
  // Queues one event: `id:` (when not empty), `event:` (when not empty) and
  // one `data:` line per line of the data. False once the stream is closed,
  // and when the client is so far behind that the queue would pass its limit
  // (the stream is then dropped: the client reconnects and catches up).
  bool send(std::string_view event, std::string_view id, const nlohmann::json& data);
  bool send_text(std::string_view event, std::string_view id, std::string_view data);
  // A comment line (": text"), ignored by clients.
  bool comment(std::string_view text);

  // Ends the stream after what is queued.
  void close();
  bool closed() const;
  // Runs once when the stream has closed, for any reason; at once if it
  // already has. Callbacks run on a server thread: keep them short.
  void on_close(std::function<void()> callback);
  // For handlers that follow something themselves: true once closed.
  bool wait_closed(std::chrono::milliseconds timeout) const;

  // The client's `Last-Event-ID` header: resume after this event.
  const std::string& last_event_id() const { return last_event_id_; }

  // --- The carrying connection's side (not for handlers) ---

  // `head`: the response header bytes, queued when the stream opens (on the
  // first send or when the handler returns without a response). `wake`: asks
  // the connection to come and take() the queue; it may be called from any thread.
  SseStream(std::string last_event_id, std::string head, bool chunked, std::size_t max_queued_bytes,
            std::function<void()> wake);
  ~SseStream();

  // Opens the stream if nobody did yet; true if it is open (or closing).
  bool open();
  bool opened() const;

  struct Pending {
    std::string bytes;    // to write now
    bool finish = false;  // the stream ends once these are written
    bool abort = false;   // drop the connection now (the client fell too far behind)
  };
  Pending take();

  // The connection is gone (or ended the stream): no more sends; callbacks run.
  void mark_closed();

 private:
  enum class State { kPending, kOpen, kClosing, kClosed };
  bool enqueue(std::string framed);
  void open_locked();
  void wake_locked(std::unique_lock<std::mutex>& lock);

  const std::string last_event_id_;
  const bool chunked_;
  const std::size_t max_queued_bytes_;
  const std::function<void()> wake_;

  mutable std::mutex mutex_;
  mutable std::condition_variable closed_cv_;
  State state_ = State::kPending;
  std::string head_;
  std::string queue_;
  bool wake_pending_ = false;
  bool abort_ = false;
  std::vector<std::function<void()>> close_callbacks_;
};

// The event's bytes on the wire: "id: 7\nevent: progress\ndata: {...}\n\n".
// CR and LF are removed from the id and event name (they would end the field).
std::string format_sse_event(std::string_view event, std::string_view id, std::string_view data);
// ": text\n\n"
std::string format_sse_comment(std::string_view text);
// One HTTP/1.1 chunk: "<hex size>\r\n<bytes>\r\n".
std::string http_chunk(std::string_view bytes);

}  // namespace pier::server
