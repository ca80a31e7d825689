#include "kube/fail_fast.h"

#include <algorithm>

namespace pier::kube {

std::vector<PodProblem> FailFastTracker::fatal(const std::vector<PodProblem>& current,
                                               std::chrono::steady_clock::time_point now) {
  std::vector<PodProblem> fatal;
  std::vector<Seen> still_waiting;
  for (const PodProblem& problem : current) {
    if (problem.reason != "Unschedulable") {
      fatal.push_back(problem);
      continue;
    }
    auto seen =
        std::find_if(waiting_.begin(), waiting_.end(), [&](const Seen& s) { return s.problem.same_problem(problem); });
    auto since = seen != waiting_.end() ? seen->since : now;
    if (now - since >= unschedulable_grace_) fatal.push_back(problem);
    still_waiting.push_back({problem, since});
  }
  waiting_ = std::move(still_waiting);
  return fatal;
}

}  // namespace pier::kube
