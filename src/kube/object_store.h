// The informer's cache: the objects of one kind as last seen, by key, with
// an index by namespace and optional indexes of the user's own.
//
//   ObjectStore store;
//   store.add_index("service", [](const nlohmann::json& slice) {   // EndpointSlices by Service
//     const auto& meta = slice.at("metadata");
//     auto service = meta.value("labels", nlohmann::json::object()).value("kubernetes.io/service-name", "");
//     if (service.empty()) return std::vector<std::string>{};
//     return std::vector<std::string>{meta.value("namespace", "") + "/" + service};
//   });
//   for (const ObjectPtr& slice : store.by_index("service", "web/jetty")) ...
//
// Keys are "namespace/name", or "name" for cluster-scoped objects. Cached
// objects are immutable and shared (std::shared_ptr<const json>): readers
// keep what they got even after the store moved on; copy before changing.
// Index values are taken as the function returns them: qualify them with
// the namespace ("web/jetty", as above) when equal names in two namespaces
// must not mix.
// Thread-safe: any number of readers, writes (by the informer) exclusive.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::kube {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;

class ObjectStore {
 public:
  // The values an object is indexed under (none is fine). Must not throw;
  // a nlohmann::json exception counts as no value.
  using IndexFunction = std::function<std::vector<std::string>(const nlohmann::json& object)>;

  // "namespace/name", or "name" when the object has no namespace.
  static std::string key_of(const nlohmann::json& object);
  static std::string key_of(std::string_view namespace_name, std::string_view name);

  // Adds an index, computed over the objects already there too. kInvalidInput
  // when the name is taken.
  Result<void> add_index(std::string name, IndexFunction function);

  ObjectPtr get(std::string_view key) const;  // nullptr when absent
  std::vector<ObjectPtr> list() const;         // by key
  std::vector<std::string> keys() const;       // sorted
  std::vector<ObjectPtr> by_namespace(std::string_view namespace_name) const;
  // Objects whose index function returned `value`, by key; empty for an
  // unknown index.
  std::vector<ObjectPtr> by_index(std::string_view index_name, std::string_view value) const;
  std::size_t size() const;

  // The resourceVersion the cache reflects: of the last list, event or bookmark.
  std::string resource_version() const;
  void set_resource_version(std::string resource_version);

  // Writers. Each returns the object it displaced (nullptr if none).
  ObjectPtr upsert(ObjectPtr object);
  ObjectPtr remove(std::string_view key);
  // Everything at once, after a (re)list.
  void replace(std::vector<ObjectPtr> objects, std::string resource_version);

 private:
  struct Index {
    IndexFunction function;
    std::map<std::string, std::set<std::string>, std::less<>> keys_by_value;
    std::map<std::string, std::vector<std::string>, std::less<>> values_by_key;
  };

  std::vector<std::string> index_values(const Index& index, const nlohmann::json& object) const;
  void index_locked(const std::string& key, const nlohmann::json& object);
  void unindex_locked(const std::string& key);
  std::vector<ObjectPtr> objects_for_locked(const std::set<std::string>& keys) const;

  mutable std::shared_mutex mutex_;
  std::map<std::string, ObjectPtr, std::less<>> objects_;
  std::map<std::string, std::set<std::string>, std::less<>> keys_by_namespace_;
  std::map<std::string, Index, std::less<>> indexes_;
  std::string resource_version_;
};

}  // namespace pier::kube
