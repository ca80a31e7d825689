// Server-Sent Events, the wire format (WHATWG HTML, "event stream
// interpretation"): bytes in, whole events out, however the network cut them.
//
//   SseParser parser;
//   auto events = parser.feed(chunk);          // zero or more complete events
//   if (!events) return fail(events.error());  // a line or event beyond the size limit
//   for (const SseEvent& e : *events) handle(e.type, e.id, e.data);
//   ...connection lost...
//   parser.start_new_connection();             // drop the half-read event, keep id and retry
//   headers.push_back("Last-Event-ID: " + parser.last_event_id());
//
// Lines end with CRLF, LF or CR (a CR at the end of one chunk and a LF at the
// start of the next are one line end). `data:` lines are joined with "\n";
// `event:` names the event ("message" when absent); `id:` sets the last event
// id, which stays until another `id:` changes it; `retry:` (digits only) is
// the reconnection delay; lines starting with ':' are comments (keepalives);
// unknown fields are ignored; one space after the colon is not part of the
// value. An event is dispatched at an empty line, and only if it had data.
//
// Pure: no I/O, no clock; unit-tested byte by byte.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace pier::console_client {

struct SseEvent {
  std::string type = "message";  // the `event:` field
  std::string id;                // the last event id when it was dispatched ("" when none was ever set)
  std::string data;              // the `data:` lines joined with "\n"
};

class SseParser {
 public:
  // A line or an event's data longer than this is an error rather than a
  // buffer that grows for as long as a broken server keeps sending.
  static constexpr std::size_t kDefaultMaxEventBytes = std::size_t{16} << 20;

  explicit SseParser(std::size_t max_event_bytes = kDefaultMaxEventBytes) : max_event_bytes_(max_event_bytes) {}

  // The events this chunk completes, in order. kInvalidInput when a line or
  // an event passes the size limit (the parser is then unusable).
  Result<std::vector<SseEvent>> feed(std::string_view chunk);

  // A new connection begins: an event cut by the old one is dropped, and so is
  // an `id:` seen in it (it never reached the application); the last event
  // id and the retry delay stay.
  void start_new_connection();

  // The id to send as Last-Event-ID when reconnecting.
  const std::string& last_event_id() const { return last_event_id_; }
  // The server's `retry:` delay, when it sent one.
  std::optional<std::chrono::milliseconds> retry() const { return retry_; }

 private:
  Result<void> take_line(std::string_view line, std::vector<SseEvent>& out);
  void take_field(std::string_view name, std::string_view value);
  void dispatch(std::vector<SseEvent>& out);
  Error too_large() const;

  const std::size_t max_event_bytes_;
  std::string partial_line_;             // the unfinished last line of the chunks so far
  bool last_chunk_ended_in_cr_ = false;  // a LF opening the next chunk ends nothing
  bool at_stream_start_ = true;          // a UTF-8 byte order mark may come first

  std::string type_;       // of the event being read
  std::string data_;       // its data lines, each followed by "\n"
  std::string id_buffer_;  // `id:` as read, adopted at the next empty line
  std::string last_event_id_;
  std::optional<std::chrono::milliseconds> retry_;
  bool failed_ = false;
};

}  // namespace pier::console_client
