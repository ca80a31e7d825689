#include "kube/pod_problems.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "kube/json_fields.h"

namespace pier::kube {

namespace {

using fields::find;
using fields::int_at;
using fields::optional_int_at;
using fields::string_at;

constexpr std::string_view kCrashLoopBackOff = "CrashLoopBackOff";
constexpr std::string_view kUnschedulable = "Unschedulable";

// Waiting reasons that end a rollout as soon as they are seen.
constexpr std::array<std::string_view, 6> kImmediateReasons = {
    "ErrImagePull",      "ImagePullBackOff",           "InvalidImageName",
    "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError",
};

bool is_immediate(std::string_view reason) {
  return std::find(kImmediateReasons.begin(), kImmediateReasons.end(), reason) != kImmediateReasons.end();
}

bool is_on_its_way_out(const nlohmann::json& pod) {
  const nlohmann::json* deletion = find(pod, {"metadata", "deletionTimestamp"});
  if (deletion != nullptr && !deletion->is_null()) return true;
  std::string phase = string_at(pod, {"status", "phase"});
  return phase == "Succeeded" || phase == "Failed";
}

void add_container_problems(const std::string& pod_name, const nlohmann::json& pod, const char* statuses_key,
                            bool init_containers, const PodProblemPolicy& policy, std::vector<PodProblem>& out) {
  const nlohmann::json* statuses = find(pod, {"status", statuses_key});
  if (statuses == nullptr || !statuses->is_array()) return;
  for (const auto& status : *statuses) {
    const nlohmann::json* waiting = find(status, {"state", "waiting"});
    if (waiting == nullptr) continue;
    std::string reason = string_at(*waiting, {"reason"});
    int64_t restarts = int_at(status, {"restartCount"});
    bool counts = is_immediate(reason) || (reason == kCrashLoopBackOff && restarts >= policy.crash_loop_min_restarts);
    if (!counts) continue;

    PodProblem problem;
    problem.pod = pod_name;
    problem.container = string_at(status, {"name"});
    problem.init_container = init_containers;
    problem.reason = reason;
    problem.message = string_at(*waiting, {"message"});
    problem.restart_count = restarts;
    if (const nlohmann::json* terminated = find(status, {"lastState", "terminated"})) {
      problem.last_exit_code = optional_int_at(*terminated, {"exitCode"});
      problem.last_termination_reason = string_at(*terminated, {"reason"});
    }
    out.push_back(std::move(problem));
  }
}

void add_scheduling_problem(const std::string& pod_name, const nlohmann::json& pod, std::vector<PodProblem>& out) {
  const nlohmann::json* conditions = find(pod, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return;
  for (const auto& condition : *conditions) {
    if (string_at(condition, {"type"}) == "PodScheduled" && string_at(condition, {"status"}) == "False" &&
        string_at(condition, {"reason"}) == kUnschedulable) {
      PodProblem problem;
      problem.pod = pod_name;
      problem.reason = std::string(kUnschedulable);
      problem.message = string_at(condition, {"message"});
      out.push_back(std::move(problem));
      return;
    }
  }
}

}  // namespace

std::string PodProblem::describe() const { return "pod " + pod + ": " + summary(); }

std::string PodProblem::summary() const {
  std::string out;
  if (!container.empty()) out += (init_container ? "init container " : "container ") + container + ": ";
  out += reason;
  if (!message.empty()) out += ": " + message;

  std::string history;
  if (restart_count > 0)
    history = "restarted " + std::to_string(restart_count) + (restart_count == 1 ? " time" : " times");
  if (last_exit_code) {
    if (!history.empty()) history += "; ";
    history += "last exit code " + std::to_string(*last_exit_code);
    if (!last_termination_reason.empty() && last_termination_reason != "Error")
      history += ": " + last_termination_reason;
  }
  if (!history.empty()) out += " (" + history + ")";
  return out;
}

bool PodProblem::same_problem(const PodProblem& other) const {
  return pod == other.pod && container == other.container && init_container == other.init_container &&
         reason == other.reason;
}

bool is_problem_reason(std::string_view reason) {
  return is_immediate(reason) || reason == kCrashLoopBackOff || reason == kUnschedulable;
}

std::vector<PodProblem> find_pod_problems(const nlohmann::json& pod, const PodProblemPolicy& policy) {
  std::vector<PodProblem> problems;
  if (is_on_its_way_out(pod)) return problems;
  const std::string pod_name = fields::name_of(pod);
  add_container_problems(pod_name, pod, "initContainerStatuses", true, policy, problems);
  add_container_problems(pod_name, pod, "containerStatuses", false, policy, problems);
  add_scheduling_problem(pod_name, pod, problems);
  return problems;
}

std::vector<PodProblem> find_rollout_pod_problems(const nlohmann::json& workload, const WorkloadObjects& objects,
                                                  const PodProblemPolicy& policy) {
  std::vector<const nlohmann::json*> pods = current_revision_pods(workload, objects);
  // Stable output whatever order the list came in.
  std::sort(pods.begin(), pods.end(),
            [](const nlohmann::json* a, const nlohmann::json* b) { return fields::name_of(*a) < fields::name_of(*b); });
  std::vector<PodProblem> problems;
  for (const nlohmann::json* pod : pods) {
    std::vector<PodProblem> of_pod = find_pod_problems(*pod, policy);
    problems.insert(problems.end(), std::make_move_iterator(of_pod.begin()), std::make_move_iterator(of_pod.end()));
  }
  return problems;
}

}  // namespace pier::kube
