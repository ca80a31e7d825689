// Waits for a Deployment, StatefulSet or DaemonSet to finish rolling out, as
// `kubectl rollout status` does, and fails fast when its new pods cannot
// come up (pod_problems.h) instead of waiting for the deadline.
//
//   auto outcome = wait_for_rollout(client, {"apps", "v1", "Deployment"}, "shop", "web",
//                                   {.timeout = std::chrono::minutes(5)},
//                                   [](const std::string& line) { std::cout << line << "\n"; }, stop);
//   if (!outcome) return fail(outcome.error());            // not found, OnDelete, API unreachable
//   if (!outcome->done()) return fail(outcome->to_error());  // failed or timed out
//
// The object is watched (fieldSelector metadata.name=NAME) from the
// resourceVersion of a list, re-watched when the server ends the watch or
// the connection drops, and listed again on 410 Gone. Between events the
// new revision's pods are checked every poll_interval. Progress lines
// (kubectl's messages) are reported only when they change, the final one
// included: a caller that prints them need not print the message of a
// kDone outcome again (it is that last line). Failures and time-outs are
// not progress lines: they are in the outcome's message only.
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "kube/client.h"
#include "kube/pod_problems.h"
#include "kube/resource.h"
#include "kube/sleeper.h"

namespace pier::kube {

struct RolloutWaitOptions {
  // How long to wait in all; zero waits until done or stopped.
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  // false: read the object every poll_interval instead of watching it.
  bool watch = true;
  // Between reads when polling, and between pod checks either way.
  std::chrono::milliseconds poll_interval{std::chrono::seconds(2)};
  // Check the new pods and fail on the problems pod_problems.h describes.
  bool fail_fast = true;
  PodProblemPolicy problems;
  // How long a new pod may stay Unschedulable before that fails the rollout
  // (a surge pod waits for an old one to make room).
  std::chrono::seconds unschedulable_grace{std::chrono::minutes(2)};
};

enum class RolloutState {
  kDone,      // rolled out: message is kubectl's success line
  kFailed,    // progress deadline exceeded, or new pods that cannot come up (problems)
  kTimedOut,  // options.timeout passed: message has the last status
  kStopped,   // stop was requested
};

struct RolloutOutcome {
  RolloutState state = RolloutState::kDone;
  std::string message;
  std::vector<PodProblem> problems;  // the fatal ones, when pods failed the rollout

  bool done() const { return state == RolloutState::kDone; }
  // For callers that stop on anything but done: code kUnavailable
  // (Retry::kNo), the message, one detail per pod problem.
  Error to_error() const;
};

// Errors: kInvalidInput for a kind without rollout status or an OnDelete
// update strategy; kNotFound when the object does not exist or is deleted
// while waiting; kDenied; kUnavailable (Retry::kYes) when the object could
// never be read. Once it has been read, API trouble is retried until the
// timeout, which then reports the last error with the last status.
Result<RolloutOutcome> wait_for_rollout(Client& client, const GroupVersionKind& gvk, std::string_view namespace_name,
                                        std::string_view name, const RolloutWaitOptions& options,
                                        const std::function<void(const std::string& line)>& progress,
                                        std::stop_token stop, Clock& clock = SystemClock::instance(),
                                        Sleeper& sleeper = SystemSleeper::instance());

// "5m0s", "1m30s", "45s", "1.5s", "2h0m0s": how Go prints a duration, as
// the timeouts users pass are written that way.
std::string go_duration_text(std::chrono::milliseconds duration);

}  // namespace pier::kube
