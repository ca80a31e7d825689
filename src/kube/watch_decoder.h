// The body of a watch, as it arrives, -> WatchEvents. Pure: no I/O.
//
// A watch body is one JSON object per line ({"type":"ADDED","object":{...}}).
// Chunks cut it anywhere, also inside a line or inside a UTF-8 sequence; a
// line is decoded only once its newline has arrived, so a stream cut in the
// middle of an event never delivers half of it.
//
//   WatchDecoder decoder("context prod-bj", "watch apps/v1 Deployment in namespace web");
//   auto out = decoder.feed(chunk);
//   for (auto& event : out.events) handle(std::move(event));
//   if (out.error) return fail(*out.error);   // an ERROR event; 410 -> Retry::kResync
//   ...
//   if (decoder.pending_bytes() > 0) ...       // the stream ended inside an event
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "kube/client.h"

namespace pier::kube {

class WatchDecoder {
 public:
  struct Output {
    std::vector<WatchEvent> events;  // the complete events of this chunk, in order
    std::optional<Error> error;      // after the events; the decoder then ignores further input
  };

  // The two strings only go into error messages.
  explicit WatchDecoder(std::string context_label = "watch", std::string what = "watch");

  Output feed(std::string_view chunk);

  // Bytes of an unfinished line: non-zero when the stream ends means the
  // last event was cut off (and is dropped).
  std::size_t pending_bytes() const { return buffer_.size() - line_start_; }
  bool failed() const { return failed_; }

 private:
  // Decodes one complete line: an event, an error, or nothing (a blank line).
  void decode_line(std::string_view line, Output& out);

  std::string context_label_;
  std::string what_;
  std::string buffer_;
  std::size_t line_start_ = 0;  // where the unfinished line begins in buffer_
  std::size_t scanned_ = 0;     // bytes of buffer_ already searched for a newline
  bool failed_ = false;
};

}  // namespace pier::kube
