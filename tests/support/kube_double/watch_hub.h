// Open watches and the events they are owed. The store hands every change
// to the hub while holding its lock; the hub turns it into the event each
// watch should see (selectors applied with the real server's transitions:
// an object that starts matching arrives as ADDED, one that stops matching
// as DELETED with its previous content) and queues the rendered line. The
// HTTP session that serves the watch drains the queue on its own thread.
//
//   auto watch = hub.subscribe(lock, std::move(filter), initial_lines);
//   watch->set_waker([&] { post(drain); });
//   std::string chunk; watch->take(chunk);   // newline-delimited JSON events
//
// Each queue is bounded (live events only): a watcher that falls that far
// behind is closed, as kube-apiserver terminates watchers that do not keep
// up; the client re-watches from the last resourceVersion it saw.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "object_store.h"
#include "resource_catalog.h"
#include "selectors.h"

namespace pier::testing::kube_double {

struct WatchFilter {
  TypePtr type;                // what is watched (its apiVersion and kind render the events)
  std::string namespace_name;  // "" = all
  LabelSelector labels;
  FieldSelector fields;

  bool matches(const StoredObject& object) const;
};

class WatchSubscription {
 public:
  enum class State {
    kOpen,
    kEnded,      // the server ends the stream cleanly (overflow, CRD deleted)
    kCut,        // the connection is to be dropped without ending the stream
    kCutMidEvent,  // ... after half an event line
  };

  WatchSubscription(WatchFilter filter, size_t queue_limit);

  const WatchFilter& filter() const { return filter_; }
  // Called when there is something to take; from any thread.
  void set_waker(std::function<void()> waker);

  // Moves every pending line into `out`. Returns the state after taking.
  State take(std::string& out);
  State state() const;

  // Producer side (hub, under the store lock).
  void push(std::shared_ptr<const std::string> line, bool counts_towards_limit = true);
  void end();
  void cut(bool mid_event);

 private:
  void wake();

  const WatchFilter filter_;
  const size_t queue_limit_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<const std::string>> pending_;
  size_t live_pending_ = 0;
  State state_ = State::kOpen;
  std::function<void()> waker_;
};

using WatchPtr = std::shared_ptr<WatchSubscription>;

// {"type":"ADDED","object":{...}}\n
std::string watch_event_line(std::string_view type, std::string_view object_json);

// The line a watch with this filter gets for a change, or nullopt when the
// change does not concern it (also used to replay history to a new watch).
std::optional<std::string> render_watch_event(const WatchFilter& filter, const ChangeEvent& event);

class WatchHub final : public ChangeListener {
 public:
  explicit WatchHub(size_t queue_limit) : queue_limit_(queue_limit) {}

  // Registers a watch; `initial` (synthetic ADDED events or a replay) is
  // queued first, outside the queue limit. Call with the store lock held, in
  // the same critical section that computed `initial`.
  WatchPtr subscribe(const StoreLock& lock, WatchFilter filter, std::vector<std::string> initial);
  void unsubscribe(const WatchSubscription* watch);

  void on_change(const ChangeEvent& event) override;

  // Queues a BOOKMARK at the store's current revision. Store lock held.
  void bookmark(const StoreLock& lock, WatchSubscription& watch, int64_t revision, bool initial_events_end = false);

  // Ends every watch of a collection (its CRD was deleted).
  void end_collection(const std::string& collection);
  void cut_all(bool mid_event);
  size_t open_count() const;

 private:
  const size_t queue_limit_;
  mutable std::mutex mutex_;
  std::vector<WatchPtr> watches_;
};

}  // namespace pier::testing::kube_double
