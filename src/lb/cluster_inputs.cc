#include "lb/cluster_inputs.h"

#include <thread>

#include "lb/endpoint_slices.h"

namespace pier::lb {
namespace {

// The parts of a Service that decide its virtual services; its status is
// Pier's own write-back and must not trigger another full pass.
bool same_service_inputs(const nlohmann::json& a, const nlohmann::json& b) {
  auto part = [](const nlohmann::json& o, const char* key, const char* sub) -> const nlohmann::json* {
    auto it = o.find(key);
    if (it == o.end()) return nullptr;
    if (!sub) return &*it;
    auto inner = it->find(sub);
    return inner == it->end() ? nullptr : &*inner;
  };
  auto equal = [](const nlohmann::json* x, const nlohmann::json* y) {
    if (!x || !y) return x == y;
    return *x == *y;
  };
  return equal(part(a, "spec", nullptr), part(b, "spec", nullptr)) &&
         equal(part(a, "metadata", "annotations"), part(b, "metadata", "annotations"));
}

constexpr const char* kSliceIndex = "service";

}  // namespace

ClusterInputs::ClusterInputs(kube::Client& client, ClusterInputsOptions options, Clock& clock)
    : options_(std::move(options)) {
  kube::InformerOptions informer_options{.resync_period = options_.resync_period};
  if (!options_.configmap_name.empty()) {
    configmaps_ = std::make_unique<kube::Informer>(
        client, kube::GroupVersionKind{"", "v1", "ConfigMap"}, options_.configmap_namespace,
        kube::InformerSelectors{.field_selector = "metadata.name=" + options_.configmap_name}, clock, informer_options);
    configmaps_->add_handlers({.on_add = [this](const kube::ObjectPtr&) { note(true); },
                               .on_update = [this](const kube::ObjectPtr&, const kube::ObjectPtr&) { note(true); },
                               .on_delete = [this](const kube::ObjectPtr&) { note(true); }});
  }
  services_ = std::make_unique<kube::Informer>(client, kube::GroupVersionKind{"", "v1", "Service"}, "",
                                               kube::InformerSelectors{}, clock, informer_options);
  services_->add_handlers({.on_add = [this](const kube::ObjectPtr&) { note(true); },
                           .on_update =
                               [this](const kube::ObjectPtr& before, const kube::ObjectPtr& after) {
                                 // A resync delivers the same object twice: look again.
                                 if (before == after || !same_service_inputs(*before, *after)) note(true);
                               },
                           .on_delete = [this](const kube::ObjectPtr&) { note(true); }});
  slices_ = std::make_unique<kube::Informer>(client, kube::GroupVersionKind{"discovery.k8s.io", "v1", "EndpointSlice"},
                                             "", kube::InformerSelectors{}, clock, informer_options);
  (void)slices_->add_index(kSliceIndex, [](const nlohmann::json& slice) {
    std::string service = slice_service(slice);
    return service.empty() ? std::vector<std::string>{} : std::vector<std::string>{service};
  });
  auto slice_changed = [this](const kube::ObjectPtr& slice) {
    if (std::string service = slice_service(*slice); !service.empty()) note(false, service);
  };
  slices_->add_handlers({.on_add = slice_changed,
                         .on_update = [slice_changed](const kube::ObjectPtr& before, const kube::ObjectPtr& after) {
                           // A slice moved to another Service changes both.
                           slice_changed(before);
                           slice_changed(after);
                         },
                         .on_delete = slice_changed});
}

ClusterInputs::~ClusterInputs() = default;

void ClusterInputs::run(std::stop_token stop) {
  std::vector<std::jthread> threads;
  if (configmaps_) threads.emplace_back([this, stop] { configmaps_->run(stop); });
  threads.emplace_back([this, stop] { services_->run(stop); });
  threads.emplace_back([this, stop] { slices_->run(stop); });
  // Joined on return, once stop is requested and the informers return.
}

bool ClusterInputs::wait_for_sync(std::stop_token stop) const {
  if (configmaps_ && !configmaps_->wait_for_sync(stop)) return false;
  return services_->wait_for_sync(stop) && slices_->wait_for_sync(stop);
}

bool ClusterInputs::synced() const {
  return (!configmaps_ || configmaps_->has_synced()) && services_->has_synced() && slices_->has_synced();
}

void ClusterInputs::note(bool full, std::string endpoint_service) {
  {
    std::lock_guard lock(mutex_);
    if (full) pending_.full = true;
    if (!endpoint_service.empty()) pending_.endpoint_services.insert(std::move(endpoint_service));
  }
  changed_.notify_all();
}

void ClusterInputs::mark_all_changed() { note(true); }

InputChanges ClusterInputs::wait_for_changes(std::stop_token stop, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, stop, timeout, [this] { return !pending_.empty(); });
  InputChanges out = std::move(pending_);
  pending_ = {};
  return out;
}

Snapshot ClusterInputs::snapshot(const Config& config) const {
  Snapshot snapshot;
  snapshot.config = config;
  if (auto cm = configmap()) {
    if (auto data = cm->find("data"); data != cm->end() && data->is_object())
      for (const auto& [key, value] : data->items())
        if (value.is_string()) snapshot.configmap[key] = value.get<std::string>();
  }
  for (const auto& service : services_->store().list()) snapshot.services.push_back(*service);
  for (const auto& slice : slices_->store().list()) snapshot.endpoint_slices.push_back(*slice);
  return snapshot;
}

std::vector<kube::ObjectPtr> ClusterInputs::slices_of(const std::string& service) const {
  return slices_->store().by_index(kSliceIndex, service);
}

kube::ObjectPtr ClusterInputs::service(const std::string& key) const { return services_->store().get(key); }

kube::ObjectPtr ClusterInputs::configmap() const {
  if (!configmaps_) return nullptr;
  return configmaps_->store().get(kube::ObjectStore::key_of(options_.configmap_namespace, options_.configmap_name));
}

std::optional<Error> ClusterInputs::last_error() const {
  for (const auto* informer : {configmaps_.get(), services_.get(), slices_.get()})
    if (informer)
      if (auto error = informer->last_error()) return error;
  return std::nullopt;
}

}  // namespace pier::lb
