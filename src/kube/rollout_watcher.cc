#include "kube/rollout_watcher.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <utility>

#include "kube/fail_fast.h"
#include "kube/json_fields.h"
#include "kube/rollout_status.h"
#include "kube/workload_pods.h"

namespace pier::kube {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = std::chrono::steady_clock::time_point;

const GroupVersionKind kPodKind{"", "v1", "Pod"};
const GroupVersionKind kReplicaSetKind{"apps", "v1", "ReplicaSet"};
const GroupVersionKind kControllerRevisionKind{"apps", "v1", "ControllerRevision"};

constexpr milliseconds kFirstBackoff = seconds(1);
constexpr milliseconds kMaxBackoff = seconds(30);
// What Client::watch asks the server for by default; shorter when a pod
// check or the deadline comes first.
constexpr seconds kLongestWatch{300};
// A watch the server ends sooner than this without an event is not
// retried at once: a misbehaving proxy must not make us spin.
constexpr milliseconds kShortestWatch = seconds(1);

// spec.selector.matchLabels as a label selector ("app=web,tier=front").
// matchExpressions are left out: the list is then wider, and ownership
// (workload_pods.h) narrows it to the workload's own objects anyway.
std::string label_selector_of(const nlohmann::json& workload) {
  const nlohmann::json* labels = fields::find(workload, {"spec", "selector", "matchLabels"});
  std::string selector;
  if (labels == nullptr || !labels->is_object()) return selector;
  for (const auto& [key, value] : labels->items()) {
    if (!value.is_string()) continue;
    if (!selector.empty()) selector += ',';
    selector += key + "=" + value.get<std::string>();
  }
  return selector;
}

std::string resource_version_of(const nlohmann::json& object) {
  return fields::string_at(object, {"metadata", "resourceVersion"});
}

// One wait: the state of the loop, so each step reads as one function.
class RolloutWait {
 public:
  using Verdict = std::optional<Result<RolloutOutcome>>;  // nullopt: keep waiting

  RolloutWait(Client& client, const GroupVersionKind& gvk, std::string_view namespace_name, std::string_view name,
              const RolloutWaitOptions& options, const std::function<void(const std::string&)>& progress,
              std::stop_token stop, Clock& clock, Sleeper& sleeper)
      : client_(client),
        gvk_(gvk),
        namespace_name_(namespace_name),
        name_(name),
        options_(options),
        progress_(progress),
        stop_(std::move(stop)),
        clock_(clock),
        sleeper_(sleeper),
        tracker_(options.unschedulable_grace),
        started_(clock.now()),
        next_pod_check_(started_) {
    if (options_.timeout.count() > 0) deadline_ = started_ + options_.timeout;
    ref_ = gvk_.kind + " " + namespace_name_ + "/" + name_;
    context_ = client_.context_name().empty() ? "" : "context " + client_.context_name() + ": ";
  }

  Result<RolloutOutcome> run() {
    if (!has_rollout_status(gvk_.kind))  // refused in rollout_status's words, before any request
      return fail(*rollout_status({{"apiVersion", gvk_.api_version()}, {"kind", gvk_.kind}}).error);
    while (true) {
      if (stop_.stop_requested()) return finish(RolloutState::kStopped, last_status_);
      relist_ = true;
      if (Verdict verdict = list_object()) return std::move(*verdict);
      if (relist_) continue;  // the list failed and list_object has waited
      while (!relist_) {
        if (stop_.stop_requested()) return finish(RolloutState::kStopped, last_status_);
        if (Verdict verdict = check_pods_if_due()) return std::move(*verdict);
        if (deadline_passed()) return timed_out();
        Verdict verdict = options_.watch ? watch_once() : poll_once();
        if (verdict) return std::move(*verdict);
      }
    }
  }

 private:
  // The object by a list, so that the watch can start at the list's
  // resourceVersion and miss nothing in between.
  Verdict list_object() {
    ListOptions list_options;
    list_options.field_selector = "metadata.name=" + name_;
    auto listed = client_.list(gvk_, namespace_name_, list_options);
    if (!listed) return retry_later(listed.error());
    if (listed->items.empty()) return fail(Error::not_found(context_ + ref_ + " not found"));
    backoff_ = kFirstBackoff;
    object_ = std::move(listed->items.front());
    resource_version_ = listed->resource_version;
    have_object_ = true;
    relist_ = false;
    return evaluate();
  }

