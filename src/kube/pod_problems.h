// Why a rollout will not finish on its own: new pods that cannot pull their
// image, cannot start their containers, keep crashing or cannot be
// scheduled. Lets a rollout fail in seconds instead of at its deadline.
//
//   for (const PodProblem& p : find_rollout_pod_problems(deployment, objects, {}))
//     print(p.describe());
//   // pod web-7d9f-abcde: container web: CrashLoopBackOff: back-off 40s restarting failed
//   //   container=web pod=web-7d9f-abcde_shop(...) (restarted 3 times; last exit code 1)
//
// What counts, and why:
//   ErrImagePull, ImagePullBackOff, InvalidImageName, ErrImageNeverPull
//       at once: a wrong image name or tag, or missing pull credentials, do not
//       fix themselves within a rollout.
//   CreateContainerConfigError, CreateContainerError
//       at once: a missing Secret or ConfigMap key, a bad command or mount.
//   CrashLoopBackOff
//       from crash_loop_min_restarts restarts on (default 2, so the container
//       has failed three times): one crash while a dependency starts is normal.
//   PodScheduled=False, reason Unschedulable
//       reported here at once; whether it is fatal is time-dependent (a surge
//       pod waits for an old one to go), see FailFastTracker.
// Pods being deleted and pods that have finished (Succeeded, Failed) are
// skipped: they are on their way out.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "kube/workload_pods.h"

namespace pier::kube {

struct PodProblem {
  std::string pod;
  std::string container;  // empty for a scheduling problem
  bool init_container = false;
  std::string reason;   // the kubelet's waiting reason, or "Unschedulable"
  std::string message;  // the kubelet's or the scheduler's message
  int64_t restart_count = 0;
  std::optional<int64_t> last_exit_code;  // of the last terminated run
  std::string last_termination_reason;    // "Error", "OOMKilled", ...

  // "pod P: container C: REASON: MESSAGE (restarted N times; last exit code X: OOMKilled)";
  // "pod P: init container C: ..."; "pod P: Unschedulable: 0/3 nodes are available: ...".
  std::string describe() const;
  // describe() without the leading "pod P: ".
  std::string summary() const;

  // Same pod, container and reason: the same problem seen again.
  bool same_problem(const PodProblem& other) const;

  friend bool operator==(const PodProblem&, const PodProblem&) = default;
};

struct PodProblemPolicy {
  int64_t crash_loop_min_restarts = 2;
};

// Problems of one pod: init containers first, then containers, then scheduling.
std::vector<PodProblem> find_pod_problems(const nlohmann::json& pod, const PodProblemPolicy& policy = {});

// Problems of the pods of the workload's newest revision (current_revision_pods).
std::vector<PodProblem> find_rollout_pod_problems(const nlohmann::json& workload, const WorkloadObjects& objects,
                                                  const PodProblemPolicy& policy = {});

// True for the waiting reasons and the scheduling reason above.
bool is_problem_reason(std::string_view reason);

}  // namespace pier::kube
