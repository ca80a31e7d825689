#include "console_client/sse_parser.h"

#include <charconv>
#include <cstdint>

namespace pier::console_client {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

Error SseParser::too_large() const {
  return Error::invalid("event stream: a line or event is larger than " + std::to_string(max_event_bytes_ >> 10) +
                        " KiB");
}

Result<std::vector<SseEvent>> SseParser::feed(std::string_view chunk) {
  if (failed_) return fail(too_large());
  std::vector<SseEvent> out;
  std::string held;  // the stream's first bytes, while they might still be a byte order mark
  if (at_stream_start_) {
    held = std::move(partial_line_) + std::string(chunk);
    partial_line_.clear();
    if (held.size() < kByteOrderMark.size() && kByteOrderMark.starts_with(held)) {
      partial_line_ = std::move(held);  // too short to tell yet
      return out;
    }
    at_stream_start_ = false;
    if (held.starts_with(kByteOrderMark)) held.erase(0, kByteOrderMark.size());
    chunk = held;
  }
  if (last_chunk_ended_in_cr_ && !chunk.empty()) {
    if (chunk.front() == '\n') chunk.remove_prefix(1);
    last_chunk_ended_in_cr_ = false;
  }
  while (!chunk.empty()) {
    std::size_t end = chunk.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      partial_line_ += chunk;
      if (partial_line_.size() > max_event_bytes_) {
        failed_ = true;
        return fail(too_large());
      }
      break;
    }
    Result<void> taken;
    if (partial_line_.empty()) {
      taken = take_line(chunk.substr(0, end), out);
    } else {
      std::string line = std::move(partial_line_) + std::string(chunk.substr(0, end));
      partial_line_.clear();
      taken = take_line(line, out);
    }
    if (!taken) {
      failed_ = true;
      return fail(taken.error());
    }
    std::size_t line_end = 1;
    if (chunk[end] == '\r') {
      if (end + 1 == chunk.size())
        last_chunk_ended_in_cr_ = true;  // its LF may come with the next read
      else if (chunk[end + 1] == '\n')
        line_end = 2;
    }
    chunk.remove_prefix(end + line_end);
  }
  return out;
}

Result<void> SseParser::take_line(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    dispatch(out);
    return {};
  }
  if (line.front() == ':') return {};  // a comment: the server's keepalive
  std::size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
  }
  take_field(name, value);
  if (data_.size() > max_event_bytes_) return fail(too_large());
  return {};
}

void SseParser::take_field(std::string_view name, std::string_view value) {
  if (name == "event") {
    type_ = value;
  } else if (name == "data") {
    data_ += value;
    data_ += '\n';
  } else if (name == "id") {
    // An id with a NUL byte is ignored, as browsers do.
    if (value.find('\0') == std::string_view::npos) id_buffer_ = value;
  } else if (name == "retry") {
    std::uint64_t millis = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), millis);
    // Digits only, all of them: "3000" yes; "", "3s", "-1" and overflow no.
    if (!value.empty() && error == std::errc() && end == value.data() + value.size() &&
        millis <= static_cast<std::uint64_t>(std::chrono::milliseconds::max().count()))
      retry_ = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(millis));
  }
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  last_event_id_ = id_buffer_;
  if (data_.empty()) {  // `event:` or `id:` without data: nothing to deliver
    type_.clear();
    return;
  }
  data_.pop_back();  // the "\n" after the last data line
  SseEvent event;
  if (!type_.empty()) event.type = std::move(type_);
  event.id = last_event_id_;
  event.data = std::move(data_);
  out.push_back(std::move(event));
  type_.clear();
  data_.clear();
}

void SseParser::start_new_connection() {
  partial_line_.clear();
  last_chunk_ended_in_cr_ = false;
  at_stream_start_ = true;
  type_.clear();
  data_.clear();
  id_buffer_ = last_event_id_;
  failed_ = false;
}

}  // namespace pier::console_client
