#include "server/sse.h"

#include <cstdio>

namespace pier::server {
namespace {

// Field values end at CR or LF: drop them rather than let them cut the event.
void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  for (char c : value)
    if (c != '\r' && c != '\n') out += c;
  out += '\n';
}

constexpr std::string_view kLastChunk = "0\r\n\r\n";

// Close callbacks run on a server thread: an exception there must not take the
// thread (and the process) down. There is no one to report it to.
void run_callback(const std::function<void()>& callback) {
  try {
    callback();
  } catch (...) {
  }
}

}  // namespace

std::string format_sse_event(std::string_view event, std::string_view id, std::string_view data) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!id.empty()) append_field(out, "id", id);
  if (!event.empty()) append_field(out, "event", event);
  // Every line of the data becomes a `data:` line; CRLF, LF and CR all end lines.
  std::size_t start = 0;
  while (true) {
    std::size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out += data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + ((data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n') ? 2 : 1);
    if (start == data.size()) break;  // a trailing line break adds no empty line
  }
  out += '\n';
  return out;
}

std::string format_sse_comment(std::string_view text) {
  std::string out = ":";
  if (!text.empty()) out += ' ';
  for (char c : text)
    if (c != '\r' && c != '\n') out += c;
  out += "\n\n";
  return out;
}

std::string http_chunk(std::string_view bytes) {
  char size[20];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  std::string out;
  out.reserve(bytes.size() + static_cast<std::size_t>(n) + 2);
  out.append(size, static_cast<std::size_t>(n));
  out += bytes;
  out += "\r\n";
  return out;
}

SseStream::SseStream(std::string last_event_id, std::string head, bool chunked, std::size_t max_queued_bytes,
                     std::function<void()> wake)
    : last_event_id_(std::move(last_event_id)),
      chunked_(chunked),
      max_queued_bytes_(max_queued_bytes),
      wake_(std::move(wake)),
      head_(std::move(head)) {}

SseStream::~SseStream() = default;

bool SseStream::send(std::string_view event, std::string_view id, const nlohmann::json& data) {
  return enqueue(format_sse_event(event, id, data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

bool SseStream::send_text(std::string_view event, std::string_view id, std::string_view data) {
  return enqueue(format_sse_event(event, id, data));
}

bool SseStream::comment(std::string_view text) { return enqueue(format_sse_comment(text)); }

bool SseStream::enqueue(std::string framed) {
  std::unique_lock lock(mutex_);
  if (state_ == State::kClosing || state_ == State::kClosed) return false;
  open_locked();
  std::string bytes = chunked_ ? http_chunk(framed) : std::move(framed);
  if (queue_.size() + bytes.size() > max_queued_bytes_) {
    // The client reads slower than we produce: keeping everything would let
    // one client hold any amount of memory. Drop it; it can resume.
    abort_ = true;
    state_ = State::kClosing;
    wake_locked(lock);
    return false;
  }
  queue_ += bytes;
  wake_locked(lock);
  return true;
}

void SseStream::open_locked() {
  if (state_ != State::kPending) return;
  state_ = State::kOpen;
  queue_.insert(0, head_);
  head_.clear();
}

void SseStream::wake_locked(std::unique_lock<std::mutex>& lock) {
  if (wake_pending_) return;  // the connection has not come for the last wake yet
  wake_pending_ = true;
  lock.unlock();
  if (wake_) wake_();
}

bool SseStream::open() {
  std::unique_lock lock(mutex_);
  if (state_ == State::kClosed) return false;
  bool was_pending = state_ == State::kPending;
  open_locked();
  if (was_pending) wake_locked(lock);
  return true;
}

bool SseStream::opened() const {
  std::lock_guard lock(mutex_);
  return state_ != State::kPending;
}

void SseStream::close() {
  std::unique_lock lock(mutex_);
  if (state_ == State::kClosing || state_ == State::kClosed) return;
  open_locked();
  state_ = State::kClosing;
  if (chunked_) queue_ += kLastChunk;
  wake_locked(lock);
}

bool SseStream::closed() const {
  std::lock_guard lock(mutex_);
  return state_ == State::kClosing || state_ == State::kClosed;
}

SseStream::Pending SseStream::take() {
  std::lock_guard lock(mutex_);
  wake_pending_ = false;
  Pending pending;
  pending.bytes.swap(queue_);
  pending.finish = state_ == State::kClosing;
  pending.abort = abort_;
  return pending;
}

void SseStream::mark_closed() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    queue_.clear();
    callbacks.swap(close_callbacks_);
  }
  closed_cv_.notify_all();
  for (auto& callback : callbacks) run_callback(callback);
}

void SseStream::on_close(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::kClosed) {
      close_callbacks_.push_back(std::move(callback));
      return;
    }
  }
  run_callback(callback);
}

bool SseStream::wait_closed(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return closed_cv_.wait_for(lock, timeout, [&] { return state_ == State::kClosing || state_ == State::kClosed; });
}

}  // namespace pier::server
