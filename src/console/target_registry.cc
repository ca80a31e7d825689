#include "console/target_registry.h"

#include <algorithm>
#include <future>
#include <system_error>

#include "common/suggest.h"
#include "kube/cluster_probe.h"
#include "release/gitops_target.h"
#include "release/kube_target.h"

namespace pier::console {

std::string_view to_string(TargetKind kind) { return kind == TargetKind::kGitops ? "gitops" : "kubernetes"; }

namespace {

class OpenGitopsTarget final : public OpenTarget {
 public:
  OpenGitopsTarget(const std::filesystem::path& dir, const std::string& name) : target_(dir, name) {}
  release::Target& target() override { return target_; }

 private:
  release::GitopsTarget target_;
};

class OpenKubeTarget final : public OpenTarget {
 public:
  OpenKubeTarget(std::shared_ptr<kube::Transport> transport, const std::string& context,
                 const kube::RolloutWaitOptions& rollout)
      : client_(std::move(transport), context), target_(client_, release::KubeTargetOptions{.rollout = rollout}) {}
  release::Target& target() override { return target_; }

 private:
  kube::Client client_;
  release::KubeTarget target_;
};

}  // namespace

Result<std::unique_ptr<TargetRegistry>> TargetRegistry::load(const TargetSources& sources) {
  auto registry = std::unique_ptr<TargetRegistry>(new TargetRegistry());
  registry->clock_ = sources.clock;
  registry->rollout_ = sources.rollout;
  const ClustersFile empty;
  const ClustersFile& file = sources.clusters_file ? *sources.clusters_file : empty;

  if (sources.use_kubeconfig) {
    auto files = kube::kubeconfig_files(sources.kubeconfig, sources.environment);
    bool any = std::any_of(files.begin(), files.end(), [](const auto& f) { return std::filesystem::exists(f); });
    if (sources.kubeconfig || any) {
      auto kubeconfig = kube::load_kubeconfig(files);
      if (!kubeconfig) return fail(kubeconfig.error());
      for (const auto& context : kube::list_contexts(*kubeconfig)) {
        std::string datacenter = file.datacenter_of(context.name);
        if (datacenter.empty() && file.only_listed_contexts) continue;
        registry->targets_.push_back(
            {.name = context.name, .datacenter = datacenter, .kind = TargetKind::kKubernetes, .server = context.server});
      }
      registry->kubeconfig_ = std::move(*kubeconfig);
    }
  }

  std::vector<GitopsEntry> gitops = file.gitops;
  gitops.insert(gitops.end(), sources.extra_gitops.begin(), sources.extra_gitops.end());
  for (const auto& entry : gitops) {
    if (registry->find(entry.name))
      return fail(Error::invalid("gitops target \"" + entry.name + "\": the name is already a cluster or a target"));
    registry->targets_.push_back({.name = entry.name,
                                  .datacenter = entry.datacenter,
                                  .kind = TargetKind::kGitops,
                                  .server = entry.dir.string(),
                                  .dir = entry.dir});
  }

  // Data centers in the file's order, unassigned targets last.
  auto rank = [&](const TargetInfo& t) {
    for (size_t i = 0; i < file.datacenters.size(); ++i)
      if (file.datacenters[i].name == t.datacenter) return i;
    return t.datacenter.empty() ? file.datacenters.size() + 1 : file.datacenters.size();
  };
  std::stable_sort(registry->targets_.begin(), registry->targets_.end(), [&](const TargetInfo& a, const TargetInfo& b) {
    auto ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb;
    if (a.datacenter != b.datacenter) return a.datacenter < b.datacenter;
    return a.name < b.name;
  });
  return registry;
}

const TargetInfo* TargetRegistry::find(std::string_view name) const {
  for (const auto& t : targets_)
    if (t.name == name) return &t;
  return nullptr;
}

Result<std::shared_ptr<kube::Transport>> TargetRegistry::transport_for(const std::string& context) {
  std::lock_guard lock(mutex_);
  if (auto it = transports_.find(context); it != transports_.end()) return it->second;
  if (!kubeconfig_) return fail(Error::not_found("no kubeconfig defines context " + context));
  auto config = kube::resolve_context(*kubeconfig_, context);
  if (!config) return fail(config.error());
  auto transport = kube::connect(*config);
  if (!transport) return fail(transport.error());
  transports_.emplace(context, *transport);
  return *transport;
}

Result<std::unique_ptr<OpenTarget>> TargetRegistry::open(std::string_view name) {
  const TargetInfo* info = find(name);
  if (!info) {
    std::vector<std::string_view> names;
    for (const auto& t : targets_) names.push_back(t.name);
    std::string message = "no cluster or target named \"" + std::string(name) + "\"";
    if (auto close = closest_name(name, names)) message += "; did you mean \"" + *close + "\"?";
    return fail(Error::not_found(std::move(message)));
  }
  if (info->kind == TargetKind::kGitops)
    return std::unique_ptr<OpenTarget>(std::make_unique<OpenGitopsTarget>(info->dir, info->name));
  auto transport = transport_for(info->name);
  if (!transport) return fail(transport.error());
  return std::unique_ptr<OpenTarget>(std::make_unique<OpenKubeTarget>(*transport, info->name, rollout_));
}

TargetRegistry::Probe TargetRegistry::probe(const TargetInfo& info, std::chrono::milliseconds timeout) {
  Probe result;
  result.at = clock_->now();
  if (info.kind == TargetKind::kGitops) {
    std::error_code ec;
    std::filesystem::create_directories(info.dir, ec);
    result.reachable = !ec && std::filesystem::is_directory(info.dir);
    if (!result.reachable) result.error = info.dir.string() + ": " + (ec ? ec.message() : "not a directory");
    return result;
  }
  if (!kubeconfig_) {
    result.error = "no kubeconfig";
    return result;
  }
  kube::ClusterProbe p = kube::probe_cluster(*kubeconfig_, info.name, timeout);
  result.reachable = p.reachable;
  result.version = std::move(p.version);
  result.error = std::move(p.error);
  return result;
}

nlohmann::json TargetRegistry::probe_all(std::chrono::milliseconds timeout, std::chrono::milliseconds cache_for) {
  auto now = clock_->now();
  std::vector<std::future<Probe>> pending(targets_.size());
  std::vector<std::optional<Probe>> known(targets_.size());
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < targets_.size(); ++i)
      if (auto it = probes_.find(targets_[i].name); it != probes_.end() && now - it->second.at < cache_for)
        known[i] = it->second;
  }
  for (size_t i = 0; i < targets_.size(); ++i)
    if (!known[i]) pending[i] = std::async(std::launch::async, [this, i, timeout] { return probe(targets_[i], timeout); });
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < targets_.size(); ++i) {
    if (!known[i]) {
      known[i] = pending[i].get();
      std::lock_guard lock(mutex_);
      probes_[targets_[i].name] = *known[i];
    }
    const TargetInfo& t = targets_[i];
    const Probe& p = *known[i];
    nlohmann::json entry = {{"name", t.name},   {"datacenter", t.datacenter}, {"kind", to_string(t.kind)},
                            {"server", t.server}, {"reachable", p.reachable}};
    if (p.reachable && !p.version.empty()) entry["version"] = p.version;
    if (!p.reachable) entry["error"] = p.error;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace pier::console
