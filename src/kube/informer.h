// A local, always-current copy of the objects of one kind, and a callback for
// every change: list, then watch from the list's resourceVersion, as
// client-go's shared informer does.
//
//   Informer services(client, {"", "v1", "Service"}, "", {}, SystemClock::instance(),
//                     {.resync_period = std::chrono::minutes(10)});
//   services.add_handlers({.on_add = [&](const ObjectPtr& svc) { queue.add(ObjectStore::key_of(*svc)); },
//                          .on_update = [&](const ObjectPtr&, const ObjectPtr& svc) { ... },
//                          .on_delete = [&](const ObjectPtr& svc) { ... }});
//   std::jthread thread([&](std::stop_token stop) { services.run(stop); });
//   if (!services.wait_for_sync(stop)) return;       // act only on a full picture
//   ObjectPtr svc = services.store().get("web/jetty");
//
// Guarantees:
//   - Handlers run one at a time, in the order of the changes, on the thread
//     that called run(); the store already holds the new state when they run.
//   - has_synced() turns true once the handlers have seen every object of
//     the first full list (as on_add).
//   - Across a dropped watch the informer resumes from the last
//     resourceVersion it saw (of an event or a bookmark), so no change is
//     missed and none is delivered twice.
//   - When the server no longer has that resourceVersion (410 Gone) the
//     informer lists again and delivers the difference to the store: new
//     objects as on_add, changed ones (other resourceVersion) as on_update,
//     objects gone meanwhile as on_delete with their last known state;
//     unchanged objects are not delivered again.
//   - With a resync period, every object is delivered again as
//     on_update(object, object) at that interval (the same pointer twice),
//     so level-triggered controllers revisit everything.
//   - Errors never stop the informer: it backs off (with jitter) and tries
//     again until stopped; last_error() tells why it is not synced.
// Cached objects are shared and immutable: never cast constness away.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "kube/client.h"
#include "kube/object_store.h"

namespace pier::kube {

struct InformerSelectors {
  std::string label_selector;
  std::string field_selector;
};

struct InformerOptions {
  std::chrono::milliseconds resync_period{0};  // 0: no periodic resync
  // Backoff before trying again after a failed list or watch: doubles from
  // the initial value to the maximum, reset by a watch that delivered events.
  std::chrono::milliseconds initial_backoff{800};
  std::chrono::milliseconds max_backoff{30'000};
  int64_t page_size = 500;
  // Each watch asks the server to end it after a random time in
  // [min, 2 * min) seconds, so that many informers do not reconnect together.
  int min_watch_timeout_seconds = 300;
};

// Counters since construction.
struct InformerMetrics {
  uint64_t lists = 0;           // list attempts (all pages of one list count once)
  uint64_t relists = 0;         // lists after the first successful one (410 Gone)
  uint64_t list_failures = 0;
  uint64_t watches = 0;         // watch requests
  uint64_t watch_failures = 0;  // watches that ended with an error (a cut, 410, ...)
  uint64_t events = 0;          // ADDED/MODIFIED/DELETED events received
  uint64_t bookmarks = 0;
  uint64_t resyncs = 0;         // periodic resyncs delivered
};

// Any member may be empty.
struct EventHandlers {
  std::function<void(const ObjectPtr& object)> on_add;
  std::function<void(const ObjectPtr& old_object, const ObjectPtr& new_object)> on_update;
  std::function<void(const ObjectPtr& last_state)> on_delete;
};

class Informer {
 public:
  // namespace_name "" = all namespaces (or a cluster-scoped kind).
  Informer(Client& client, GroupVersionKind gvk, std::string namespace_name, InformerSelectors selectors,
           Clock& clock, InformerOptions options = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Before run(). Handlers must not throw, and must not block for long: the
  // next change waits for them.
  void add_handlers(EventHandlers handlers);
  // An index of the store (see ObjectStore::add_index); before or during run().
  Result<void> add_index(std::string name, ObjectStore::IndexFunction function);

  // Lists, watches and delivers until stop is requested. Call once.
  void run(std::stop_token stop);

  bool has_synced() const { return synced_.load(); }
  // Blocks until synced (true) or until stop is requested (false).
  bool wait_for_sync(std::stop_token stop) const;

  const ObjectStore& store() const { return store_; }
  const GroupVersionKind& gvk() const { return gvk_; }
  InformerMetrics metrics() const;
  // Why the last list or watch failed, if the last attempt failed.
  std::optional<Error> last_error() const;

  // Re-reads the clock now (resync due? backoff over?). Needed only when
  // the clock does not follow real time, as a test's fake clock.
  void recheck_clock();

 private:
  struct Relisted {
    std::vector<nlohmann::json> items;
    std::string resource_version;
  };
  struct Watched {
    WatchEvent event;
  };
  struct Bookmarked {
    std::string resource_version;
  };
  using Delta = std::variant<Relisted, Watched, Bookmarked>;

  // The reader thread: list, watch, re-watch, relist; feeds deltas_.
  void list_and_watch(std::stop_token stop);
  void push(Delta delta);
  void record_error(const Error& error);
  void wait_backoff(std::stop_token stop, std::chrono::milliseconds& backoff);
  int next_watch_timeout_seconds();

  // The run() thread: applies deltas to the store and calls the handlers.
  void apply(Relisted& relisted);
  void apply(Watched& watched);
  void apply(Bookmarked& bookmarked);
  void resync();
  void notify_add(const ObjectPtr& object);
  void notify_update(const ObjectPtr& old_object, const ObjectPtr& new_object);
  void notify_delete(const ObjectPtr& object);

  Client& client_;
  const GroupVersionKind gvk_;
  const std::string namespace_name_;
  const InformerSelectors selectors_;
  Clock& clock_;
  const InformerOptions options_;

  ObjectStore store_;
  std::vector<EventHandlers> handlers_;
  std::atomic<bool> synced_{false};
  std::optional<std::chrono::steady_clock::time_point> next_resync_;  // run() thread only

  mutable std::mutex mutex_;
  mutable std::condition_variable_any changed_;  // deltas_, synced_, recheck flags
  std::deque<Delta> deltas_;
  bool dispatcher_recheck_ = false;
  bool reader_recheck_ = false;
  std::optional<Error> last_error_;
  std::minstd_rand random_{std::random_device{}()};

  struct Counters {
    std::atomic<uint64_t> lists{0}, relists{0}, list_failures{0}, watches{0}, watch_failures{0}, events{0},
        bookmarks{0}, resyncs{0};
  } counters_;
};

}  // namespace pier::kube
