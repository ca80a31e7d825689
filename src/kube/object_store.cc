#include "kube/object_store.h"

#include <mutex>

namespace pier::kube {
namespace {

std::string metadata_string(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return {};
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return {};
  auto it = metadata->find(name);
  return it != metadata->end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string ObjectStore::key_of(std::string_view namespace_name, std::string_view name) {
  if (namespace_name.empty()) return std::string(name);
  std::string key(namespace_name);
  key += '/';
  key += name;
  return key;
}

std::string ObjectStore::key_of(const nlohmann::json& object) {
  return key_of(metadata_string(object, "namespace"), metadata_string(object, "name"));
}

std::vector<std::string> ObjectStore::index_values(const Index& index, const nlohmann::json& object) const {
  try {
    return index.function(object);
  } catch (const nlohmann::json::exception&) {
    return {};  // an object without the indexed field: indexed under nothing
  }
}

void ObjectStore::index_locked(const std::string& key, const nlohmann::json& object) {
  keys_by_namespace_[metadata_string(object, "namespace")].insert(key);
  for (auto& [name, index] : indexes_) {
    auto values = index_values(index, object);
    for (const auto& value : values) index.keys_by_value[value].insert(key);
    index.values_by_key[key] = std::move(values);
  }
}

void ObjectStore::unindex_locked(const std::string& key) {
  auto existing = objects_.find(key);
  if (existing == objects_.end()) return;
  const std::string namespace_name = metadata_string(*existing->second, "namespace");
  if (auto ns = keys_by_namespace_.find(namespace_name); ns != keys_by_namespace_.end()) {
    ns->second.erase(key);
    if (ns->second.empty()) keys_by_namespace_.erase(ns);
  }
  for (auto& [name, index] : indexes_) {
    auto values = index.values_by_key.find(key);
    if (values == index.values_by_key.end()) continue;
    for (const auto& value : values->second) {
      auto keys = index.keys_by_value.find(value);
      if (keys == index.keys_by_value.end()) continue;
      keys->second.erase(key);
      if (keys->second.empty()) index.keys_by_value.erase(keys);
    }
    index.values_by_key.erase(values);
  }
}

std::vector<ObjectPtr> ObjectStore::objects_for_locked(const std::set<std::string>& keys) const {
  std::vector<ObjectPtr> out;
  out.reserve(keys.size());
  for (const auto& key : keys)
    if (auto it = objects_.find(key); it != objects_.end()) out.push_back(it->second);
  return out;
}

Result<void> ObjectStore::add_index(std::string name, IndexFunction function) {
  std::unique_lock lock(mutex_);
  if (indexes_.contains(name)) return fail(Error::invalid("object store: index \"" + name + "\" exists already"));
  Index& index = indexes_[name];
  index.function = std::move(function);
  for (const auto& [key, object] : objects_) {
    auto values = index_values(index, *object);
    for (const auto& value : values) index.keys_by_value[value].insert(key);
    index.values_by_key[key] = std::move(values);
  }
  return {};
}

ObjectPtr ObjectStore::get(std::string_view key) const {
  std::shared_lock lock(mutex_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> ObjectStore::list() const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(object);
  return out;
}

std::vector<std::string> ObjectStore::keys() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(key);
  return out;
}

std::vector<ObjectPtr> ObjectStore::by_namespace(std::string_view namespace_name) const {
  std::shared_lock lock(mutex_);
  auto it = keys_by_namespace_.find(namespace_name);
  return it == keys_by_namespace_.end() ? std::vector<ObjectPtr>{} : objects_for_locked(it->second);
}

std::vector<ObjectPtr> ObjectStore::by_index(std::string_view index_name, std::string_view value) const {
  std::shared_lock lock(mutex_);
  auto index = indexes_.find(index_name);
  if (index == indexes_.end()) return {};
  auto keys = index->second.keys_by_value.find(value);
  return keys == index->second.keys_by_value.end() ? std::vector<ObjectPtr>{} : objects_for_locked(keys->second);
}

std::size_t ObjectStore::size() const {
  std::shared_lock lock(mutex_);
  return objects_.size();
}

std::string ObjectStore::resource_version() const {
  std::shared_lock lock(mutex_);
  return resource_version_;
}

void ObjectStore::set_resource_version(std::string resource_version) {
  std::unique_lock lock(mutex_);
  resource_version_ = std::move(resource_version);
}

ObjectPtr ObjectStore::upsert(ObjectPtr object) {
  if (!object) return nullptr;
  std::string key = key_of(*object);
  std::unique_lock lock(mutex_);
  unindex_locked(key);
  index_locked(key, *object);
  auto [it, inserted] = objects_.try_emplace(key, object);
  if (inserted) return nullptr;
  return std::exchange(it->second, std::move(object));
}

ObjectPtr ObjectStore::remove(std::string_view key) {
  std::unique_lock lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  unindex_locked(it->first);
  ObjectPtr removed = std::move(it->second);
  objects_.erase(it);
  return removed;
}

void ObjectStore::replace(std::vector<ObjectPtr> objects, std::string resource_version) {
  std::unique_lock lock(mutex_);
  objects_.clear();
  keys_by_namespace_.clear();
  for (auto& [name, index] : indexes_) {
    index.keys_by_value.clear();
    index.values_by_key.clear();
  }
  for (auto& object : objects) {
    if (!object) continue;
    std::string key = key_of(*object);
    unindex_locked(key);  // a duplicate key in the input: the last one wins
    index_locked(key, *object);
    objects_.insert_or_assign(std::move(key), std::move(object));
  }
  resource_version_ = std::move(resource_version);
}

}  // namespace pier::kube
