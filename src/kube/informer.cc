#include "kube/informer.h"

#include <algorithm>
#include <thread>
#include <unordered_set>

namespace pier::kube {
namespace {

std::string resource_version_of(const nlohmann::json& object) {
  if (!object.is_object()) return {};
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return {};
  auto it = metadata->find("resourceVersion");
  return it != metadata->end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Resource versions are opaque: equal or not, never older or newer.
bool same_version(const ObjectPtr& a, const ObjectPtr& b) {
  std::string version = resource_version_of(*a);
  return !version.empty() && version == resource_version_of(*b);
}

}  // namespace

Informer::Informer(Client& client, GroupVersionKind gvk, std::string namespace_name, InformerSelectors selectors,
                   Clock& clock, InformerOptions options)
    : client_(client),
      gvk_(std::move(gvk)),
      namespace_name_(std::move(namespace_name)),
      selectors_(std::move(selectors)),
      clock_(clock),
      options_(options) {}

Informer::~Informer() = default;

void Informer::add_handlers(EventHandlers handlers) { handlers_.push_back(std::move(handlers)); }

Result<void> Informer::add_index(std::string name, ObjectStore::IndexFunction function) {
  return store_.add_index(std::move(name), std::move(function));
}

bool Informer::wait_for_sync(std::stop_token stop) const {
  std::unique_lock lock(mutex_);
  return changed_.wait(lock, stop, [this] { return synced_.load(); });
}

InformerMetrics Informer::metrics() const {
  InformerMetrics m;
  m.lists = counters_.lists;
  m.relists = counters_.relists;
  m.list_failures = counters_.list_failures;
  m.watches = counters_.watches;
  m.watch_failures = counters_.watch_failures;
  m.events = counters_.events;
  m.bookmarks = counters_.bookmarks;
  m.resyncs = counters_.resyncs;
  return m;
}

std::optional<Error> Informer::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void Informer::recheck_clock() {
  std::lock_guard lock(mutex_);
  dispatcher_recheck_ = reader_recheck_ = true;
  changed_.notify_all();
}

// ---- the reader thread --------------------------------------------------

void Informer::push(Delta delta) {
  std::lock_guard lock(mutex_);
  deltas_.push_back(std::move(delta));
  changed_.notify_all();
}

void Informer::record_error(const Error& error) {
  std::lock_guard lock(mutex_);
  last_error_ = error;
}

int Informer::next_watch_timeout_seconds() {
  const int min = std::max(1, options_.min_watch_timeout_seconds);
  std::uniform_int_distribution<int> spread(0, min - 1);
  return min + spread(random_);
}

void Informer::wait_backoff(std::stop_token stop, std::chrono::milliseconds& backoff) {
  std::chrono::milliseconds delay = backoff;
  backoff = std::min(options_.max_backoff, std::max(backoff * 2, std::chrono::milliseconds(1)));
  if (delay <= std::chrono::milliseconds::zero()) return;
  // Jitter up to +50%: informers cut off together do not return together.
  delay += std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, delay.count() / 2)(random_));
  const auto deadline = clock_.now() + delay;
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    const auto remaining = deadline - clock_.now();
    if (remaining <= std::chrono::steady_clock::duration::zero()) return;
    changed_.wait_for(lock, stop, remaining, [this] { return reader_recheck_; });
    reader_recheck_ = false;
  }
}

void Informer::list_and_watch(std::stop_token stop) {
  std::string resource_version;
  bool need_list = true;
  bool listed_once = false;
  std::chrono::milliseconds backoff = options_.initial_backoff;

  while (!stop.stop_requested()) {
    if (need_list) {
      ++counters_.lists;
      if (listed_once) ++counters_.relists;
      ListOptions list_options;
      list_options.label_selector = selectors_.label_selector;
      list_options.field_selector = selectors_.field_selector;
      list_options.page_size = options_.page_size;
      auto list = client_.list(gvk_, namespace_name_, list_options);  // a quorum read: the current state
      if (stop.stop_requested()) break;
      if (!list) {
        ++counters_.list_failures;
        record_error(list.error());
        wait_backoff(stop, backoff);
        continue;
      }
      resource_version = list->resource_version;
      push(Relisted{std::move(list->items), resource_version});
      need_list = false;
      listed_once = true;
      {
        std::lock_guard lock(mutex_);
        last_error_.reset();
      }
    }

    ++counters_.watches;
    WatchOptions watch_options;
    watch_options.resource_version = resource_version;
    watch_options.label_selector = selectors_.label_selector;
    watch_options.field_selector = selectors_.field_selector;
    watch_options.allow_bookmarks = true;
    watch_options.timeout_seconds = next_watch_timeout_seconds();
    bool received = false;
    auto watched = client_.watch(
        gvk_, namespace_name_, watch_options,
        [&](WatchEvent&& event) {
          received = true;
          // Where to resume: the last version seen, bookmarks included.
          if (std::string version = resource_version_of(event.object); !version.empty())
            resource_version = std::move(version);
          if (event.type == WatchEvent::Type::kBookmark) {
            ++counters_.bookmarks;
            push(Bookmarked{resource_version});
          } else {
            ++counters_.events;
            push(Watched{std::move(event)});
          }
          return !stop.stop_requested();
        },
        stop);
    if (stop.stop_requested()) break;
    if (received) {
      backoff = options_.initial_backoff;
      std::lock_guard lock(mutex_);
      last_error_.reset();
    }
    if (!watched) {
      ++counters_.watch_failures;
      record_error(watched.error());
      // 410 Gone: the history since our version is compacted; only a fresh list helps.
      if (watched.error().retry == Retry::kResync) need_list = true;
    }
    // A watch that brought nothing (a healthy one brings at least a
    // bookmark) counts as a failure: never reconnect in a tight loop.
    if (!received) wait_backoff(stop, backoff);
  }
}

