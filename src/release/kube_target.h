// A release's target that is a Kubernetes cluster, through kube::Client:
//   live_diff  server-side apply with dryRun=All of each object, compared with
//              the live object (both without server fields): what the object
//              will be, server defaults included, against what it is; a 404
//              on the live object means added (shown as rendered: the dry
//              run's allocations, such as a clusterIP, are made up again on
//              the real create). Objects in a Namespace the
//              same release creates cannot be dry-run (the server answers
//              404 for the namespace): they are reported added, with a note.
//   apply      server-side apply, field manager "pier", force only when asked.
//   remove     delete with propagationPolicy Background; 404 = already gone.
//   wait_ready kube::wait_for_rollout for each Deployment, StatefulSet and
//              DaemonSet, one after the other within the timeout, fail-fast
//              on: progress lines become rollout events, pod problems
//              pod_problem events.
//
//   kube::Client client(connection.transport, "prod-bj");
//   KubeTarget target(client);
//   auto outcome = deploy(request, target, emit, stop);
#pragma once

#include <string>

#include "common/clock.h"
#include "kube/client.h"
#include "kube/rollout_watcher.h"
#include "kube/sleeper.h"
#include "release/target.h"

namespace pier::release {

struct KubeTargetOptions {
  std::string field_manager = "pier";
  // How rollouts are followed; the timeout is the deploy's, set per wait.
  kube::RolloutWaitOptions rollout;
  Clock* clock = &SystemClock::instance();
  kube::Sleeper* sleeper = &kube::SystemSleeper::instance();
};

// Holds the client by reference: it must outlive the target.
class KubeTarget final : public Target {
 public:
  explicit KubeTarget(kube::Client& client, KubeTargetOptions options = {});

  std::string describe() const override;
  Result<std::vector<ObjectDiff>> live_diff(const ReleasePlan& plan, const ApplySettings& settings) override;
  Result<void> apply(const ReleasePlan& plan, size_t index, const ApplySettings& settings) override;
  Result<void> remove(const ReleasePlan& plan, size_t index) override;
  // Nothing to do: each apply and removal took effect at once.
  Result<void> commit(const ReleasePlan& plan) override;
  ReadyOutcome wait_ready(const ReleasePlan& plan, const EventSink& emit, std::chrono::milliseconds timeout,
                          std::stop_token stop) override;

 private:
  Result<ObjectDiff> diff_applied(const ManifestObject& object, const ApplySettings& settings,
                                  const std::vector<std::string>& namespaces_created);
  kube::ApplyOptions apply_options(const ApplySettings& settings, bool dry_run) const;

  kube::Client& client_;
  KubeTargetOptions options_;
};

// True for the kinds whose rollout wait_ready follows: apps Deployment,
// StatefulSet and DaemonSet.
bool has_rollout(const ObjectKey& key);

}  // namespace pier::release
