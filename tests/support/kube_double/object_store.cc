#include "object_store.h"

#include <algorithm>

namespace pier::testing::kube_double {

namespace {

std::string text_of(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// `body` is "{...}": splices apiVersion and kind in front of its members.
std::string with_type(std::string_view body, std::string_view api_version, std::string_view kind) {
  std::string out;
  out.reserve(body.size() + api_version.size() + kind.size() + 32);
  out += "{\"apiVersion\":";
  out += dump(std::string(api_version));
  out += ",\"kind\":";
  out += dump(std::string(kind));
  if (body.size() > 2) {
    out += ',';
    out.append(body.substr(1));
  } else {
    out += '}';
  }
  return out;
}

}  // namespace

std::string StoredObject::full_text(std::string_view api_version, std::string_view kind) const {
  return with_type(body, api_version, kind);
}

std::string StoredObject::list_item_text(const ResourceType& type) const {
  return type.custom ? full_text(type.api_version(), type.kind) : body;
}

nlohmann::json StoredObject::to_json(std::string_view api_version, std::string_view kind) const {
  nlohmann::json object = nlohmann::json::parse(body);
  object["apiVersion"] = api_version;
  object["kind"] = kind;
  return object;
}

ObjectStore::ObjectStore(int64_t compaction_window) : window_(compaction_window) {}

std::string ObjectStore::key_of(const ResourceType& type, std::string_view namespace_name, std::string_view name) {
  if (!type.namespaced) return std::string(name);
  std::string key;
  key.reserve(namespace_name.size() + name.size() + 1);
  key.append(namespace_name);
  key += '/';
  key.append(name);
  return key;
}

const ObjectStore::Version* ObjectStore::version_at(const Versions& versions, int64_t revision) {
  if (versions.empty()) return nullptr;
  if (revision == 0) return &versions.back();
  for (auto it = versions.rbegin(); it != versions.rend(); ++it)
    if (it->revision <= revision) return &*it;
  return nullptr;
}

void ObjectStore::prune(Versions& versions, int64_t compacted) {
  // Keep the newest version at or below the compacted revision (what a read
  // at that revision sees) and everything after it.
  size_t keep_from = versions.size();
  for (size_t i = versions.size(); i-- > 0;) {
    if (versions[i].revision <= compacted) {
      keep_from = i;
      break;
    }
  }
  if (keep_from == versions.size() || keep_from == 0) {
    if (keep_from == 0 && !versions.empty() && !versions[0].object) versions.erase(versions.begin());
    return;
  }
  versions.erase(versions.begin(), versions.begin() + static_cast<std::ptrdiff_t>(keep_from));
  if (!versions.empty() && !versions[0].object) versions.erase(versions.begin());
}

ObjectPtr ObjectStore::get(const StoreLock&, const ResourceType& type, std::string_view namespace_name,
                           std::string_view name) const {
  auto collection = collections_.find(type.collection());
  if (collection == collections_.end()) return nullptr;
  auto versions = collection->second.find(key_of(type, namespace_name, name));
  if (versions == collection->second.end() || versions->second.empty()) return nullptr;
  return versions->second.back().object;
}

ObjectPtr ObjectStore::put(const StoreLock&, const ResourceType& type, nlohmann::json object) {
  int64_t revision = ++revision_;
  auto stored = std::make_shared<StoredObject>();
  nlohmann::json& metadata = object["metadata"];
  metadata["resourceVersion"] = std::to_string(revision);
  stored->name = text_of(metadata, "name");
  stored->namespace_name = type.namespaced ? text_of(metadata, "namespace") : "";
  stored->resource_version = revision;
  stored->labels = labels_of(object);
  stored->fields = fields_of(object, type);
  object.erase("apiVersion");
  object.erase("kind");
  stored->body = dump(object);

  std::string collection = type.collection();
  Versions& versions = collections_[collection][key_of(type, stored->namespace_name, stored->name)];
  ObjectPtr previous = versions.empty() ? nullptr : versions.back().object;
  prune(versions, compacted_);
  versions.push_back({revision, stored});
  record({revision, std::move(collection), previous ? EventType::kModified : EventType::kAdded, stored, previous});
  return stored;
}

ObjectPtr ObjectStore::remove(const StoreLock&, const ResourceType& type, std::string_view namespace_name,
                              std::string_view name) {
  return remove_key(type.collection(), key_of(type, namespace_name, name));
}

ObjectPtr ObjectStore::remove_key(const std::string& collection, const std::string& key) {
  auto found = collections_.find(collection);
  if (found == collections_.end()) return nullptr;
  auto versions = found->second.find(key);
  if (versions == found->second.end() || versions->second.empty() || !versions->second.back().object) return nullptr;
  ObjectPtr previous = versions->second.back().object;

  int64_t revision = ++revision_;
  // The DELETED event carries the last state with the deletion's revision.
  nlohmann::json last = nlohmann::json::parse(previous->body);
  last["metadata"]["resourceVersion"] = std::to_string(revision);
  auto deleted = std::make_shared<StoredObject>(*previous);
  deleted->body = dump(last);
  deleted->resource_version = revision;

  prune(versions->second, compacted_);
  versions->second.push_back({revision, nullptr});
  record({revision, collection, EventType::kDeleted, deleted, previous});
  return deleted;
}

void ObjectStore::remove_namespace_contents(const StoreLock&, std::string_view namespace_name) {
  std::string prefix = std::string(namespace_name) + "/";
  std::vector<std::pair<std::string, std::string>> doomed;  // collection, key
  for (const auto& [name, collection] : collections_)
    for (auto it = collection.lower_bound(prefix); it != collection.end() && it->first.starts_with(prefix); ++it)
      if (!it->second.empty() && it->second.back().object) doomed.emplace_back(name, it->first);
  for (const auto& [collection, key] : doomed) remove_key(collection, key);
}

void ObjectStore::remove_collection(const StoreLock&, const std::string& collection) {
  auto found = collections_.find(collection);
  if (found == collections_.end()) return;
  std::vector<std::string> keys;
  for (const auto& [key, versions] : found->second)
    if (!versions.empty() && versions.back().object) keys.push_back(key);
  for (const auto& key : keys) remove_key(collection, key);
}

std::vector<ObjectPtr> ObjectStore::all(const StoreLock& lock, const ResourceType& type,
                                        std::string_view namespace_name) const {
  ListQuery query;
  query.namespace_name = std::string(namespace_name);
  return list(lock, type, query).items;
}

ListPage ObjectStore::list(const StoreLock&, const ResourceType& type, const ListQuery& query) const {
  ListPage page;
  page.resource_version = query.at_revision ? query.at_revision : revision_;
  auto found = collections_.find(type.collection());
  if (found == collections_.end()) return page;
  const Collection& collection = found->second;
  std::string prefix = type.namespaced && !query.namespace_name.empty() ? query.namespace_name + "/" : "";
  const std::string& from = query.start_key > prefix ? query.start_key : prefix;
  std::string_view last_key;
  for (auto it = collection.lower_bound(from); it != collection.end() && it->first.starts_with(prefix); ++it) {
    const Version* version = version_at(it->second, query.at_revision);
    if (!version || !version->object) continue;
    if (query.limit > 0 && static_cast<int64_t>(page.items.size()) == query.limit) {
      // Another object exists after the page: the client continues from here.
      page.next_key = std::string(last_key) + '\0';
      break;
    }
    const StoredObject& object = *version->object;
    if (query.labels && !query.labels->matches(object.labels)) continue;
    if (query.fields && !query.fields->matches(object.fields)) continue;
    page.items.push_back(version->object);
    last_key = it->first;
  }
  return page;
}

ApiResult<std::vector<ChangeEvent>> ObjectStore::events_since(const StoreLock&, const std::string& collection,
                                                              int64_t resource_version) const {
  if (resource_version < compacted_)
    return std::unexpected(ApiError::expired("too old resource version: " + std::to_string(resource_version) + " (" +
                                             std::to_string(compacted_) + ")"));
  auto first = std::upper_bound(events_.begin(), events_.end(), resource_version,
                                [](int64_t rv, const ChangeEvent& event) { return rv < event.resource_version; });
  std::vector<ChangeEvent> out;
  for (auto it = first; it != events_.end(); ++it)
    if (it->collection == collection) out.push_back(*it);
  return out;
}

void ObjectStore::compact(const StoreLock&) { compact_to(revision_); }

void ObjectStore::record(ChangeEvent event) {
  events_.push_back(std::move(event));
  if (listener_) listener_->on_change(events_.back());
  // Compact in steps of a quarter window, so that the sweep over every key
  // costs little per write.
  if (window_ > 0 && revision_ - compacted_ > window_ + window_ / 4) compact_to(revision_ - window_);
}

void ObjectStore::compact_to(int64_t revision) {
  if (revision <= compacted_) return;
  compacted_ = revision;
  while (!events_.empty() && events_.front().resource_version <= revision) events_.pop_front();
  for (auto& [name, collection] : collections_) {
    for (auto it = collection.begin(); it != collection.end();) {
      prune(it->second, revision);
      it = it->second.empty() ? collection.erase(it) : std::next(it);
    }
  }
}

}  // namespace pier::testing::kube_double
