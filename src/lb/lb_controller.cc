#include "lb/lb_controller.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "lb/actual_update.h"

namespace pier::lb {
namespace {

// "service shop/web" / "configmap key 10.1.3.226" -> the object the Event is about.
// Problems of the controller's own settings ("config vip_pool") have no
// object to hang an Event on: they are logged only.
std::optional<EventNote> note_for(const Problem& problem, const ClusterInputsOptions& configmap) {
  if (problem.key.starts_with("config ")) return std::nullopt;
  EventNote note;
  if (problem.reason.find("already claimed") != std::string::npos)
    note.reason = "VipConflict";
  else if (problem.reason.find("not Pier's") != std::string::npos)
    note.reason = "ForeignVirtualService";
  else
    note.reason = "InvalidEntry";
  note.message = problem.key + ": " + problem.reason;
  constexpr std::string_view kService = "service ";
  if (problem.key.starts_with(kService)) {
    std::string id = problem.key.substr(kService.size());
    if (auto space = id.find(' '); space != std::string::npos) id = id.substr(0, space);
    if (auto slash = id.find('/'); slash != std::string::npos) {
      note.kind = "Service";
      note.namespace_name = id.substr(0, slash);
      note.name = id.substr(slash + 1);
      return note;
    }
  }
  note.kind = "ConfigMap";
  note.namespace_name = configmap.configmap_namespace;
  note.name = configmap.configmap_name;
  return note;
}

}  // namespace

LbController::LbController(ClusterInputs& inputs, Dataplane& dataplane, ClusterFeedback& feedback, LbMetrics& metrics,
                           server::Logger logger, ControllerOptions options, ControllerHooks hooks, Clock& clock)
    : inputs_(inputs),
      dataplane_(dataplane),
      feedback_(feedback),
      metrics_(metrics),
      logger_(std::move(logger)),
      options_(std::move(options)),
      hooks_(std::move(hooks)),
      clock_(clock) {}

Result<void> LbController::read_dataplane() {
  auto read = dataplane_.read_actual();
  if (!read) return fail(read.error());
  auto now = clock_.now();
  // The kernel does not remember when a drain began; the controller does,
  // and a drain it finds without a start (after a restart) starts now.
  for (auto& [key, service] : read->services) {
    auto before = actual_.services.find(key);
    for (auto& server : service.real_servers) {
      if (server.server.weight != 0) continue;
      if (before != actual_.services.end()) {
        auto it = std::find_if(before->second.real_servers.begin(), before->second.real_servers.end(),
                               [&](const ActualRealServer& s) { return same_endpoint(s.server, server.server); });
        if (it != before->second.real_servers.end() && it->drain_started) {
          server.drain_started = it->drain_started;
          continue;
        }
      }
      server.drain_started = now;
    }
  }
  actual_ = std::move(*read);
  reread_ = false;
  return {};
}

void LbController::refresh_actual(std::span<const ServiceKey> keys) {
  for (const auto& key : keys) {
    auto service = actual_.services.find(key);
    if (service == actual_.services.end() || !service->second.owned) continue;
    auto fresh = dataplane_.read_real_servers(key);
    if (!fresh) {
      // The cached view stays; a stale one is caught by the next full read.
      reread_ = true;
      continue;
    }
    if (!*fresh) continue;
    for (auto& server : **fresh)
      for (const auto& known : service->second.real_servers)
        if (same_endpoint(known.server, server.server)) server.drain_started = known.drain_started;
    for (auto& server : **fresh)
      if (server.server.weight == 0 && !server.drain_started) server.drain_started = clock_.now();
    service->second.real_servers = std::move(**fresh);
  }
}

LbController::Plan LbController::plan(const InputChanges& changes, bool full) {
  Plan plan;
  DiffOptions diff_options{.now = clock_.now(), .drain_timeout = options_.drain_timeout};
  if (full) {
    desired_ = compute_desired(inputs_.snapshot(options_.config));
    if (hooks_.adjust_weights) hooks_.adjust_weights(desired_, {});
    plan.diff = diff(desired_, actual_, diff_options);
    plan.full = true;
    return plan;
  }
  std::vector<ServiceKey> keys;
  for (const auto& service : changes.endpoint_services) {
    auto owners = inputs_.slices_of(service);
    std::vector<const nlohmann::json*> slices;
    slices.reserve(owners.size());
    for (const auto& slice : owners) slices.push_back(slice.get());
    auto changed = refresh_endpoints(desired_, service, slices, options_.config);
    keys.insert(keys.end(), changed.begin(), changed.end());
  }
  if (hooks_.adjust_weights && !keys.empty()) hooks_.adjust_weights(desired_, keys);
  if (draining_ > 0) {
    // Drains progress with time and connections: those services are looked
    // at again (their connection counts read fresh), not the whole table.
    auto more = draining_keys();
    keys.insert(keys.end(), more.begin(), more.end());
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  refresh_actual(keys);
  if (!keys.empty()) plan.diff = diff(desired_, actual_, diff_options, keys);
  return plan;
}

std::vector<ServiceKey> LbController::draining_keys() const {
  std::vector<ServiceKey> keys;
  for (const auto& [key, service] : actual_.services) {
    if (!service.owned) continue;
    if (!desired_.services.contains(key)) {
      keys.push_back(key);
      continue;
    }
    for (const auto& server : service.real_servers)
      if (server.drain_started) {
        keys.push_back(key);
        break;
      }
  }
  return keys;
}

bool LbController::apply(const Plan& plan) {
  if (plan.diff.operations.empty()) return true;
  ApplyReport report = dataplane_.apply(plan.diff.operations);
  auto now = clock_.now();
  size_t next_failed = 0;
  // report.failed lists failures in operation order: walk both together.
  for (const auto& op : plan.diff.operations) {
    bool failed = next_failed < report.failed.size() && report.failed[next_failed].operation == op;
    if (failed) {
      const auto& error = report.failed[next_failed].error;
      ++next_failed;
      metrics_.count_operation(op.kind, false);
      logger_.warn("operation failed", {{"operation", op.text()}, {"error", error.message},
                                        {"retry", error.retry == Retry::kNo ? "no" : "yes"}});
      if (error.retry == Retry::kResync) reread_ = true;
      continue;
    }
    metrics_.count_operation(op.kind, true);
    apply_operation(actual_, op, now);
  }
  // Failures the walk did not match (a dataplane-level one): count them too.
  for (size_t i = next_failed; i < report.failed.size(); ++i) {
    logger_.warn("dataplane failure", {{"error", report.failed[i].error.message}});
    if (report.failed[i].error.retry == Retry::kResync) reread_ = true;
  }
  if (!report.failed.empty()) metrics_.count_error("apply");
  // An operation refused for good (Retry::kNo: fullnat on the stock
  // kernel, say) is reported and counted, but does not make every later
  // sync a failure: retrying cannot help, and the rest is applied.
  return std::none_of(report.failed.begin(), report.failed.end(),
                      [](const FailedOperation& f) { return f.error.retry != Retry::kNo; });
}

void LbController::report_problems(const std::vector<Problem>& problems) {
  std::set<std::pair<std::string, std::string>> now;
  for (const auto& problem : problems) {
    now.insert({problem.key, problem.reason});
    if (reported_.contains({problem.key, problem.reason})) continue;
    logger_.warn("rejected", {{"entry", problem.key}, {"reason", problem.reason}});
    auto note = note_for(problem, inputs_.options());
    auto recorded = note ? feedback_.record(*note) : Result<void>{};
    if (!recorded) {
      metrics_.count_error("kube");
      logger_.warn("event not recorded", {{"entry", problem.key}, {"error", recorded.error().message}});
      continue;  // reported again next time
    }
    reported_.insert({problem.key, problem.reason});
  }
  // Fixed ones may be reported again if they come back.
  std::erase_if(reported_, [&](const auto& p) { return !now.contains(p); });
  metrics_.set_rejected(problems.size());
}

bool LbController::write_statuses() {
  bool ok = true;
  for (const auto& [service, ingress] : desired_.ingress) {
    auto written = feedback_.write_ingress(service, ingress);
    if (!written) {
      ok = false;
      metrics_.count_error("kube");
      logger_.warn("status not written", {{"service", service}, {"error", written.error().message}});
    }
  }
  return ok;
}

void LbController::publish() {
  ExportView view;
  view.services.reserve(desired_.services.size());
  for (const auto& [key, vs] : desired_.services) view.services.push_back(vs);
  view.traffic = traffic_;
  if (hooks_.failing) {
    view.down = hooks_.failing();
    view.health_checked = true;
  }
  if (hooks_.announce) view.announced = hooks_.announce(desired_);
  metrics_.publish(std::move(view));
}

void LbController::run(std::stop_token stop) {
  logger_.info("waiting for the cluster's state", {{"dataplane", std::string(dataplane_.name())}});
  if (!inputs_.wait_for_sync(stop)) return;
  logger_.info("cluster state synced");

  std::chrono::milliseconds backoff = options_.initial_backoff;
  bool full = true;
  bool retry_due = false;
  while (!stop.stop_requested()) {
    InputChanges changes;
    if (!full) changes = inputs_.wait_for_changes(stop, retry_due ? backoff : options_.tick);
    if (stop.stop_requested()) break;
    auto started = clock_.now();
    if (changes.full || retry_due || started - last_full_ >= options_.resync_period) full = true;
    if (full && started - last_full_ >= options_.resync_period) reread_ = true;

    bool ok = true;
    if (reread_) {
      if (auto read = read_dataplane(); !read) {
        metrics_.count_error("read");
        logger_.warn("reading the dataplane failed", {{"error", read.error().message}});
        ok = false;
      }
    }
    Plan planned;
    if (ok) {
      planned = plan(changes, full);
      ok = apply(planned);
      // Every plan covers all services that were draining (a full one all,
      // an incremental one adds draining_keys()), so its count is the whole.
      draining_ = planned.diff.draining;
      if (planned.full) {
        std::vector<Problem> problems = desired_.problems;
        problems.insert(problems.end(), planned.diff.problems.begin(), planned.diff.problems.end());
        report_problems(problems);
        if (!write_statuses()) ok = false;
        last_full_ = started;
      }
    }
    if (hooks_.desired_changed && ok && (planned.full || !changes.endpoint_services.empty()))
      hooks_.desired_changed(desired_);
    if (started - last_traffic_ >= options_.tick || planned.full) {
      if (auto traffic = dataplane_.read_traffic()) {
        traffic_ = std::move(*traffic);
      } else {
        metrics_.count_error("read");
      }
      last_traffic_ = started;
    }
    publish();
    double seconds = std::chrono::duration<double>(clock_.now() - started).count();
    double wall = std::chrono::duration<double>(clock_.wall_now().time_since_epoch()).count();
    if (planned.full || !planned.diff.operations.empty() || !ok) metrics_.observe_sync(seconds, ok, wall);
    if (!planned.diff.operations.empty() || !ok)
      logger_.info("synced", {{"operations", static_cast<long long>(planned.diff.operations.size())},
                              {"full", planned.full}, {"ok", ok}, {"seconds", seconds},
                              {"services", static_cast<long long>(desired_.services.size())}});
    ++syncs_;
    ready_ = ok;
    full = false;
    if (ok) {
      retry_due = false;
      backoff = options_.initial_backoff;
    } else {
      retry_due = true;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

}  // namespace pier::lb
