// The double's etcd: every object of every resource, versioned by one
// global, monotonic resourceVersion, with enough history to serve
// consistent paginated lists at an earlier revision (continue tokens) and to
// replay watch events since a revision, until compaction forgets them.
//
//   ObjectStore store(/*compaction_window=*/10'000);
//   StoreLock lock = store.lock();
//   ObjectPtr stored = store.put(lock, type, std::move(object));  // assigns resourceVersion
//   ListPage page = store.list(lock, type, {.namespace_name = "web", .limit = 500});
//
// Objects are kept as JSON text without apiVersion and kind (the form list
// items take), serialised once per write; reads never re-serialise. Keys are
// ordered like etcd's (namespace, then name), which is the order of lists.
// Every write calls the listener (the watch hub) before the lock is released,
// so watchers see events in resourceVersion order without gaps.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "resource_type.h"
#include "selectors.h"

namespace pier::testing::kube_double {

using StoreLock = std::unique_lock<std::mutex>;

struct StoredObject {
  std::string body;  // JSON without apiVersion and kind
  std::string namespace_name;
  std::string name;
  int64_t resource_version = 0;
  LabelMap labels;
  FieldMap fields;

  // The object as GET returns it: {"apiVersion":..,"kind":..,<body>}.
  std::string full_text(std::string_view api_version, std::string_view kind) const;
  // A list item: built-in kinds leave apiVersion and kind out, custom
  // resources keep them (as kube-apiserver serves them).
  std::string list_item_text(const ResourceType& type) const;
  nlohmann::json to_json(std::string_view api_version, std::string_view kind) const;
};
using ObjectPtr = std::shared_ptr<const StoredObject>;

enum class EventType { kAdded, kModified, kDeleted };

struct ChangeEvent {
  int64_t resource_version = 0;
  std::string collection;
  EventType type = EventType::kAdded;
  ObjectPtr object;    // after the change; for kDeleted the last state, carrying the deletion's resourceVersion
  ObjectPtr previous;  // before the change; null for kAdded
};

class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Called with the store lock held.
  virtual void on_change(const ChangeEvent& event) = 0;
};

struct ListQuery {
  std::string namespace_name;  // "" = every namespace
  const LabelSelector* labels = nullptr;
  const FieldSelector* fields = nullptr;
  int64_t limit = 0;           // 0 = everything
  std::string start_key;       // from a continue token; "" = from the beginning
  int64_t at_revision = 0;     // 0 = now; else a revision >= the compacted one
};

struct ListPage {
  std::vector<ObjectPtr> items;
  int64_t resource_version = 0;  // the revision the page was read at
  std::string next_key;          // where the next page starts; "" = no more
};

class ObjectStore {
 public:
  // Keeps the history of the last `compaction_window` revisions (0: all).
  explicit ObjectStore(int64_t compaction_window);

  void set_listener(ChangeListener* listener) { listener_ = listener; }
  StoreLock lock() const { return StoreLock(mutex_); }

  int64_t resource_version(const StoreLock&) const { return revision_; }
  // Revisions at or below this one are forgotten: older watches and
  // continue tokens get 410 Expired.
  int64_t compacted_revision(const StoreLock&) const { return compacted_; }

  ObjectPtr get(const StoreLock&, const ResourceType& type, std::string_view namespace_name,
                std::string_view name) const;
  // Creates or replaces; sets metadata.resourceVersion to the new revision.
  ObjectPtr put(const StoreLock&, const ResourceType& type, nlohmann::json object);
  // The deleted state (with the deletion's resourceVersion), or null when absent.
  ObjectPtr remove(const StoreLock&, const ResourceType& type, std::string_view namespace_name, std::string_view name);
  // Deletes every object in a namespace, of every namespaced collection.
  void remove_namespace_contents(const StoreLock&, std::string_view namespace_name);
  // Deletes every object of a collection (its CRD was deleted).
  void remove_collection(const StoreLock&, const std::string& collection);
  // Every current object of a collection in one namespace ("" = all).
  std::vector<ObjectPtr> all(const StoreLock&, const ResourceType& type, std::string_view namespace_name) const;

  ListPage list(const StoreLock&, const ResourceType& type, const ListQuery& query) const;

  // Events of one collection after `resource_version`, oldest first; 410 when
  // that revision is compacted.
  ApiResult<std::vector<ChangeEvent>> events_since(const StoreLock&, const std::string& collection,
                                                   int64_t resource_version) const;

  // Forgets all history up to now.
  void compact(const StoreLock&);

  // The key an object is listed under.
  static std::string key_of(const ResourceType& type, std::string_view namespace_name, std::string_view name);

 private:
  struct Version {
    int64_t revision;
    ObjectPtr object;  // null: deleted at this revision
  };
  using Versions = std::vector<Version>;  // ascending revisions
  using Collection = std::map<std::string, Versions, std::less<>>;

  ObjectPtr remove_key(const std::string& collection, const std::string& key);
  void record(ChangeEvent event);
  void compact_to(int64_t revision);
  static const Version* version_at(const Versions& versions, int64_t revision);
  static void prune(Versions& versions, int64_t compacted);

  mutable std::mutex mutex_;
  int64_t window_;
  int64_t revision_ = 0;
  int64_t compacted_ = 0;
  std::unordered_map<std::string, Collection> collections_;
  std::deque<ChangeEvent> events_;  // every event after compacted_, all collections
  ChangeListener* listener_ = nullptr;
};

}  // namespace pier::testing::kube_double