  // One watch until the server ends it, an event settles the rollout, or a
  // pod check or the deadline is due.
  Verdict watch_once() {
    WatchOptions watch_options;
    watch_options.resource_version = resource_version_;
    watch_options.field_selector = "metadata.name=" + name_;
    watch_options.timeout_seconds = watch_seconds();
    const TimePoint watch_started = clock_.now();
    bool got_event = false;
    Verdict verdict;
    auto watched = client_.watch(
        gvk_, namespace_name_, watch_options,
        [&](WatchEvent&& event) {
          got_event = true;
          if (std::string version = resource_version_of(event.object); !version.empty()) resource_version_ = version;
          if (event.type == WatchEvent::Type::kBookmark) return true;
          if (event.type == WatchEvent::Type::kDeleted) {
            verdict = fail(Error::not_found(context_ + ref_ + " was deleted while waiting for its rollout"));
            return false;
          }
          object_ = std::move(event.object);
          verdict = evaluate();
          return !verdict && !pod_check_due() && !deadline_passed();
        },
        stop_);
    if (verdict) return verdict;
    if (stop_.stop_requested()) return finish(RolloutState::kStopped, last_status_);
    if (!watched) {
      if (watched.error().retry == Retry::kResync) {  // 410 Gone: our resourceVersion is too old
        relist_ = true;
        return std::nullopt;
      }
      return retry_later(watched.error());
    }
    backoff_ = kFirstBackoff;
    if (!got_event && clock_.now() - watch_started < kShortestWatch) return pause_until(clock_.now() + kShortestWatch);
    return std::nullopt;
  }

  Verdict poll_once() {
    if (Verdict verdict = pause_until(clock_.now() + options_.poll_interval)) return verdict;
    if (deadline_passed()) return std::nullopt;  // the loop reports the timeout
    auto got = client_.get(gvk_, namespace_name_, name_);
    if (!got) {
      if (got.error().code == ErrorCode::kNotFound)
        return fail(Error::not_found(context_ + ref_ + " was deleted while waiting for its rollout"));
      return retry_later(got.error());
    }
    backoff_ = kFirstBackoff;
    object_ = std::move(*got);
    return evaluate();
  }

  // kubectl's verdict on the object as last seen.
  Verdict evaluate() {
    RolloutStatus status = rollout_status(object_);
    if (status.error) {
      if (status.error->code == ErrorCode::kInvalidInput) return fail(*status.error);
      return finish(RolloutState::kFailed, status.error->message);
    }
    report_status(status.message);
    if (status.done) return finish(RolloutState::kDone, status.message);
    return std::nullopt;
  }

  bool pod_check_due() const { return options_.fail_fast && !pod_checks_off_ && clock_.now() >= next_pod_check_; }

  Verdict check_pods_if_due() {
    if (!pod_check_due()) return std::nullopt;
    next_pod_check_ = clock_.now() + options_.poll_interval;

    WorkloadObjects objects;
    ListOptions by_selector;
    by_selector.label_selector = label_selector_of(object_);
    auto list_into = [&](const GroupVersionKind& kind, std::vector<nlohmann::json>& out) -> bool {
      auto listed = client_.list(kind, namespace_name_, by_selector);
      if (!listed) {
        if (listed.error().code == ErrorCode::kDenied) {
          // Without the right to read pods the rollout can still be followed.
          pod_checks_off_ = true;
          report_line("not checking pods for problems: " + listed.error().message);
        }
        return false;  // anything else: try again at the next check
      }
      out = std::move(listed->items);
      return true;
    };
    if (gvk_.kind == "Deployment" && !list_into(kReplicaSetKind, objects.replica_sets)) return std::nullopt;
    if (gvk_.kind == "DaemonSet" && !list_into(kControllerRevisionKind, objects.controller_revisions))
      return std::nullopt;
    if (!list_into(kPodKind, objects.pods)) return std::nullopt;

    std::vector<PodProblem> problems = find_rollout_pod_problems(object_, objects, options_.problems);
    std::vector<PodProblem> fatal = tracker_.fatal(problems, clock_.now());
    if (!fatal.empty()) {
      std::string message = "rollout of " + ref_ + " failed: " + fatal.front().describe();
      if (fatal.size() > 1)
        message +=
            " (and " + std::to_string(fatal.size() - 1) + (fatal.size() == 2 ? " more problem)" : " more problems)");
      return finish(RolloutState::kFailed, std::move(message), std::move(fatal));
    }
    for (const PodProblem& problem : problems) warn_once(problem);
    return std::nullopt;
  }

  // A problem still in its grace period: said once, not at every check.
  void warn_once(const PodProblem& problem) {
    bool known =
        std::any_of(warned_.begin(), warned_.end(), [&](const PodProblem& p) { return p.same_problem(problem); });
    if (known) return;
    warned_.push_back(problem);
    report_line("waiting for " + problem.describe());
  }

