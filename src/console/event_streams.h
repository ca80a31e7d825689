// The live side of GET /operations/{id}/events: each stream replays the
// operation's stored events after the client's Last-Event-ID, then follows
// new ones (from this replica at once, from others by polling the store)
// until the operation has ended, then sends `end` with the operation and
// closes. A client that connects mid-way, later, or again after a drop
// sees the whole story once.
//
//   EventStreams streams(store);
//   streams.follow(op.id, last_seq, sse_stream);   // returns at once; a thread follows
//   streams.shutdown();                             // at server stop
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "server/sse.h"
#include "store/store.h"

namespace pier::console {

class EventStreams {
 public:
  explicit EventStreams(store::Store& store) : store_(store) {}
  ~EventStreams() { shutdown(); }

  void follow(store::OperationId id, std::int64_t after_seq, std::shared_ptr<server::SseStream> stream);
  size_t active() const;
  void shutdown();

 private:
  struct Follower {
    std::jthread thread;
    std::shared_ptr<bool> done = std::make_shared<bool>(false);
  };
  void run(store::OperationId id, std::int64_t after_seq, server::SseStream& stream, std::stop_token stop);

  store::Store& store_;
  mutable std::mutex mutex_;
  std::list<Follower> followers_;
  bool stopped_ = false;
};

}  // namespace pier::console
