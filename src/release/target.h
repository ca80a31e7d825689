// Where a release is deployed: the side effects of a deploy, behind one
// interface so that the deployer (deployer.h) is the same for a cluster
// (kube_target.h) and for a directory of manifests that Argo CD or Flux
// applies (gitops_target.h), and so that tests can stand in for either.
//
//   Target& target = ...;
//   auto diffs = target.live_diff(plan, settings);          // touches nothing
//   for (size_t i = 0; i < plan.apply.size(); ++i) target.apply(plan, i, settings);
//   for (size_t i = 0; i < plan.remove.size(); ++i) target.remove(plan, i);
//   target.commit(plan);
//   auto ready = target.wait_ready(plan, emit, std::chrono::minutes(5), stop);
//
// The deployer calls these in that order for one plan at a time per
// release (the console holds a lock per release); different releases may
// be deployed to one target from several threads at once.
#pragma once

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/error.h"
#include "release/deploy_events.h"
#include "release/object_diff.h"
#include "release/release_plan.h"

namespace pier::release {

struct ApplySettings {
  // Take over fields that another field manager owns; only when the user asks.
  bool force_conflicts = false;
};

enum class ReadyState {
  kReady,    // every workload rolled out (or the target has nothing to wait for)
  kFailed,   // a rollout failed, timed out, or could not be followed: see error
  kStopped,  // stop was requested while waiting
};

struct ReadyOutcome {
  ReadyState state = ReadyState::kReady;
  std::optional<Error> error;  // when failed: why, with one detail per pod problem
};

class Target {
 public:
  virtual ~Target() = default;

  // For messages: "cluster prod-bj", "gitops directory /srv/gitops/prod-bj".
  virtual std::string describe() const = 0;

  // What applying the plan would change, compared with the target's live
  // state: objects of plan.apply in order, then objects that will be
  // removed and are still there. Touches nothing.
  virtual Result<std::vector<ObjectDiff>> live_diff(const ReleasePlan& plan, const ApplySettings& settings) = 0;

  // Applies plan.apply[index]. Called for index 0, 1, ... in order.
  virtual Result<void> apply(const ReleasePlan& plan, size_t index, const ApplySettings& settings) = 0;

  // Deletes plan.remove[index]; an object already gone is not an error.
  // Called after every apply, for index 0, 1, ... in order.
  virtual Result<void> remove(const ReleasePlan& plan, size_t index) = 0;

  // After the applies and removals: makes them take effect, for a target
  // that can make a whole release change at once (gitops swaps the
  // directory). A deploy that stops before commit leaves such a target as
  // it was.
  virtual Result<void> commit(const ReleasePlan& plan) = 0;

  // Waits until the workloads of plan.apply have rolled out, reporting
  // progress and pod problems through emit (which the deployer never
  // passes empty). A zero timeout waits until ready, failed or stopped.
  virtual ReadyOutcome wait_ready(const ReleasePlan& plan, const EventSink& emit, std::chrono::milliseconds timeout,
                                  std::stop_token stop) = 0;
};

}  // namespace pier::release
