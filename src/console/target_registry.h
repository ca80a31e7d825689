// The places the console deploys to: every kubeconfig context (a cluster)
// and every gitops directory, each with its data center, and how to open one
// as a release::Target for a deploy.
//
//   auto registry = TargetRegistry::load({.kubeconfig = std::nullopt, .clusters_file = &file});
//   registry->find("prod-bj");            // null: 404 "no cluster prod-bj"
//   auto target = registry->open("prod-bj");
//   release::deploy_manifests(request, (*target)->target(), emit, stop);
//   registry->probe_all(std::chrono::seconds(3));   // for GET /clusters, cached briefly
//
// Kubernetes connections are made when first used and kept, so the
// kubeconfig's files (certificates, tokens) are read once per context; a
// failed connection is retried on the next use.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "console/clusters_file.h"
#include "kube/client.h"
#include "kube/connect.h"
#include "kube/kubeconfig.h"
#include "kube/rollout_watcher.h"
#include "release/target.h"

namespace pier::console {

enum class TargetKind { kKubernetes, kGitops };

struct TargetInfo {
  std::string name;        // the context's name, or the gitops target's
  std::string datacenter;  // "" when none is set
  TargetKind kind = TargetKind::kKubernetes;
  std::string server;      // the API server URL, or the gitops directory
  std::filesystem::path dir;  // gitops only
};

// An opened target: keeps what the Target refers to (a client) alive.
class OpenTarget {
 public:
  virtual ~OpenTarget() = default;
  virtual release::Target& target() = 0;
};

struct TargetSources {
  std::optional<std::string> kubeconfig;  // --kubeconfig; nullopt: KUBECONFIG, then ~/.kube/config
  bool use_kubeconfig = true;             // false: gitops targets only
  const ClustersFile* clusters_file = nullptr;
  std::vector<GitopsEntry> extra_gitops;  // --gitops NAME=DIR
  kube::KubeconfigEnvironment environment = kube::KubeconfigEnvironment::from_process();
  // How rollouts are followed (the timeout is each deploy's own).
  kube::RolloutWaitOptions rollout;
  const Clock* clock = &SystemClock::instance();
};

class TargetRegistry {
 public:
  // Errors: a kubeconfig that exists but cannot be read, a gitops target
  // named like a context or another gitops target. No kubeconfig at all is
  // fine: the console then offers its gitops targets only.
  static Result<std::unique_ptr<TargetRegistry>> load(const TargetSources& sources);

  // In data center order (as the clusters file lists them, then those in none), then by name.
  const std::vector<TargetInfo>& targets() const { return targets_; }
  const TargetInfo* find(std::string_view name) const;

  // kNotFound for an unknown name (with a suggestion); connection errors of a
  // cluster (kUnavailable, kInvalidInput for a bad kubeconfig entry).
  Result<std::unique_ptr<OpenTarget>> open(std::string_view name);

  // GET /clusters: each target with "reachable", "version" or "error". A
  // cluster is asked for its version (all at once, within `timeout`); the
  // answer is kept for `cache_for`. A gitops target is reachable when its
  // directory exists or can be created.
  nlohmann::json probe_all(std::chrono::milliseconds timeout, std::chrono::milliseconds cache_for = std::chrono::seconds(15));

 private:
  struct Probe {
    bool reachable = false;
    std::string version;
    std::string error;
    std::chrono::steady_clock::time_point at;
  };

  Result<std::shared_ptr<kube::Transport>> transport_for(const std::string& context);
  Probe probe(const TargetInfo& info, std::chrono::milliseconds timeout);

  std::vector<TargetInfo> targets_;
  std::optional<kube::Kubeconfig> kubeconfig_;
  const Clock* clock_ = &SystemClock::instance();
  kube::RolloutWaitOptions rollout_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<kube::Transport>, std::less<>> transports_;
  std::map<std::string, Probe, std::less<>> probes_;
};

std::string_view to_string(TargetKind kind);

}  // namespace pier::console
