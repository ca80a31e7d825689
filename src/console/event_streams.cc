#include "console/event_streams.h"

#include "console/api_json.h"

namespace pier::console {

void EventStreams::follow(store::OperationId id, std::int64_t after_seq, std::shared_ptr<server::SseStream> stream) {
  std::lock_guard lock(mutex_);
  for (auto it = followers_.begin(); it != followers_.end();) {
    if (*it->done) it = followers_.erase(it);  // joins a thread that has returned
    else ++it;
  }
  if (stopped_) {
    stream->close();
    return;
  }
  Follower& follower = followers_.emplace_back();
  auto done = follower.done;
  follower.thread = std::jthread([this, id, after_seq, stream, done](std::stop_token stop) {
    run(id, after_seq, *stream, stop);
    stream->close();
    std::lock_guard lock(mutex_);
    *done = true;
  });
}

size_t EventStreams::active() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& f : followers_) n += *f.done ? 0 : 1;
  return n;
}

void EventStreams::shutdown() {
  std::list<Follower> followers;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    followers.swap(followers_);
  }
  for (auto& f : followers) f.thread.request_stop();
  followers.clear();  // joins
}

void EventStreams::run(store::OperationId id, std::int64_t after_seq, server::SseStream& stream, std::stop_token stop) {
  std::int64_t seq = after_seq;
  auto send_all = [&](const std::vector<store::Event>& events) {
    for (const auto& event : events) {
      std::string type = event.data.value("type", "event");
      if (!stream.send(type, std::to_string(event.seq), event_json(event))) return false;
      seq = event.seq;
    }
    return true;
  };
  auto retry_later = [&](const Error& error) {
    // The database is away: keep the stream (the keepalive holds it) and try again.
    if (error.retry != Retry::kYes) return false;
    stream.wait_closed(std::chrono::milliseconds(1'000));
    return true;
  };
  while (!stop.stop_requested() && !stream.closed()) {
    auto events = store_.events(id, seq);
    if (!events) {
      if (retry_later(events.error())) continue;
      return;
    }
    if (!events->empty()) {
      if (!send_all(*events)) return;
      continue;
    }
    // Caught up: is there more to come?
    auto operation = store_.get_operation(id);
    if (!operation) {
      if (retry_later(operation.error())) continue;
      return;
    }
    if (operation->status != store::OperationStatus::kRunning) {
      // Ended: whatever it appended before ending is in the store by now.
      for (;;) {
        auto rest = store_.events(id, seq);
        if (!rest || rest->empty()) break;
        if (!send_all(*rest)) return;
      }
      stream.send("end", "", operation_json(*operation));
      return;
    }
    // Woken by a new event or by an operation ending in this process; other
    // replicas' changes are seen within the store's poll interval.
    auto more = store_.wait_for_events(id, seq, std::chrono::milliseconds(1'000));
    if (!more) {
      if (retry_later(more.error())) continue;
      return;
    }
    if (!send_all(*more)) return;
  }
}

}  // namespace pier::console
