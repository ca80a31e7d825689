// Which pod problems end a rollout now. Every problem find_pod_problems
// reports is fatal at once, except Unschedulable: during a rolling update a
// surge pod is routinely unschedulable until an old pod makes room (required
// anti-affinity, tight quotas), so it fails the rollout only after it has
// persisted for a grace period, measured on our own clock from the first time
// we saw it.
//
//   FailFastTracker tracker(std::chrono::minutes(2));
//   std::vector<PodProblem> fatal = tracker.fatal(find_rollout_pod_problems(...), clock.now());
//   if (!fatal.empty()) ... fail the rollout
#pragma once

#include <chrono>
#include <vector>

#include "kube/pod_problems.h"

namespace pier::kube {

class FailFastTracker {
 public:
  explicit FailFastTracker(std::chrono::steady_clock::duration unschedulable_grace)
      : unschedulable_grace_(unschedulable_grace) {}

  // The subset of `current` that should fail the rollout at `now`. A problem
  // missing from `current` is forgotten: if it comes back, its grace starts over.
  std::vector<PodProblem> fatal(const std::vector<PodProblem>& current, std::chrono::steady_clock::time_point now);

 private:
  struct Seen {
    PodProblem problem;
    std::chrono::steady_clock::time_point since;
  };
  std::chrono::steady_clock::duration unschedulable_grace_;
  std::vector<Seen> waiting_;  // Unschedulable problems still in their grace period
};

}  // namespace pier::kube