// ---- the run() thread ---------------------------------------------------

void Informer::notify_add(const ObjectPtr& object) {
  for (const auto& handlers : handlers_)
    if (handlers.on_add) handlers.on_add(object);
}

void Informer::notify_update(const ObjectPtr& old_object, const ObjectPtr& new_object) {
  for (const auto& handlers : handlers_)
    if (handlers.on_update) handlers.on_update(old_object, new_object);
}

void Informer::notify_delete(const ObjectPtr& object) {
  for (const auto& handlers : handlers_)
    if (handlers.on_delete) handlers.on_delete(object);
}

void Informer::apply(Relisted& relisted) {
  std::vector<ObjectPtr> objects;
  objects.reserve(relisted.items.size());
  for (auto& item : relisted.items) objects.push_back(std::make_shared<const nlohmann::json>(std::move(item)));

  // The difference to what the handlers have seen, computed before the swap.
  std::vector<ObjectPtr> added;
  std::vector<std::pair<ObjectPtr, ObjectPtr>> updated;
  std::unordered_set<std::string> listed_keys;
  for (const auto& object : objects) {
    std::string key = ObjectStore::key_of(*object);
    ObjectPtr old_object = store_.get(key);
    if (!old_object) {
      added.push_back(object);
    } else if (!same_version(old_object, object)) {
      updated.emplace_back(old_object, object);
    }
    listed_keys.insert(std::move(key));
  }
  std::vector<ObjectPtr> deleted;
  for (const auto& old_object : store_.list())
    if (!listed_keys.contains(ObjectStore::key_of(*old_object))) deleted.push_back(old_object);

  store_.replace(std::move(objects), relisted.resource_version);
  // The resync interval counts from the first sync, read before any handler
  // runs: a handler's effects must not shift it.
  if (!synced_ && options_.resync_period > std::chrono::milliseconds::zero())
    next_resync_ = clock_.now() + options_.resync_period;
  for (const auto& object : added) notify_add(object);
  for (const auto& [old_object, new_object] : updated) notify_update(old_object, new_object);
  for (const auto& object : deleted) notify_delete(object);

  if (!synced_) {
    std::lock_guard lock(mutex_);
    synced_ = true;
    changed_.notify_all();
  }
}

void Informer::apply(Watched& watched) {
  auto object = std::make_shared<const nlohmann::json>(std::move(watched.event.object));
  const std::string key = ObjectStore::key_of(*object);
  const std::string version = resource_version_of(*object);
  if (watched.event.type == WatchEvent::Type::kDeleted) {
    ObjectPtr old_object = store_.remove(key);
    if (!version.empty()) store_.set_resource_version(version);
    if (old_object) notify_delete(object);  // the final state the server sent
    return;
  }
  // ADDED and MODIFIED alike: what matters is whether the handlers know it.
  ObjectPtr old_object = store_.get(key);
  if (old_object && same_version(old_object, object)) return;  // seen already
  store_.upsert(object);
  if (!version.empty()) store_.set_resource_version(version);
  if (old_object) {
    notify_update(old_object, object);
  } else {
    notify_add(object);
  }
}

void Informer::apply(Bookmarked& bookmarked) { store_.set_resource_version(bookmarked.resource_version); }

void Informer::resync() {
  ++counters_.resyncs;
  for (const auto& object : store_.list()) notify_update(object, object);
}

void Informer::run(std::stop_token stop) {
  std::jthread reader([this](std::stop_token reader_stop) { list_and_watch(reader_stop); });
  std::stop_callback stop_reader(stop, [&reader] { reader.request_stop(); });

  while (!stop.stop_requested()) {
    std::deque<Delta> batch;
    bool resync_due = false;
    {
      std::unique_lock lock(mutex_);
      for (;;) {
        if (stop.stop_requested() || !deltas_.empty()) break;
        if (next_resync_ && clock_.now() >= *next_resync_) {
          resync_due = true;
          break;
        }
        auto woken = [this] { return !deltas_.empty() || dispatcher_recheck_; };
        if (next_resync_) {
          changed_.wait_for(lock, stop, *next_resync_ - clock_.now(), woken);
        } else {
          changed_.wait(lock, stop, woken);
        }
        dispatcher_recheck_ = false;
      }
      batch.swap(deltas_);
    }
    for (auto& delta : batch) std::visit([this](auto& d) { apply(d); }, delta);
    if (resync_due) {
      next_resync_ = *next_resync_ + options_.resync_period;  // a steady beat, whatever the handlers cost
      if (*next_resync_ <= clock_.now()) next_resync_ = clock_.now() + options_.resync_period;
      resync();
    }
  }
  reader.request_stop();
}

}  // namespace pier::kube
