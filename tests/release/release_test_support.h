// Helpers shared by the release engine's tests: small objects, the bundled
// jetty app, a temporary directory, and an event recorder.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "catalog/app.h"
#include "release/deploy_events.h"
#include "release/manifest_set.h"

namespace pier::release::testing {

using nlohmann::json;

inline json object(const std::string& api_version, const std::string& kind, const std::string& ns,
                   const std::string& name) {
  json o = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  return o;
}

inline json config_map(const std::string& name, const std::string& ns = "shop", const json& data = {{"k", "v"}}) {
  json o = object("v1", "ConfigMap", ns, name);
  o["data"] = data;
  return o;
}

inline ManifestSet set_of(const std::vector<json>& objects) {
  std::vector<ManifestObject> list;
  for (const auto& o : objects) list.push_back({ObjectKey::of(o), o, "test/" + ObjectKey::of(o).kind});
  auto set = ManifestSet::from_objects(std::move(list));
  EXPECT_TRUE(set) << set.error().describe();
  return set ? *set : ManifestSet();
}

inline std::vector<std::string> kinds_of(const std::vector<ManifestObject>& objects) {
  std::vector<std::string> kinds;
  for (const auto& o : objects) kinds.push_back(o.key.kind);
  return kinds;
}

inline const catalog::App& app_named(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, catalog::App> apps;
  std::lock_guard lock(mutex);
  auto it = apps.find(name);
  if (it == apps.end()) {
    auto app = catalog::load_app(std::filesystem::path(PIER_SOURCE_DIR) / "catalog" / name);
    if (!app) throw std::runtime_error(app.error().describe());
    it = apps.emplace(name, std::move(*app)).first;
  }
  return it->second;
}

inline const catalog::App& jetty() { return app_named("jetty"); }

inline json jetty_sample() { return jetty().samples.at("default"); }

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("pier-release-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Records events from any thread.
class EventLog {
 public:
  EventSink sink() {
    return [this](const DeployEvent& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    };
  }
  std::vector<DeployEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& e : events()) out.emplace_back(to_string(e.type));
    return out;
  }
  std::vector<DeployEvent> of_type(DeployEventType type) const {
    std::vector<DeployEvent> out;
    for (const auto& e : events())
      if (e.type == type) out.push_back(e);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<DeployEvent> events_;
};

}  // namespace pier::release::testing