  // After an API error: wait and let the loop try again, or give up.
  Verdict retry_later(const Error& error) {
    if (error.retry == Retry::kNo) return fail(error);
    last_error_ = error.message;
    if (deadline_passed()) return have_object_ ? Verdict(timed_out()) : Verdict(fail(error));
    TimePoint until = clock_.now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    return pause_until(until);
  }

  // Sleeps until `until` or the deadline, whichever is first.
  Verdict pause_until(TimePoint until) {
    if (deadline_) until = std::min(until, *deadline_);
    if (!sleeper_.sleep_until(until, stop_)) return finish(RolloutState::kStopped, last_status_);
    return std::nullopt;
  }

  int watch_seconds() const {
    TimePoint until = clock_.now() + kLongestWatch;
    if (options_.fail_fast && !pod_checks_off_) until = std::min(until, next_pod_check_);
    if (deadline_) until = std::min(until, *deadline_);
    auto left = std::chrono::ceil<seconds>(until - clock_.now());
    return static_cast<int>(std::max<seconds::rep>(left.count(), 1));
  }

  bool deadline_passed() const { return deadline_ && clock_.now() >= *deadline_; }

  Result<RolloutOutcome> timed_out() const {
    std::string message = "timed out after " + go_duration_text(options_.timeout) + " waiting for " + ref_ +
                          " to roll out; last status: " + (last_status_.empty() ? "none" : last_status_);
    if (!last_error_.empty()) message += "; last error: " + last_error_;
    return finish(RolloutState::kTimedOut, std::move(message));
  }

  static Result<RolloutOutcome> finish(RolloutState state, std::string message, std::vector<PodProblem> problems = {}) {
    return RolloutOutcome{state, std::move(message), std::move(problems)};
  }

  void report_status(const std::string& status) {
    if (status == last_status_) return;
    last_status_ = status;
    report_line(status);
  }

  void report_line(const std::string& line) {
    if (progress_) progress_(line);
  }

  Client& client_;
  const GroupVersionKind gvk_;
  const std::string namespace_name_;
  const std::string name_;
  const RolloutWaitOptions& options_;
  const std::function<void(const std::string&)>& progress_;
  std::stop_token stop_;
  Clock& clock_;
  Sleeper& sleeper_;
  FailFastTracker tracker_;

  const TimePoint started_;
  std::optional<TimePoint> deadline_;
  TimePoint next_pod_check_;
  std::string ref_;      // "Deployment shop/web"
  std::string context_;  // "context prod-bj: "

  nlohmann::json object_;
  bool have_object_ = false;
  std::string resource_version_;
  bool relist_ = false;  // the next step is a fresh list
  bool pod_checks_off_ = false;
  milliseconds backoff_ = kFirstBackoff;
  std::string last_status_;
  std::string last_error_;
  std::vector<PodProblem> warned_;
};

}  // namespace

Error RolloutOutcome::to_error() const {
  Error error = Error::make(ErrorCode::kUnavailable, message, Retry::kNo);
  for (const PodProblem& problem : problems) error.details.push_back({"pod " + problem.pod, problem.summary()});
  return error;
}

Result<RolloutOutcome> wait_for_rollout(Client& client, const GroupVersionKind& gvk, std::string_view namespace_name,
                                        std::string_view name, const RolloutWaitOptions& options,
                                        const std::function<void(const std::string& line)>& progress,
                                        std::stop_token stop, Clock& clock, Sleeper& sleeper) {
  return RolloutWait(client, gvk, namespace_name, name, options, progress, std::move(stop), clock, sleeper).run();
}

std::string go_duration_text(milliseconds duration) {
  if (duration.count() == 0) return "0s";
  std::string sign = duration.count() < 0 ? "-" : "";
  long long ms = std::abs(duration.count());
  if (ms < 1000) return sign + std::to_string(ms) + "ms";
  long long hours = ms / 3'600'000;
  long long minutes = ms / 60'000 % 60;
  long long whole_seconds = ms / 1000 % 60;
  long long fraction = ms % 1000;
  std::string seconds_text = std::to_string(whole_seconds);
  if (fraction != 0) {
    std::string digits = std::to_string(1000 + fraction).substr(1);  // zero-padded to 3
    while (digits.back() == '0') digits.pop_back();
    seconds_text += "." + digits;
  }
  std::string out = sign;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  return out + seconds_text + "s";
}

}  // namespace pier::kube
